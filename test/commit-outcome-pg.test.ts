// A PostgreSQL connection lost at COMMIT: the transaction's outcome is unknown
// to Sidos, so it must not say "nothing was changed".
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../bot/store/open-record-store.js';
import type { PgRecordStore } from '../bot/store/pg-records.js';
import { CommitOutcomeUnknownError, StorageUnavailableError } from '../bot/store/records.js';
import { createTestDatabase } from './harness/postgres.js';
import { partnerFixture } from './harness/seed.js';

describe('PostgreSQL RecordStore when the connection breaks at COMMIT', () => {
  let store: PgRecordStore;
  let admin: pg.Client;
  beforeAll(async () => {
    const url = await createTestDatabase();
    store = (await openPostgres(url)).store;
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await store.close();
  });

  /** Ends the server process of the one connection idling inside a transaction: the next statement it gets is COMMIT. */
  async function terminateTheOpenTransaction(): Promise<void> {
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()",
    );
    expect(rows).toHaveLength(1);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
  }

  it('fails with CommitOutcomeUnknownError, a StorageUnavailableError, and the store works on afterwards', async () => {
    const failed = store.transaction(async (tx) => {
      await tx.put('partners', partnerFixture('maybe'));
      await terminateTheOpenTransaction();
    });
    await expect(failed).rejects.toThrow(CommitOutcomeUnknownError);
    await expect(failed).rejects.toThrow(StorageUnavailableError);

    await store.transaction((tx) => tx.put('partners', partnerFixture('after')));
    expect((await store.get('partners', 'after'))?.id).toBe('after');
  });

  it('keeps a connection lost before COMMIT a plain StorageUnavailableError: then nothing was kept', async () => {
    const failed = store.transaction(async (tx) => {
      await tx.put('partners', partnerFixture('lost-early'));
      await terminateTheOpenTransaction();
      await tx.put('partners', partnerFixture('lost-early-2'));
    });
    const error = await failed.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error).not.toBeInstanceOf(CommitOutcomeUnknownError);
    expect(await store.get('partners', 'lost-early')).toBeUndefined();
  });
});
