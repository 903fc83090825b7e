// The one proactive-send helper: sends a message to a stored conversation
// through the paced send queue, retries throttling (429) and server errors
// with backoff (honouring Retry-After; the wait ends at shutdown), and records
// the result under an idempotency key so that a retry, a double click or a
// restart never sends the same thing twice.
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../services/clock.js';
import type { SendRecord, Store } from '../store/store.js';
import { SendError, type CardUpdatePort, type ConversationPort, type OutgoingMessage } from './outgoing.js';
import { recordSend, wasSent } from './send-log.js';
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

  constructor(
    private readonly store: Store,
    /** Without `update`, replacing a sent card fails (and is recorded so). */
    private readonly port: ConversationPort & Partial<CardUpdatePort>,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly sleep?: (ms: number) => Promise<void>,
    private readonly queue: SendQueue = new SendQueue(),
  ) {}

  /**
   * Sends `message` to the conversation record `conversationId` once per `key`.
   * `what` is a short description for the send log (never secrets). Rejects
   * with an AbortError, recording nothing, when Sidos stops before it is done.
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
    if (wasSent(this.store, key)) return 'already-sent';
    const conversation = this.store.readShared((d) => d.conversations.find((c) => c.id === conversationId));
    if (!conversation) {
      await this.record(key, conversationId, what, 'failed', 0, 'no stored conversation');
      return 'failed';
    }
    return this.queue.teamsSend(conversationId, () => this.attempt(key, conversationId, () => act(conversation.reference), what));
  }

  private async attempt(key: string, conversationId: string, act: () => Promise<string | void>, what: string): Promise<SendResult> {
    let attempts = 0;
    let lastError = '';
    while (attempts < this.retry.maxAttempts) {
      attempts += 1;
      try {
        const activityId = await act();
        await this.record(key, conversationId, what, 'sent', attempts, undefined, activityId || undefined);
        return 'sent';
      } catch (err) {
        const failure = err instanceof SendError ? err : new SendError((err as Error).message, null);
        lastError = failure.status ? `HTTP ${failure.status}: ${failure.message}` : failure.message;
        if (!failure.retryable || attempts >= this.retry.maxAttempts) break;
        const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempts - 1));
        const wait = Math.min(this.retry.maxDelayMs, failure.retryAfterMs ?? backoff);
        await (this.sleep ? this.sleep(wait) : delay(wait, undefined, { signal: this.queue.signal }));
      }
    }
    this.log(`send ${key} to ${conversationId} failed after ${attempts} attempt(s): ${lastError}`);
    await this.record(key, conversationId, what, 'failed', attempts, lastError);
    return 'failed';
  }

  private async record(key: string, target: string, what: string, status: SendRecord['status'], attempts: number, lastError?: string, activityId?: string) {
    const at = this.clock().toISOString();
    await recordSend(this.store, { id: key, channel: 'teams', target, what, status, attempts, at, ...(lastError ? { lastError } : {}), ...(activityId ? { activityId } : {}) });
  }
}
