import type { SendResult } from './teams-delivery.js';

/**
 * A send already under way for a key is joined, not started again, so two
 * clicks at the same moment send once; the second learns it was already sent.
 */
export class SendsInFlight {
  private readonly running = new Map<string, Promise<SendResult>>();

  run(key: string, send: () => Promise<SendResult>): Promise<SendResult> {
    const running = this.running.get(key);
    if (running) return running.then((r) => (r === 'sent' ? 'already-sent' : r));
    const attempt = send().finally(() => this.running.delete(key));
    this.running.set(key, attempt);
    return attempt;
  }
}
