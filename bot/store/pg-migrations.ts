// The PostgreSQL schema is created and upgraded by the versioned migrations in
// migrations/ (node-pg-migrate). Every start runs the pending ones; the
// library's advisory lock makes instances started together wait for the one
// that migrates, instead of failing.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Applies the pending migrations; returns the names of those it applied. They
 * run on a connection of their own without the pool's statement and query
 * timeouts: building an index on a large table may take longer than a turn may.
 */
export async function migrate(pool: pg.Pool): Promise<string[]> {
  const client = new pg.Client({ ...pool.options, query_timeout: 0 });
  await client.connect();
  try {
    // A session setting, so it also overrides a statement_timeout given in DATABASE_URL.
    await client.query('SET statement_timeout = 0');
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      checkOrder: true,
      advisoryLockMode: 'wait',
      log: () => undefined,
    });
    return applied.map((m) => m.name);
  } finally {
    await client.end();
  }
}
