// DATABASE_URL: validated with the configuration, selects the RecordStore, and
// in this version makes `npm start` prepare the database and stop with a clear
// message (the services still run on the embedded store).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../bot/config.js';
import { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { openRecordStore } from '../bot/store/open-record-store.js';
import { PgRecordStore } from '../bot/store/pg-records.js';
import { spawnSidos } from './harness/process.js';
import { createTestDatabase } from './harness/postgres.js';

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

  it('makes npm start migrate the database and stop with one line saying the bot runs on the embedded store only', async () => {
    const fresh = await createTestDatabase();
    const sidos = spawnSidos({ PORT: '0', DATA_DIR: join(dir, 'start'), DATABASE_URL: fresh });
    expect(await sidos.exited).toBe(1);
    const lines = sidos.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^DATABASE_URL is set: the database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/sidos_\w+ is reachable/);
    expect(lines[0]).toContain('(3 migration(s) applied now), but this version of Sidos runs on the embedded store only. Unset DATABASE_URL');
    expect(lines[0]).not.toContain('sidos-test');
    const client = new pg.Client({ connectionString: fresh });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT name FROM pgmigrations');
    await client.end();
    expect(rows.map((r) => r.name)).toEqual(['1764460800000_records', '1796000000000_announcement_records', '1799000000030_plans_office_year']);
    // It did not touch DATA_DIR.
    await expect(readFile(join(dir, 'start', 'shared.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('makes npm start stop with one line, no stack and no password, when the database cannot be reached', async () => {
    const unreachable = new URL(url);
    unreachable.port = '1';
    const sidos = spawnSidos({ PORT: '0', DATA_DIR: join(dir, 'down'), DATABASE_URL: unreachable.href });
    expect(await sidos.exited).toBe(1);
    const output = sidos.output().trim();
    expect(output).toMatch(/^DATABASE_URL \(postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/sidos_\w+\): the database cannot be used: connect ECONNREFUSED 127\.0\.0\.1:1$/);
  });
});
