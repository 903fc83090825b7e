// A RecordStore in a fresh temporary DATA_DIR for service tests, removed again by cleanup().
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbRecordStore } from '../../bot/store/lowdb-records.js';

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
