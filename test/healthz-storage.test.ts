// /healthz says whether this instance can serve: 503 while its store cannot be
// reached (here a PostgreSQL RecordStore behind a proxy the test cuts), 200
// again by itself once it can, without a restart; a check is one cached ping.
import { Application } from '@microsoft/teams-ai';
import { MemoryStorage } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../bot/server.js';
import { READINESS_MAX_AGE_MS, storageReadiness } from '../bot/storage-readiness.js';
import { openPostgres } from '../bot/store/open-record-store.js';
import type { PgRecordStore } from '../bot/store/pg-records.js';
import { StorageUnavailableError } from '../bot/store/records.js';
import { createAdapter } from '../bot/teams/app.js';
import { createTestDatabase } from './harness/postgres.js';
import { startTcpProxy, type TcpProxy } from './harness/tcp-proxy.js';

describe('/healthz on a PostgreSQL store that goes away and comes back', () => {
  let proxy: TcpProxy;
  let store: PgRecordStore;
  let server: RunningServer;
  const logged: string[] = [];
  beforeAll(async () => {
    proxy = await startTcpProxy(await createTestDatabase());
    store = (await openPostgres(proxy.url)).store;
    const adapter = createAdapter(null);
    server = await startServer({
      adapter,
      app: new Application({ adapter, storage: new MemoryStorage() }),
      host: '127.0.0.1',
      port: 0,
      mode: 'local',
      // /healthz uses none of these.
      downloads: async () => null,
      infoPage: () => '',
      partnerPages: { get: async () => ({ status: 404, html: '' }), post: async () => ({ status: 404, html: '' }) },
      storage: store,
      log: (line) => logged.push(line),
    });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    await proxy.close();
  });

  const health = async () => {
    const res = await fetch(`${server.url}/healthz`);
    return { status: res.status, body: await res.json() };
  };

  it('answers 503 "storage" while the database cannot be reached and 200 again once it can', async () => {
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', mode: 'local' } });

    await proxy.cut();
    await vi.waitFor(async () => expect(await health()).toEqual({ status: 503, body: { status: 'unavailable', reason: 'storage' } }), {
      timeout: 10_000,
      interval: 200,
    });
    expect(logged.filter((line) => line.startsWith('Storage cannot be reached'))).toHaveLength(1);

    await proxy.resume();
    await vi.waitFor(async () => expect(await health()).toEqual({ status: 200, body: { status: 'ok', mode: 'local' } }), {
      timeout: 10_000,
      interval: 200,
    });
    expect(logged.filter((line) => line.startsWith('Storage can be reached again'))).toHaveLength(1);
  });
});

describe('storage readiness check', () => {
  it('pings once for probes within a second of each other (also when they arrive together) and again after it', async () => {
    let time = 0;
    let reachable = true;
    const ping = vi.fn(async () => {
      if (!reachable) throw new StorageUnavailableError('gone');
    });
    const ready = storageReadiness({ ping }, () => undefined, () => time);
    expect(await Promise.all([ready(), ready(), ready()])).toEqual([true, true, true]);
    time += READINESS_MAX_AGE_MS - 1;
    reachable = false;
    expect(await ready()).toBe(true);
    expect(ping).toHaveBeenCalledTimes(1);
    time += 1;
    expect(await ready()).toBe(false);
    expect(await ready()).toBe(false);
    expect(ping).toHaveBeenCalledTimes(2);
  });
});
