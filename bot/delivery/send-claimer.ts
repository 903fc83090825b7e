// Claims a send's idempotency key in the RecordStore before it goes out and
// records its outcome after, so that of any number of Sidos instances exactly
// one sends it (issue 12). The claim is this sender's own (see holder.ts).
import type { Clock } from '../services/clock.js';
import type { StoredSend } from '../store/record-kinds.js';
import type { RecordStore, SendResult } from '../store/records.js';
import { newHolderId } from './holder.js';

/**
 * How long a claim holds: far longer than one attempt (an HTTP request or an
 * SMTP conversation, each with its own timeout), short enough that a send
 * whose instance died goes out again within minutes (the jobs retry it).
 */
export const CLAIM_MS = 5 * 60_000;

export class SendClaimer {
  private readonly holder = newHolderId();

  constructor(
    private readonly records: RecordStore,
    private readonly channel: StoredSend['channel'],
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
  ) {}

  /** True when this sender owns the send now; false: it was sent, or another holder is sending it. */
  claim(key: string, target: string, what: string): Promise<boolean> {
    const now = this.clock();
    const until = new Date(now.getTime() + CLAIM_MS).toISOString();
    return this.records.claimSend({ key, channel: this.channel, target, what, holder: this.holder, until }, now.toISOString());
  }

  sent(key: string, activityId?: string): Promise<void> {
    return this.record(key, { status: 'sent', ...(activityId ? { activityId } : {}) });
  }

  failed(key: string, lastError: string): Promise<void> {
    return this.record(key, { status: 'failed', lastError });
  }

  private async record(key: string, result: SendResult): Promise<void> {
    if (await this.records.recordSendResult(key, this.holder, result, this.clock().toISOString())) return;
    // Only when an attempt outlasted CLAIM_MS and another instance took the send over.
    this.log(`send ${key}: the claim lapsed before its ${result.status} outcome was recorded; another instance may have sent it too`);
  }
}
