// Sends an e-mail once per idempotency key and records the result, the way
// TeamsDelivery does for Teams (the key is claimed first, so of several Sidos
// instances one sends). One attempt per call: the jobs that call it run again
// later, which is the retry. It goes through the paced send queue.
import type { Clock } from '../services/clock.js';
import type { RecordStore } from '../store/records.js';
import type { EmailMessage, EmailSender } from './email.js';
import { SendClaimer } from './send-claimer.js';
import { isSent } from './send-log.js';
import type { SendResult } from './teams-delivery.js';
import { SendQueue } from './send-queue.js';
import { SendsInFlight } from './sends-in-flight.js';

export class EmailDelivery {
  private readonly inFlight = new SendsInFlight();
  private readonly claims: SendClaimer;

  constructor(
    private readonly records: RecordStore,
    private readonly sender: EmailSender,
    clock: Clock,
    private readonly log: (line: string) => void,
    private readonly queue: SendQueue = new SendQueue(),
  ) {
    this.claims = new SendClaimer(records, 'email', clock, log);
  }

  /** `target` names the recipient in the send log (a partner id or the address); `what` describes the message. */
  send(key: string, target: string, message: Omit<EmailMessage, 'idempotencyKey'>, what: string): Promise<SendResult> {
    return this.inFlight.run(key, () => this.sendOnce(key, target, message, what));
  }

  private async sendOnce(key: string, target: string, message: Omit<EmailMessage, 'idempotencyKey'>, what: string): Promise<SendResult> {
    if (await isSent(this.records, key)) return 'already-sent';
    return this.queue.emailSend(() => this.attempt(key, target, message, what));
  }

  private async attempt(key: string, target: string, message: Omit<EmailMessage, 'idempotencyKey'>, what: string): Promise<SendResult> {
    if (!(await this.claims.claim(key, target, what))) return 'already-sent';
    try {
      await this.sender.send({ ...message, idempotencyKey: key });
    } catch (err) {
      const lastError = (err as Error).message || String(err);
      this.log(`e-mail ${key} to ${target} failed: ${lastError}`);
      await this.claims.failed(key, lastError);
      return 'failed';
    }
    await this.claims.sent(key);
    return 'sent';
  }
}
