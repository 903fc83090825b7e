// The record of outgoing messages, one entry per idempotency key. A send is
// claimed before it goes out (see send-claimer.ts): its record says `claimed`
// while an instance sends it, then `sent` or `failed`.
import type { StoredSend } from '../store/record-kinds.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import type { SendRecord } from '../store/store.js';

/** The send record of `key`: claimed (being sent), sent or failed. */
export function sendOf(reader: RecordReader, key: string): Promise<StoredSend | undefined> {
  return reader.get('sends', key);
}

export async function isSent(reader: RecordReader, key: string): Promise<boolean> {
  return (await sendOf(reader, key))?.status === 'sent';
}

/**
 * Records sends that need not go out because an earlier message already said
 * what they would (e.g. a disruption's update included in its first delivery).
 */
export async function recordIncludedSends(records: RecordStore, sends: SendRecord[]): Promise<void> {
  await records.transaction(async (tx) => {
    for (const send of sends) if ((await tx.get('sends', send.id))?.status !== 'sent') await tx.put('sends', send);
  });
}
