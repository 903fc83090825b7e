// Picks the RecordStore: PostgreSQL when DATABASE_URL is set, else lowdb in DATA_DIR.
import pg from 'pg';
import { redactUrl } from '../config.js';
import { LowdbRecordStore } from './lowdb-records.js';
import { migrate } from './pg-migrations.js';
import { PgRecordStore } from './pg-records.js';
import { DatabaseUnavailableError, type RecordStore } from './records.js';

export interface RecordStoreLocation {
  databaseUrl: string | null;
  dataDir: string;
}

/**
 * Connects to PostgreSQL and brings its schema up to date. A wrong URL or an
 * unreachable database throws DatabaseUnavailableError with a one-line message
 * that names the database without its password.
 */
export async function openPostgres(databaseUrl: string): Promise<{ store: PgRecordStore; applied: string[] }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    const applied = await migrate(pool);
    return { store: new PgRecordStore(pool), applied };
  } catch (err) {
    await pool.end().catch(() => undefined);
    const reason = String((err as Error)?.message ?? err).split('\n')[0].replaceAll(databaseUrl, redactUrl(databaseUrl));
    throw new DatabaseUnavailableError(`DATABASE_URL (${redactUrl(databaseUrl)}): the database cannot be used: ${reason}`);
  }
}

export async function openRecordStore(location: RecordStoreLocation): Promise<RecordStore> {
  if (location.databaseUrl) return (await openPostgres(location.databaseUrl)).store;
  return LowdbRecordStore.open(location.dataDir);
}
