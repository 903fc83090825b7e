// The PostgreSQL RecordStore while the database goes away and comes back: every
// call fails with StorageUnavailableError, a failed transaction keeps nothing
// and gives its connection up, and the store works again by itself; a statement
// stuck behind a lock fails the same way once the statement timeout has passed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../bot/store/open-record-store.js';
import type { PgRecordStore } from '../bot/store/pg-records.js';
import { StorageUnavailableError } from '../bot/store/records.js';
import { createTestDatabase } from './harness/postgres.js';
import { partnerFixture } from './harness/seed.js';
import { startTcpProxy, type TcpProxy } from './harness/tcp-proxy.js';

/** More than the pool's 10 clients: a failed transaction that kept its client would leave none for the next. */
const MORE_THAN_THE_POOL = 12;

describe('PostgreSQL RecordStore while the database is away', () => {
  let url: string;
  let proxy: TcpProxy;
  let store: PgRecordStore;
  beforeAll(async () => {
    url = await createTestDatabase();
    proxy = await startTcpProxy(url);
    store = (await openPostgres(proxy.url)).store;
  });
  afterAll(async () => {
    await store.close();
    await proxy.close();
  });

  it('fails every call with StorageUnavailableError while the database cannot be reached, keeps nothing of it, and works again when it is back', async () => {
    await store.transaction((tx) => tx.put('partners', partnerFixture('p1')));
    await expect(store.ping()).resolves.toBeUndefined();

    await proxy.cut();
    await expect(store.ping()).rejects.toThrow(StorageUnavailableError);
    await expect(store.get('partners', 'p1')).rejects.toThrow(StorageUnavailableError);
    await expect(store.findBy('partners', 'officeId', 'uusimaa')).rejects.toThrow(StorageUnavailableError);
    for (let i = 0; i < MORE_THAN_THE_POOL; i++) {
      await expect(store.transaction((tx) => tx.put('partners', partnerFixture(`lost-${i}`)))).rejects.toThrow(StorageUnavailableError);
    }

    await proxy.resume();
    await expect(store.ping()).resolves.toBeUndefined();
    await store.transaction((tx) => tx.put('partners', partnerFixture('p2')));
    expect((await store.findBy('partners', 'officeId', 'uusimaa')).map((p) => p.id).sort()).toEqual(['p1', 'p2']);
  });

  it('rolls back a transaction whose connection is cut halfway, gives the client up, and takes the next ones', async () => {
    for (let i = 0; i < MORE_THAN_THE_POOL; i++) {
      const halfway = store.transaction(async (tx) => {
        await tx.put('partners', partnerFixture(`half-${i}`));
        await proxy.cut();
        await tx.put('partners', partnerFixture(`other-half-${i}`));
      });
      await expect(halfway).rejects.toThrow(StorageUnavailableError);
      await proxy.resume();
    }
    expect(await store.get('partners', 'half-0')).toBeUndefined();
    await store.transaction((tx) => tx.put('partners', partnerFixture('p3')));
    expect(await store.get('partners', 'p3')).toEqual(partnerFixture('p3'));
  });

  it('turns a server shutdown of its connections (57P01, pg_terminate_backend) into StorageUnavailableError and reconnects', async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const terminated = store.transaction(async (tx) => {
      await tx.put('partners', partnerFixture('p4'));
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      await tx.put('partners', partnerFixture('p5'));
    });
    await expect(terminated).rejects.toThrow(StorageUnavailableError);
    await admin.end();
    expect(await store.get('partners', 'p4')).toBeUndefined();
    await store.transaction((tx) => tx.put('partners', partnerFixture('p6')));
    expect(await store.get('partners', 'p6')).toEqual(partnerFixture('p6'));
  });
});

describe('PostgreSQL RecordStore behind a lock that is not released', () => {
  it('fails a statement that waits past the statement timeout with StorageUnavailableError, keeps nothing of its transaction, and goes on', async () => {
    const url = await createTestDatabase();
    const { store } = await openPostgres(url, { statementTimeoutMs: 300 });
    await store.transaction((tx) => tx.put('partners', partnerFixture('p1')));
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query("SELECT 1 FROM partners WHERE id = 'p1' FOR UPDATE");
      await expect(store.transaction((tx) => tx.get('partners', 'p1'))).rejects.toThrow(StorageUnavailableError);
      const blocked = store.transaction(async (tx) => {
        await tx.put('partners', partnerFixture('p2'));
        await tx.put('partners', partnerFixture('p1', { name: 'Changed' }));
      });
      await expect(blocked).rejects.toThrow(StorageUnavailableError);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await store.get('partners', 'p2')).toBeUndefined();
    expect(await store.get('partners', 'p1')).toEqual(partnerFixture('p1'));
    await store.transaction((tx) => tx.put('partners', partnerFixture('p3')));
    expect(await store.get('partners', 'p3')).toEqual(partnerFixture('p3'));
    await store.close();
  });
});
