// A RecordStore in a fresh temporary DATA_DIR for service tests, removed again by cleanup().
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbRecordStore } from '../../bot/store/lowdb-records.js';
import type { Kind, RecordKinds } from '../../bot/store/record-kinds.js';
import type { RecordStore } from '../../bot/store/records.js';

export interface TempRecords {
  dir: string;
  records: LowdbRecordStore;
  /** Closes the store and opens the directory anew, as a restart would. */
  reopen(): Promise<TempRecords>;
  cleanup(): Promise<void>;
}

async function openIn(dir: string): Promise<TempRecords> {
  const records = await LowdbRecordStore.open(dir);
  return {
    dir,
    records,
    reopen: async () => {
      await records.close();
      return openIn(dir);
    },
    cleanup: async () => {
      await records.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function tempRecords(): Promise<TempRecords> {
  return openIn(await mkdtemp(join(tmpdir(), 'sidos-test-')));
}

/** Every record of a kind, in the order kept: what a test asserts after a use case. */
export async function allRecords<K extends Kind>(records: RecordStore, kind: K): Promise<RecordKinds[K][]> {
  const found: RecordKinds[K][] = [];
  for await (const filed of records.scan(kind)) found.push(filed.record);
  return found;
}
