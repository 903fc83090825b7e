// The record of outgoing messages, one entry per idempotency key.
//
// On the RecordStore a send is claimed before it goes out (see TeamsDelivery):
// its record says `claimed` while an instance sends it, then `sent` or `failed`.
//
// TRANSITION (issue 12): the document-store forms below (sendRecordOf, wasSent,
// recordSend) stay for the services not yet on the RecordStore; they go after
// the merge. Every send looks its key up, so the log keeps an index from key to position
// in `sends` beside the store's data. The index is checked on use rather than
// told about writes: it belongs to one `sends` array (a restart, a rollback
// after a failed write or an erasure that filters the list brings a new one
// and rebuilds it), records appended since it was built are added, and a hit
// whose position no longer holds its key (a list reshaped in place) rebuilds it.
import type { StoredSend } from '../store/record-kinds.js';
import type { RecordReader } from '../store/records.js';
import type { SendRecord, Store } from '../store/store.js';

/** The send record of `key`: claimed (being sent), sent or failed. */
export function sendOf(reader: RecordReader, key: string): Promise<StoredSend | undefined> {
  return reader.get('sends', key);
}

export async function isSent(reader: RecordReader, key: string): Promise<boolean> {
  return (await sendOf(reader, key))?.status === 'sent';
}

interface SendIndex {
  list: readonly SendRecord[];
  /** How many entries of `list` are indexed. */
  indexed: number;
  positions: Map<string, number>;
}

const indexes = new WeakMap<Store, SendIndex>();

/** Indexes the entries appended since; false when the list was reshaped instead (an entry inserted or moved). */
function catchUp(index: SendIndex): boolean {
  for (; index.indexed < index.list.length; index.indexed++) {
    const id = index.list[index.indexed].id;
    const known = index.positions.get(id);
    if (known === undefined) index.positions.set(id, index.indexed);
    // The first entry with a key wins, as a search from the start would find it; a moved one means a reshape.
    else if (index.list[known]?.id !== id) return false;
  }
  return true;
}

function fresh(store: Store, list: readonly SendRecord[]): SendIndex {
  const index: SendIndex = { list, indexed: 0, positions: new Map() };
  catchUp(index);
  indexes.set(store, index);
  return index;
}

/** The position of `key` in the store's send log, or -1. */
function positionOf(store: Store, key: string): number {
  return store.readShared((d) => {
    let index = indexes.get(store);
    if (!index || index.list !== d.sends || index.indexed > d.sends.length || !catchUp(index)) index = fresh(store, d.sends);
    let at = index.positions.get(key);
    if (at !== undefined && d.sends[at]?.id !== key) at = fresh(store, d.sends).positions.get(key);
    return at ?? -1;
  });
}

/**
 * A send being sent (claimed) is not shown: the document-store callers knew no
 * record until a send ended, and a claim of a holder that died is retried once it lapses.
 */
export function sendRecordOf(store: Store, key: string): SendRecord | undefined {
  const at = positionOf(store, key);
  const record = at < 0 ? undefined : (store.readShared((d) => d.sends[at]) as StoredSend);
  return record?.status === 'claimed' ? undefined : (record as SendRecord | undefined);
}

export function wasSent(store: Store, key: string): boolean {
  return sendRecordOf(store, key)?.status === 'sent';
}

/** Adds or updates the entry for `record.id`; `attempts` is added to the attempts so far. */
export async function recordSend(store: Store, record: SendRecord): Promise<void> {
  await store.updateShared((d) => {
    const at = positionOf(store, record.id);
    if (at < 0) return void d.sends.push(record);
    const existing = d.sends[at];
    Object.assign(existing, record, { attempts: existing.attempts + record.attempts });
    if (!record.lastError) delete existing.lastError;
  });
}
