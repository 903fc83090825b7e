// The one proactive-send helper: sends a message to a stored conversation
// through the paced send queue, retries throttling (429) and server errors
// with backoff (honouring Retry-After; the wait ends at shutdown), and records
// the result under an idempotency key so that a retry, a double click, a
// restart or a second Sidos instance never sends the same thing twice.
// Each HTTP attempt claims the key in the RecordStore first (see SendClaimer).
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../services/clock.js';
import type { RecordStore } from '../store/records.js';
import { SendError, type CardUpdatePort, type ConversationPort, type OutgoingMessage } from './outgoing.js';
import { SendClaimer } from './send-claimer.js';
import { isSent } from './send-log.js';
import { SendQueue } from './send-queue.js';
import { SendsInFlight } from './sends-in-flight.js';

export type SendResult = 'sent' | 'already-sent' | 'failed';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

export class TeamsDelivery {
  private readonly inFlight = new SendsInFlight();
  private readonly claims: SendClaimer;

  constructor(
    private readonly records: RecordStore,
    /** Without `update`, replacing a sent card fails (and is recorded so). */
    private readonly port: ConversationPort & Partial<CardUpdatePort>,
    clock: Clock,
    private readonly log: (line: string) => void,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly sleep?: (ms: number) => Promise<void>,
    private readonly queue: SendQueue = new SendQueue(),
  ) {
    this.claims = new SendClaimer(records, 'teams', clock, log);
  }

  /**
   * Sends `message` to the conversation record `conversationId` once per `key`.
   * `what` is a short description for the send log (never secrets). Rejects
   * with an AbortError when Sidos stops before it is done; what was tried by
   * then is recorded as failed, so the next start sends it.
   */
  send(key: string, conversationId: string, message: OutgoingMessage, what: string): Promise<SendResult> {
    return this.inFlight.run(key, () => this.sendOnce(key, conversationId, what, (reference) => this.port.send(reference, message)));
  }

  /**
   * Replaces the message `activityId` (a card sent earlier) in the conversation
   * with `message`, once per `key`, with the same retries and records as send.
   */
  update(key: string, conversationId: string, activityId: string, message: OutgoingMessage, what: string): Promise<SendResult> {
    return this.inFlight.run(key, () =>
      this.sendOnce(key, conversationId, what, async (reference) => {
        if (!this.port.update) throw new SendError('this connection cannot replace messages', 400);
        await this.port.update(reference, activityId, message);
        return activityId;
      }),
    );
  }

  private async sendOnce(
    key: string,
    conversationId: string,
    what: string,
    act: (reference: Record<string, unknown>) => Promise<string | void>,
  ): Promise<SendResult> {
    if (await isSent(this.records, key)) return 'already-sent';
    const conversation = await this.records.get('conversations', conversationId);
    if (!conversation) {
      if (!(await this.claims.claim(key, conversationId, what))) return 'already-sent';
      await this.claims.failed(key, 'no stored conversation');
      return 'failed';
    }
    return this.queue.teamsSend(conversationId, () => this.attempt(key, conversationId, () => act(conversation.reference), what));
  }

  /**
   * The attempts of one send. Each is claimed and its outcome recorded, so the
   * send log counts HTTP attempts; during a backoff wait the send is `failed`
   * and another instance may take it over, after which this one stops.
   */
  private async attempt(key: string, conversationId: string, act: () => Promise<string | void>, what: string): Promise<SendResult> {
    let attempts = 0;
    let lastError = '';
    while (attempts < this.retry.maxAttempts) {
      if (!(await this.claims.claim(key, conversationId, what))) return 'already-sent';
      attempts += 1;
      try {
        const activityId = await act();
        await this.claims.sent(key, activityId || undefined);
        return 'sent';
      } catch (err) {
        const failure = err instanceof SendError ? err : new SendError((err as Error).message, null);
        lastError = failure.status ? `HTTP ${failure.status}: ${failure.message}` : failure.message;
        await this.claims.failed(key, lastError);
        if (!failure.retryable || attempts >= this.retry.maxAttempts) break;
        const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempts - 1));
        const wait = Math.min(this.retry.maxDelayMs, failure.retryAfterMs ?? backoff);
        await (this.sleep ? this.sleep(wait) : delay(wait, undefined, { signal: this.queue.signal }));
      }
    }
    this.log(`send ${key} to ${conversationId} failed after ${attempts} attempt(s): ${lastError}`);
    return 'failed';
  }
}
