// The record of outgoing messages, one entry per idempotency key.
import type { SendRecord, Store } from '../store/store.js';

export function sendRecordOf(store: Store, key: string): SendRecord | undefined {
  return store.readShared((d) => d.sends.find((s) => s.id === key));
}

export function wasSent(store: Store, key: string): boolean {
  return sendRecordOf(store, key)?.status === 'sent';
}

/** Adds or updates the entry for `record.id`; `attempts` is added to the attempts so far. */
export async function recordSend(store: Store, record: SendRecord): Promise<void> {
  await store.updateShared((d) => {
    const existing = d.sends.find((s) => s.id === record.id);
    if (!existing) return void d.sends.push(record);
    Object.assign(existing, record, { attempts: existing.attempts + record.attempts });
    if (!record.lastError) delete existing.lastError;
  });
}
