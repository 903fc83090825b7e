// A RecordStore in a fresh temporary DATA_DIR for service tests, removed again by cleanup().
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbRecordStore } from '../../bot/store/lowdb-records.js';
import { LowdbStore } from '../../bot/store/lowdb-store.js';

export interface TempRecords {
  dir: string;
  records: LowdbRecordStore;
  /** TRANSITION (issue 12): the same documents for services not yet on the RecordStore. */
  store: LowdbStore;
  /** Closes the store and opens the directory anew, as a restart would. */
  reopen(): Promise<TempRecords>;
  cleanup(): Promise<void>;
}

async function openIn(dir: string): Promise<TempRecords> {
  const store = await LowdbStore.open(dir);
  const records = LowdbRecordStore.over(store);
  const self: TempRecords = {
    dir,
    records,
    store,
    reopen: async () => {
      await records.close();
      return openIn(dir);
    },
    cleanup: async () => {
      await records.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return self;
}

export async function tempRecords(): Promise<TempRecords> {
  return openIn(await mkdtemp(join(tmpdir(), 'sidos-test-')));
}
