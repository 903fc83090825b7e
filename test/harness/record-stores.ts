// The two RecordStore implementations as test subjects: each test gets an
// empty store, and can reopen it to see what was kept.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { LowdbRecordStore } from '../../bot/store/lowdb-records.js';
import { openPostgres } from '../../bot/store/open-record-store.js';
import { ALL_KINDS, KINDS } from '../../bot/store/record-kinds.js';
import type { RecordStore } from '../../bot/store/records.js';
import { createTestDatabase } from './postgres.js';

export interface StoreSubject {
  name: 'lowdb' | 'postgres';
  /** Once per test file. */
  setUp(): Promise<void>;
  /** An empty store, before each test. */
  empty(): Promise<RecordStore>;
  /** The same data opened anew (the caller closed the last store first). */
  reopen(): Promise<RecordStore>;
  /** After each test: closes what it opened, removes what it made. */
  clean(): Promise<void>;
}

export function lowdbSubject(): StoreSubject {
  let dir = '';
  let open: RecordStore | null = null;
  const openStore = async () => (open = await LowdbRecordStore.open(dir));
  return {
    name: 'lowdb',
    setUp: async () => undefined,
    empty: async () => {
      dir = await mkdtemp(join(tmpdir(), 'sidos-records-'));
      return openStore();
    },
    reopen: openStore,
    clean: async () => {
      await open?.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function postgresSubject(): StoreSubject {
  let url = '';
  const opened: RecordStore[] = [];
  const openStore = async () => {
    const { store } = await openPostgres(url);
    opened.push(store);
    return store;
  };
  return {
    name: 'postgres',
    setUp: async () => {
      url = await createTestDatabase();
    },
    empty: async () => {
      const store = await openStore();
      const tables = [...ALL_KINDS.map((kind) => KINDS[kind].table), 'years', 'job_state', 'leases'];
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`TRUNCATE ${tables.join(', ')}`);
      await client.end();
      return store;
    },
    reopen: openStore,
    clean: async () => {
      for (const store of opened.splice(0)) await store.close().catch(() => undefined);
    },
  };
}

