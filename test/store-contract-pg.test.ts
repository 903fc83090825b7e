// What only the PostgreSQL RecordStore has to show: several instances (pools,
// processes) on one database, its migrations, and its start-up failures.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrate } from '../bot/store/pg-migrations.js';
import { ALL_KINDS, KINDS, indexesOf, uniquesOf } from '../bot/store/record-kinds.js';
import { openPostgres } from '../bot/store/open-record-store.js';
import { DatabaseUnavailableError } from '../bot/store/records.js';
import { ROOT } from './harness/process.js';
import { createTestDatabase, MIGRATION_NAMES } from './harness/postgres.js';
import type { PgRecordStore } from '../bot/store/pg-records.js';
import { subscriptionFixture } from './harness/record-fixtures.js';

const NOW = '2027-03-02T12:00:00.000Z';
const UNTIL = '2027-03-02T12:10:00.000Z';

describe('PostgreSQL RecordStore', () => {
  let url: string;
  const opened: PgRecordStore[] = [];
  const open = async () => {
    const { store } = await openPostgres(url);
    opened.push(store);
    return store;
  };
  beforeAll(async () => {
    url = await createTestDatabase();
  });
  afterAll(async () => {
    for (const store of opened) await store.close();
  });

  it('creates the schema with versioned migrations once; a later start applies none', async () => {
    const first = await openPostgres(url);
    opened.push(first.store);
    expect(first.applied).toEqual(MIGRATION_NAMES);
    const second = await openPostgres(url);
    opened.push(second.store);
    expect(second.applied).toEqual([]);
    const pool = new pg.Pool({ connectionString: url });
    expect(await migrate(pool)).toEqual([]);
    const { rows } = await pool.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE INDEX%' AND indexname NOT LIKE '%_pkey' ORDER BY indexname",
    );
    await pool.end();
    expect(rows.map((r) => r.indexname)).toEqual([
      'feedback_request',
      'feedback_requests_meeting_partner',
      'invitations_meeting_partner',
      'partners_office_email',
      'plans_office_year',
      'segment_contacts_office_segment',
      'subscriptions_topic_conversation_office',
    ]);
  });

  it('upgrades a database of the first release: its subscriptions are found by office, and a channel may follow a second office', async () => {
    const oldUrl = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: oldUrl });
    const client = await pool.connect();
    const firstRelease = { dbClient: client, dir: MIGRATIONS_DIR, direction: 'up', count: 1, migrationsTable: 'pgmigrations', log: () => undefined } as const;
    expect((await runner(firstRelease)).map((m) => m.name)).toEqual(['1764460800000_records']);
    client.release();
    const news = (id: string, officeId: string) => subscriptionFixture(id, { topic: 'news', officeId, conversationRecordId: 'a:channel-1' });
    await pool.query('INSERT INTO subscriptions (id, data) VALUES ($1, $2)', ['s1', JSON.stringify(news('s1', 'uusimaa'))]);
    await pool.end();

    const upgraded = await openPostgres(oldUrl);
    opened.push(upgraded.store);
    expect(upgraded.applied).toEqual(MIGRATION_NAMES.slice(1));
    await upgraded.store.transaction((tx) => tx.put('subscriptions', news('s2', 'pirkanmaa')));
    expect(await upgraded.store.findBy('subscriptions', 'officeId', 'uusimaa')).toEqual([news('s1', 'uusimaa')]);
    expect((await upgraded.store.findBy('subscriptions', 'topic', 'news')).map((s) => s.id).sort()).toEqual(['s1', 's2']);
  });

  it('has a table for every record kind, an index for each of its lookups and a unique index for each of its constraints', async () => {
    await open();
    const pool = new pg.Pool({ connectionString: url });
    const { rows } = await pool.query<{ tablename: string; indexname: string; indexdef: string }>(
      "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    );
    await pool.end();
    for (const kind of ALL_KINDS) {
      const { table } = KINDS[kind];
      const indexes = rows.filter((r) => r.tablename === table);
      expect(indexes.length, `table ${table}`).toBeGreaterThan(0);
      // A lookup is served by an index whose first column is the lookup's column.
      for (const [name, { column }] of indexesOf(kind)) {
        expect(indexes.some((r) => r.indexdef.includes(` (${column}`)), `${kind}.${name}: an index on ${table} (${column}, …)`).toBe(true);
      }
      for (const [name] of uniquesOf(kind)) {
        expect(indexes.find((r) => r.indexname === name)?.indexdef, `${kind}: unique ${name}`).toMatch(/^CREATE UNIQUE INDEX/);
      }
    }
  });

  it('gives a send to exactly one claim when two instances (pools) claim it 25 times each', async () => {
    const [a, b] = [await open(), await open()];
    const claim = (store: PgRecordStore, i: number) =>
      store.claimSend({ key: 'digest/2027-Q1/chat-1', channel: 'teams', target: 'chat-1', what: 'digest', holder: `h${i}`, until: UNTIL }, NOW);
    const won = await Promise.all(Array.from({ length: 50 }, (_, i) => claim(i % 2 ? a : b, i)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const leases = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).takeLease('survey-job', `h${i}`, UNTIL, NOW)));
    expect(leases.filter(Boolean)).toHaveLength(1);
  });

  it('has three processes racing for 100 send keys and 20 leases claim each exactly once overall', async () => {
    const raceUrl = await createTestDatabase();
    const racers = Array.from({ length: 3 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'harness', 'postgres-racer.ts'), raceUrl, '100', '20'], {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => output.includes('ready\n') && resolve());
        child.once('exit', (code) => reject(new Error(`racer exited with ${code}: ${output}`)));
      });
      const done = new Promise<{ keys: string[]; leases: string[] }>((resolve, reject) =>
        child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output.split('\n')[1])) : reject(new Error(`racer exited with ${code}: ${output}`)))),
      );
      return { child, ready, done };
    });
    await Promise.all(racers.map((r) => r.ready));
    for (const racer of racers) racer.child.stdin.end('go\n');
    const results = await Promise.all(racers.map((r) => r.done));
    const keys = results.flatMap((r) => r.keys);
    const leases = results.flatMap((r) => r.leases);
    expect(keys).toHaveLength(100);
    expect(new Set(keys).size).toBe(100);
    expect(leases).toHaveLength(20);
    expect(new Set(leases).size).toBe(20);
  });

  it('stops with one line naming the database without its password when the password is wrong or the server is not there', async () => {
    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    const unreachable = new URL(url);
    unreachable.port = '1';
    for (const bad of [wrong.href, unreachable.href]) {
      const error = await openPostgres(bad).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      const message = (error as Error).message;
      expect(message).toMatch(/^DATABASE_URL \(postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/sidos_\w+\): the database cannot be used: \S/);
      expect(message).not.toContain('not-the-password');
      expect(message).not.toContain('sidos-test');
      expect(message).not.toContain('\n');
    }
  });
});
