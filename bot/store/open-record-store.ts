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
 * How long one SQL statement may run before PostgreSQL cancels it: a query
 * stuck behind a lock nobody releases must not hold a turn (or a job) forever.
 * It then fails with StorageUnavailableError, so the user gets the storage message.
 */
export const STATEMENT_TIMEOUT_MS = 30_000;
/** The client gives up a little after the server would have: for a server that stops answering altogether. */
const QUERY_TIMEOUT_GRACE_MS = 5_000;

/**
 * Connects to PostgreSQL and brings its schema up to date. A wrong URL or an
 * unreachable database throws DatabaseUnavailableError with a one-line message
 * that names the database without its password.
 */
export async function openPostgres(
  databaseUrl: string,
  { statementTimeoutMs = STATEMENT_TIMEOUT_MS }: { statementTimeoutMs?: number } = {},
): Promise<{ store: PgRecordStore; applied: string[] }> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    connectionTimeoutMillis: 10_000,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + QUERY_TIMEOUT_GRACE_MS,
  });
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
