// Sends an e-mail once per idempotency key and records the result, the way
// TeamsDelivery does for Teams. One attempt per call: the jobs that call it
// run again later, which is the retry. It goes through the paced send queue.
import type { Clock } from '../services/clock.js';
import type { Store } from '../store/store.js';
import type { EmailMessage, EmailSender } from './email.js';
import { recordSend, wasSent } from './send-log.js';
import type { SendResult } from './teams-delivery.js';
import { SendQueue } from './send-queue.js';
import { SendsInFlight } from './sends-in-flight.js';

export class EmailDelivery {
  private readonly inFlight = new SendsInFlight();

  constructor(
    private readonly store: Store,
    private readonly sender: EmailSender,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
    private readonly queue: SendQueue = new SendQueue(),
  ) {}

  /** `target` names the recipient in the send log (a partner id or the address); `what` describes the message. */
  send(key: string, target: string, message: Omit<EmailMessage, 'idempotencyKey'>, what: string): Promise<SendResult> {
    return this.inFlight.run(key, () => this.sendOnce(key, target, message, what));
  }

  private async sendOnce(key: string, target: string, message: Omit<EmailMessage, 'idempotencyKey'>, what: string): Promise<SendResult> {
    if (wasSent(this.store, key)) return 'already-sent';
    return this.queue.emailSend(() => this.attempt(key, target, message, what));
  }

  private async attempt(key: string, target: string, message: Omit<EmailMessage, 'idempotencyKey'>, what: string): Promise<SendResult> {
    let lastError: string | undefined;
    try {
      await this.sender.send({ ...message, idempotencyKey: key });
    } catch (err) {
      lastError = (err as Error).message || String(err);
      this.log(`e-mail ${key} to ${target} failed: ${lastError}`);
    }
    const at = this.clock().toISOString();
    await recordSend(this.store, {
      id: key,
      channel: 'email',
      target,
      what,
      status: lastError ? 'failed' : 'sent',
      attempts: 1,
      at,
      ...(lastError ? { lastError } : {}),
    });
    return lastError ? 'failed' : 'sent';
  }
}
