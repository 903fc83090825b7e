// The one queue every outgoing send goes through: a bounded number of sends
// at a time, paced to Teams' limits and to the mail server. Services hand it
// many sends at once; it decides how many run together.
// On shutdown (the signal) the sends not started are dropped and every
// waiting caller gets an AbortError; nothing of them is recorded, so they
// go out once after the next start.
import { setTimeout as delay } from 'node:timers/promises';
import PQueue from 'p-queue';

export interface SendPacing {
  /** Teams sends in flight at the same time. */
  teamsConcurrency: number;
  /** Teams sends started per second by the whole bot (Teams allows about 50 per app and tenant). */
  teamsPerSecond: number;
  /** E-mails handed to the SMTP server at the same time. */
  smtpMaxConcurrent: number;
}

export const DEFAULT_PACING: SendPacing = { teamsConcurrency: 8, teamsPerSecond: 40, smtpMaxConcurrent: 2 };

/**
 * Teams' limits per bot and conversation: at most `count` messages in any
 * `ms`. A personal chat gets one invite; a channel can get several sends.
 */
export const CONVERSATION_LIMITS = [
  { count: 7, ms: 1_000 },
  { count: 8, ms: 2_000 },
  { count: 60, ms: 30_000 },
  { count: 1_800, ms: 3_600_000 },
] as const;

const LONGEST_WINDOW_MS = CONVERSATION_LIMITS[CONVERSATION_LIMITS.length - 1].ms;

export class SendQueue {
  private readonly teams: PQueue;
  private readonly email: PQueue;
  /** Start times (ms) of the recent sends per conversation, oldest first (as many entries as chats, like the stored references). */
  private readonly recent = new Map<string, number[]>();
  /** The sends themselves: after an abort their callers have moved on, but a send in flight still ends and records. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    pacing: SendPacing = DEFAULT_PACING,
    readonly signal: AbortSignal = new AbortController().signal,
    private readonly now: () => number = Date.now,
  ) {
    this.teams = new PQueue({ concurrency: pacing.teamsConcurrency, intervalCap: pacing.teamsPerSecond, interval: 1000 });
    this.email = new PQueue({ concurrency: pacing.smtpMaxConcurrent });
  }

  /** Runs `send` to `conversationId` when a slot is free and the conversation's limits allow. */
  teamsSend<T>(conversationId: string, send: () => Promise<T>): Promise<T> {
    return this.teams.add(() => this.track(this.conversationTurn(conversationId).then(send)), { signal: this.signal });
  }

  emailSend<T>(send: () => Promise<T>): Promise<T> {
    return this.email.add(() => this.track(send()), { signal: this.signal });
  }

  /** Resolves when the sends in flight have ended; after an abort nothing new starts. */
  async inFlightDone(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled(this.inFlight);
  }

  private track<T>(send: Promise<T>): Promise<T> {
    this.inFlight.add(send);
    void send.then(
      () => this.inFlight.delete(send),
      () => this.inFlight.delete(send),
    );
    return send;
  }

  /** Waits until one more message to the conversation stays within every limit, then counts it. */
  private async conversationTurn(conversationId: string): Promise<void> {
    for (;;) {
      const now = this.now();
      const times = (this.recent.get(conversationId) ?? []).filter((t) => now - t < LONGEST_WINDOW_MS);
      const wait = Math.max(
        0,
        ...CONVERSATION_LIMITS.map(({ count, ms }) => {
          const inWindow = times.filter((t) => now - t < ms);
          return inWindow.length < count ? 0 : inWindow[inWindow.length - count] + ms - now;
        }),
      );
      if (wait === 0) {
        times.push(now);
        this.recent.set(conversationId, times);
        return;
      }
      this.recent.set(conversationId, times);
      await delay(wait, undefined, { signal: this.signal });
    }
  }
}
