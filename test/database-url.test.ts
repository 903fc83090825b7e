// DATABASE_URL: validated with the configuration, selects the RecordStore, and
// makes `npm start` bring the database's schema up to date and run on it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../bot/config.js';
import { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { openRecordStore } from '../bot/store/open-record-store.js';
import { PgRecordStore } from '../bot/store/pg-records.js';
import { message } from './harness/activities.js';
import { ConnectorStandIn } from './harness/connector.js';
import { coordinator } from './harness/people.js';
import { spawnSidos } from './harness/process.js';
import { createTestDatabase, MIGRATION_NAMES } from './harness/postgres.js';

describe('DATABASE_URL', () => {
  let dir: string;
  let url: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-database-url-'));
    url = await createTestDatabase();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is taken as a postgres:// or postgresql:// URL; anything else is refused without showing the password', () => {
    expect(loadConfig({}).databaseUrl).toBeNull();
    expect(loadConfig({ DATABASE_URL: 'postgresql://sidos:pw@db.example.fi:5432/sidos?sslmode=require' }).databaseUrl).toBe(
      'postgresql://sidos:pw@db.example.fi:5432/sidos?sslmode=require',
    );
    expect(loadConfig({ DATABASE_URL: ' postgres://localhost/sidos ' }).databaseUrl).toBe('postgres://localhost/sidos');
    let problems: string[] = [];
    try {
      loadConfig({ DATABASE_URL: 'mysql://sidos:hunter2@db.example.fi/sidos' });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual(['DATABASE_URL = "mysql://sidos:***@db.example.fi/sidos": allowed: a URL starting with postgres:// or postgresql://']);
  });

  it('selects PostgreSQL when set and lowdb in DATA_DIR when not', async () => {
    const lowdb = await openRecordStore({ databaseUrl: null, dataDir: join(dir, 'data') });
    expect(lowdb).toBeInstanceOf(LowdbRecordStore);
    await lowdb.close();
    const postgres = await openRecordStore({ databaseUrl: url, dataDir: join(dir, 'unused') });
    expect(postgres).toBeInstanceOf(PgRecordStore);
    await postgres.close();
  });

  it('makes npm start migrate the database and run on it, two processes at once too, leaving DATA_DIR untouched', async () => {
    const fresh = await createTestDatabase();
    const env = { PORT: '0', DATA_DIR: join(dir, 'start'), DATABASE_URL: fresh };
    const first = spawnSidos(env);
    const url = await first.ready;
    expect(first.output()).toMatch(/Data: PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/sidos_\w+\./);
    expect(first.output()).not.toContain('sidos-test');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const client = new pg.Client({ connectionString: fresh });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
    // What it keeps goes to the database: the greeting of a new personal chat is claimed there.
    const connector = await new ConnectorStandIn().start();
    try {
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(message(connector.url, coordinator, 'help')),
      });
      expect(res.status).toBe(200);
      const { rows: chats } = await client.query<{ data: { aadObjectId: string } }>('SELECT data FROM conversations');
      expect(chats.map((c) => c.data.aadObjectId)).toEqual([coordinator.aadObjectId]);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      // Two instances on one database are fine (no directory lock): both start.
      const [second, third] = [spawnSidos(env), spawnSidos(env)];
      await Promise.all([second.ready, third.ready]);
      second.child.kill('SIGTERM');
      third.child.kill('SIGTERM');
      expect([await second.exited, await third.exited]).toEqual([0, 0]);
    } finally {
      await connector.stop();
      await client.end();
    }
    await expect(readFile(join(dir, 'start', 'shared.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    // Four process starts: on a loaded machine they take longer than the default 30 s.
  }, 120_000);

  it('makes npm start stop with one line, no stack and no password, when the database cannot be reached', async () => {
    const unreachable = new URL(url);
    unreachable.port = '1';
    const sidos = spawnSidos({ PORT: '0', DATA_DIR: join(dir, 'down'), DATABASE_URL: unreachable.href });
    expect(await sidos.exited).toBe(1);
    const output = sidos.output().trim();
    expect(output).toMatch(/^DATABASE_URL \(postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/sidos_\w+\): the database cannot be used: connect ECONNREFUSED 127\.0\.0\.1:1$/);
  });
});
