// The RecordStore: a query-shaped, asynchronous store. Services ask for the
// records they need (by id, by an indexed field, by period) instead of reading
// whole year documents, and write through use-case transactions. Two
// implementations keep one contract (test/store-contract.test.ts): lowdb in
// DATA_DIR (one process) and PostgreSQL (DATABASE_URL; several instances).
// "Now" is always passed in: no implementation reads a clock of its own.
import type { Instant, PartnerCount } from '../domain/types.js';
import type { IndexName, Kind, RecordKinds, SharedKind, StoredSend, YearKind } from './record-kinds.js';

/** A record with the year it is filed under (null for records not tied to a year). */
export interface Filed<K extends Kind> {
  year: number | null;
  record: RecordKinds[K];
}

export interface RecordReader {
  /** The years that hold records, ascending. */
  years(): Promise<number[]>;
  get<K extends Kind>(kind: K, id: string): Promise<RecordKinds[K] | undefined>;
  /** The records with any of these ids (one query however many ids), in no set order; unknown ids are left out. Locks nothing, unlike get() in a transaction. */
  getMany<K extends Kind>(kind: K, ids: readonly string[]): Promise<RecordKinds[K][]>;
  /** The year a year-filed record is in, or undefined when there is no such record. */
  yearOf(kind: YearKind, id: string): Promise<number | undefined>;
  /** Records whose indexed field has this key (e-mail keys in lower case), in no set order. */
  findBy<K extends Kind>(kind: K, index: IndexName<K>, key: string): Promise<RecordKinds[K][]>;
  /** Records whose indexed field has any of these keys (one query however many keys), in no set order. */
  findByAny<K extends Kind>(kind: K, index: IndexName<K>, keys: readonly string[]): Promise<RecordKinds[K][]>;
  /** Every record of a kind filed under a year, in the order they were added. */
  inYear<K extends YearKind>(kind: K, year: number): Promise<RecordKinds[K][]>;
  /** Feedback submitted in [from, to): what a digest period aggregates. */
  feedbackSubmitted(from: Instant, to: Instant): Promise<RecordKinds['feedback'][]>;
  /** Meetings starting in [from, to), cancelled ones included. */
  meetingsStarting(from: Instant, to: Instant): Promise<RecordKinds['meetings'][]>;
  /** Feedback requests sent in [from, to), of every kind. */
  requestsSent(from: Instant, to: Instant): Promise<RecordKinds['feedbackRequests'][]>;
  /** Office → partner feedback given in [from, to). */
  officeFeedbackGiven(from: Instant, to: Instant): Promise<RecordKinds['officeFeedback'][]>;
  /** Partners registered per office and segment, of these offices (one aggregate query); no entry for a count of 0. */
  partnerCounts(officeIds: readonly string[]): Promise<PartnerCount[]>;
  /** Audit entries at or after `since`, newest first. */
  auditSince(since: Instant): Promise<RecordKinds['audit'][]>;
  jobState(key: string): Promise<string | undefined>;
}

/**
 * Reads and writes of one use case. get() locks the record it reads until the
 * end (PostgreSQL: SELECT … FOR UPDATE), so two instances changing one record
 * take turns instead of overwriting each other.
 */
export interface RecordTransaction extends RecordReader {
  /** Adds or replaces a record that is not tied to a year. */
  put<K extends SharedKind>(kind: K, record: RecordKinds[K]): Promise<void>;
  /**
   * Adds a record not tied to a year that must be new: RecordConflictError when
   * its id is taken, also by another transaction adding it at the same time
   * (get() locks nothing while there is no record, so two can both find none).
   */
  insert<K extends SharedKind>(kind: K, record: RecordKinds[K]): Promise<void>;
  /** Adds or replaces a year-filed record; a record keeps the year it was first filed under. */
  putInYear<K extends YearKind>(kind: K, year: number, record: RecordKinds[K]): Promise<void>;
  /** Removes a record; false when there was none. */
  remove(kind: Kind, id: string): Promise<boolean>;
  setJobState(key: string, value: string): Promise<void>;
  /** Drops a job state entry (e.g. one naming an erased person); false when there was none. */
  removeJobState(key: string): Promise<boolean>;
}

/** What an instance claims before it sends: the send record's fields without its outcome. */
export interface SendClaim {
  key: string;
  channel: StoredSend['channel'];
  target: string;
  what: string;
  /** Which instance sends (e.g. host and process id). */
  holder: string;
  /** Until when the claim holds; after it another instance may take the send over (the holder died). */
  until: Instant;
}

export interface SendResult {
  status: 'sent' | 'failed';
  lastError?: string;
  /** Teams: the id of the message sent, so the card can be replaced later. */
  activityId?: string;
}

export interface TransactionOptions {
  /**
   * The transaction erases personal data: the values it replaces or removes
   * must leave the disk now. lowdb rewrites the files it touched instead of
   * appending to their journals (removals always do); PostgreSQL leaves
   * replaced row versions to (auto)vacuum.
   */
  purge?: boolean;
}

export interface RecordStore extends RecordReader {
  /**
   * Runs a use case's reads and writes as one: either every write is kept or,
   * when `work` throws, none is. A unique field taken by another record throws
   * RecordConflictError (and so rolls the transaction back). `work` must not
   * start another transaction (lowdb runs them one at a time: it would wait forever).
   */
  transaction<T>(work: (tx: RecordTransaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Claims the send under `claim.key`: true when this caller owns it now (no
   * record yet, the last attempt failed, or an earlier claim lapsed), false when
   * it was sent or another holder's claim still holds. Exactly one of any number
   * of concurrent claims, on any number of instances, gets true.
   */
  claimSend(claim: SendClaim, now: Instant): Promise<boolean>;
  /** Records the outcome of a claimed send; attempts count up. False when `holder` no longer holds the claim. */
  recordSendResult(key: string, holder: string, result: SendResult, now: Instant): Promise<boolean>;
  /**
   * Takes the lease `name` until `until`, for a job that must run once across
   * instances: true when it was free, lapsed (until <= now) or already held by `holder`.
   */
  takeLease(name: string, holder: string, until: Instant, now: Instant): Promise<boolean>;
  /** Gives the lease up if `holder` holds it. */
  releaseLease(name: string, holder: string): Promise<void>;
  /** Every record of a kind in the order they were added, page by page (for copying and exports). */
  scan<K extends Kind>(kind: K): AsyncIterable<Filed<K>>;
  /** Every job state entry. */
  jobStates(): Promise<Record<string, string>>;
  /** Resolves when the store can be reached now (for /healthz); rejects with StorageUnavailableError when not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A write would give two records a value that must be unique (e.g. two partners with one e-mail in one office). */
export class RecordConflictError extends Error {
  constructor(readonly kind: Kind, readonly constraint: string) {
    super(`${kind}: another record already has this ${constraint}`);
    this.name = 'RecordConflictError';
  }
}

/**
 * The store cannot be used right now: the database went away (connection
 * refused, terminated, timed out) or lowdb could not write its file. What the
 * failed call was doing was not kept; it may work again later. Both stores
 * throw this kind, so the Teams layer needs one check.
 */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/**
 * The database went away while a transaction was committing: the change may or
 * may not have been kept, so the user is told to look before trying again.
 */
export class CommitOutcomeUnknownError extends StorageUnavailableError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CommitOutcomeUnknownError';
  }
}

/** The database could not be reached or refused the connection: the message names no password. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}
