// A fresh database per test file in the embedded PostgreSQL started by
// postgres-global.ts.
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { MIGRATIONS_DIR } from '../../bot/store/pg-migrations.js';

/** The names of the migrations in the order they apply (each release may add one). */
export const MIGRATION_NAMES = readdirSync(MIGRATIONS_DIR)
  .filter((name) => name.endsWith('.sql'))
  .map((name) => name.replace(/\.sql$/, ''))
  .sort();

/** Creates an empty database and returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const admin = new URL(inject('postgresUrl'));
  const name = `sidos_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  admin.pathname = `/${name}`;
  return admin.href;
}
