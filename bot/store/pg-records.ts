// The RecordStore on PostgreSQL (node-postgres Pool). Tables and indexes come
// from migrations/; the races between instances are settled by the database:
// primary keys and unique indexes (send keys, one invitation per meeting and
// partner, one partner per e-mail in an office…), row locks for records read
// in a transaction (get() is SELECT … FOR UPDATE), and a lease row per job.
import pg from 'pg';
import type { Instant, PartnerCount } from '../domain/types.js';
import { ALL_KINDS, KINDS, isYearKind, type IndexName, type Kind, type RecordKinds, type SharedKind, type YearKind } from './record-kinds.js';
import {
  RecordConflictError,
  CommitOutcomeUnknownError,
  StorageUnavailableError,
  type Filed,
  type RecordReader,
  type RecordStore,
  type RecordTransaction,
  type SendClaim,
  type SendResult,
} from './records.js';
import { claimedSend, claimInTransaction, recordClaimedResult } from './send-claims.js';

const SCAN_PAGE = 1000;
const UNIQUE_VIOLATION = '23505';
/** How long /healthz's SELECT 1 may take before the database counts as unreachable. */
const PING_TIMEOUT_MS = 2_000;

/**
 * What says the database went away rather than refused a statement: network
 * errors, SQLSTATE class 08 (connection exception), 57P01-57P03 (server shut
 * down or starting), and node-postgres's own messages for a lost connection or
 * a connect or read timeout.
 */
const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', '57P01', '57P02', '57P03']);
const CONNECTION_ERROR_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|is not queryable/;
/** SQLSTATE 57014: the server cancelled a statement, e.g. one that waited on a lock past statement_timeout. */
const STATEMENT_CANCELLED = '57014';

/** pg's query function, on the pool (one statement) or on a client inside a transaction. */
type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<pg.QueryResult<R>>;

const table = (kind: Kind) => KINDS[kind].table;
const kindOfTable = new Map(ALL_KINDS.map((kind) => [table(kind), kind]));

/** Turns a unique violation into RecordConflictError; other errors pass. */
function conflictOf(err: unknown): unknown {
  const e = err as { code?: string; table?: string; constraint?: string };
  if (e?.code === UNIQUE_VIOLATION && e.table && kindOfTable.has(e.table)) return new RecordConflictError(kindOfTable.get(e.table)!, e.constraint ?? 'key');
  return err;
}

/** Turns a lost or refused connection, or a statement that timed out, into StorageUnavailableError; other errors pass. */
export function unavailableOf(err: unknown): unknown {
  const e = err as { code?: string; message?: string } | null;
  const code = String(e?.code ?? '');
  const lost = CONNECTION_ERROR_CODES.has(code) || code.startsWith('08') || code === STATEMENT_CANCELLED || CONNECTION_ERROR_MESSAGES.test(String(e?.message ?? ''));
  return lost ? new StorageUnavailableError(`PostgreSQL cannot be used: ${e?.message ?? code}`, { cause: err }) : err;
}

const unavailable = (err: unknown) => Promise.reject(unavailableOf(err));

class PgReader implements RecordReader {
  constructor(
    protected readonly query: Query,
    /** In a transaction a record read with get() is locked until the end, so read-change-write use cases take turns. */
    private readonly lockReads: boolean,
  ) {}

  async years(): Promise<number[]> {
    return (await this.query<{ year: number }>('SELECT year FROM years ORDER BY year')).rows.map((r) => r.year);
  }

  async get<K extends Kind>(kind: K, id: string): Promise<RecordKinds[K] | undefined> {
    const lock = this.lockReads ? ' FOR UPDATE' : '';
    return (await this.query<{ data: RecordKinds[K] }>(`SELECT data FROM ${table(kind)} WHERE id = $1${lock}`, [id])).rows[0]?.data;
  }

  async getMany<K extends Kind>(kind: K, ids: readonly string[]): Promise<RecordKinds[K][]> {
    if (ids.length === 0) return [];
    return (await this.query<{ data: RecordKinds[K] }>(`SELECT data FROM ${table(kind)} WHERE id = ANY($1)`, [[...new Set(ids)]])).rows.map((r) => r.data);
  }

  async yearOf(kind: YearKind, id: string): Promise<number | undefined> {
    return (await this.query<{ year: number }>(`SELECT year FROM ${table(kind)} WHERE id = $1`, [id])).rows[0]?.year;
  }

  async findBy<K extends Kind>(kind: K, index: IndexName<K>, key: string): Promise<RecordKinds[K][]> {
    const column = (KINDS[kind].indexes as Record<string, { column: string }>)[index].column;
    return (await this.query<{ data: RecordKinds[K] }>(`SELECT data FROM ${table(kind)} WHERE ${column} = $1`, [key])).rows.map((r) => r.data);
  }

  async inYear<K extends YearKind>(kind: K, year: number): Promise<RecordKinds[K][]> {
    return (await this.query<{ data: RecordKinds[K] }>(`SELECT data FROM ${table(kind)} WHERE year = $1 ORDER BY seq`, [year])).rows.map((r) => r.data);
  }

  async findByAny<K extends Kind>(kind: K, index: IndexName<K>, keys: readonly string[]): Promise<RecordKinds[K][]> {
    if (keys.length === 0) return [];
    const column = (KINDS[kind].indexes as Record<string, { column: string }>)[index].column;
    return (await this.query<{ data: RecordKinds[K] }>(`SELECT data FROM ${table(kind)} WHERE ${column} = ANY($1)`, [[...keys]])).rows.map((r) => r.data);
  }

  /** Records whose instant column (a generated column with an index of its own) is in [from, to). */
  private async between<K extends YearKind>(kind: K, column: string, from: Instant, to: Instant): Promise<RecordKinds[K][]> {
    const sql = `SELECT data FROM ${table(kind)} WHERE ${column} >= $1 AND ${column} < $2`;
    return (await this.query<{ data: RecordKinds[K] }>(sql, [from, to])).rows.map((r) => r.data);
  }

  feedbackSubmitted(from: Instant, to: Instant) {
    return this.between('feedback', 'submitted_at', from, to);
  }

  meetingsStarting(from: Instant, to: Instant) {
    return this.between('meetings', 'starts_at', from, to);
  }

  requestsSent(from: Instant, to: Instant) {
    return this.between('feedbackRequests', 'sent_at', from, to);
  }

  officeFeedbackGiven(from: Instant, to: Instant) {
    return this.between('officeFeedback', 'given_at', from, to);
  }

  /** An index-only scan of partners_office_segment (migration 060) where the visibility map allows. */
  async partnerCounts(officeIds: readonly string[]): Promise<PartnerCount[]> {
    if (officeIds.length === 0) return [];
    const sql = 'SELECT office_id, segment, count(*)::integer AS count FROM partners WHERE office_id = ANY($1) GROUP BY office_id, segment';
    const { rows } = await this.query<{ office_id: string; segment: string; count: number }>(sql, [[...officeIds]]);
    return rows.map((r) => ({ officeId: r.office_id, segment: r.segment, count: r.count }));
  }

  async auditSince(since: Instant): Promise<RecordKinds['audit'][]> {
    const sql = 'SELECT data FROM audit WHERE at >= $1 ORDER BY at DESC, seq DESC';
    return (await this.query<{ data: RecordKinds['audit'] }>(sql, [since])).rows.map((r) => r.data);
  }

  async jobState(key: string): Promise<string | undefined> {
    return (await this.query<{ value: string }>('SELECT value FROM job_state WHERE key = $1', [key])).rows[0]?.value;
  }
}

class PgTransaction extends PgReader implements RecordTransaction {
  constructor(query: Query) {
    super(query, true);
  }

  async put<K extends SharedKind>(kind: K, record: RecordKinds[K]): Promise<void> {
    const sql = `INSERT INTO ${table(kind)} (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`;
    await this.query(sql, [record.id, JSON.stringify(record)]).catch((err) => Promise.reject(conflictOf(err)));
  }

  async insert<K extends SharedKind>(kind: K, record: RecordKinds[K]): Promise<void> {
    // The primary key settles a race: the second INSERT waits for the first transaction and fails once it commits.
    await this.query(`INSERT INTO ${table(kind)} (id, data) VALUES ($1, $2)`, [record.id, JSON.stringify(record)]).catch((err) => Promise.reject(conflictOf(err)));
  }

  async putInYear<K extends YearKind>(kind: K, year: number, record: RecordKinds[K]): Promise<void> {
    if (!Number.isInteger(year) || year < 2000 || year > 2200) throw new RangeError(`year ${year} is out of range`);
    // A record keeps the year it was first filed under; the years table lists every year in use.
    const sql = `WITH stored AS (
        INSERT INTO ${table(kind)} (id, year, data) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data RETURNING year
      ) INSERT INTO years (year) SELECT year FROM stored ON CONFLICT DO NOTHING`;
    await this.query(sql, [record.id, year, JSON.stringify(record)]).catch((err) => Promise.reject(conflictOf(err)));
  }

  async remove(kind: Kind, id: string): Promise<boolean> {
    return ((await this.query(`DELETE FROM ${table(kind)} WHERE id = $1`, [id])).rowCount ?? 0) > 0;
  }

  async setJobState(key: string, value: string): Promise<void> {
    await this.query('INSERT INTO job_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [key, value]);
  }

  async removeJobState(key: string): Promise<boolean> {
    return ((await this.query('DELETE FROM job_state WHERE key = $1', [key])).rowCount ?? 0) > 0;
  }
}

export class PgRecordStore extends PgReader implements RecordStore {
  constructor(private readonly pool: pg.Pool) {
    super((text, values) => pool.query(text, values).catch(unavailable), false);
  }

  async transaction<T>(work: (tx: RecordTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch(unavailable);
    // The pool does not listen for errors of a client it lent out: a connection lost
    // between two statements would otherwise crash the process (the next statement fails instead).
    let broken: Error | undefined;
    const lost = (err: Error) => (broken = err);
    client.on('error', lost);
    const query: Query = (text, values) => client.query(text, values).catch(unavailable);
    try {
      await query('BEGIN');
      const result = await work(new PgTransaction(query));
      await query('COMMIT').catch((err: unknown) => {
        throw err instanceof StorageUnavailableError ? new CommitOutcomeUnknownError(`the connection broke during COMMIT: ${err.message}`, { cause: err }) : err;
      });
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken ??= rollbackFailed));
      throw err;
    } finally {
      client.removeListener('error', lost);
      // A client whose connection broke is closed instead of going back to the pool.
      client.release(broken);
    }
  }

  async claimSend(claim: SendClaim, now: Instant): Promise<boolean> {
    const fresh = JSON.stringify(claimedSend(claim, undefined, now));
    const inserted = await this.query('INSERT INTO sends (id, data) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [claim.key, fresh]);
    if (inserted.rowCount === 1) return true;
    // The key is known: take it over only if the rule allows, with the row locked against other claimers.
    return this.transaction((tx) => claimInTransaction(tx, claim, now));
  }

  recordSendResult(key: string, holder: string, result: SendResult, now: Instant): Promise<boolean> {
    return this.transaction((tx) => recordClaimedResult(tx, key, holder, result, now));
  }

  async takeLease(name: string, holder: string, until: Instant, now: Instant): Promise<boolean> {
    const sql = `INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
      ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
      WHERE leases.holder = EXCLUDED.holder OR leases.until <= $4`;
    return (await this.query(sql, [name, holder, until, now])).rowCount === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async *scan<K extends Kind>(kind: K): AsyncIterable<Filed<K>> {
    const year = isYearKind(kind) ? 'year' : 'NULL::integer AS year';
    // In the order the records were added, as lowdb's lists have them; a page at a time.
    // The text copy of seq has its own name: named seq, ORDER BY would sort by the text ('1000' < '999').
    const sql = `SELECT seq::text AS page_end, ${year}, data FROM ${table(kind)} WHERE seq > $1 ORDER BY seq LIMIT ${SCAN_PAGE}`;
    for (let after = '0'; ; ) {
      const { rows } = await this.query<{ page_end: string; year: number | null; data: RecordKinds[K] }>(sql, [after]);
      for (const row of rows) yield { year: row.year, record: row.data };
      if (rows.length < SCAN_PAGE) return;
      after = rows[rows.length - 1].page_end;
    }
  }

  async jobStates(): Promise<Record<string, string>> {
    const { rows } = await this.query<{ key: string; value: string }>('SELECT key, value FROM job_state');
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StorageUnavailableError(`PostgreSQL did not answer within ${PING_TIMEOUT_MS / 1000} s`)), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
