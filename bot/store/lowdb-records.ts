// The RecordStore over lowdb: the DATA_DIR documents of LowdbStore
// (shared.json, <year>.json), with Maps for every lookup so a query costs
// O(1) or O(records found), never a scan of all records. It is the only
// writer of the documents it opens (the directory lock keeps other processes
// out) and tells them exactly which records each transaction changed.
// Transactions run one at a time; their writes are buffered and applied when
// the work succeeds, so a failed use case leaves nothing behind. A transaction
// that touches shared records and a year, or two years, writes each file in
// turn: a disk failure between them can keep the first (lowdb has no
// cross-file commit; PostgreSQL does).
import type { Instant } from '../domain/types.js';
import { LowdbStore } from './lowdb-store.js';
import { copy, documentOf, fromDocument, journalEntries, Table, type AnyRecord, type Changes, type Entry } from './lowdb-tables.js';
import {
  ALL_KINDS,
  KINDS,
  isYearKind,
  uniquesOf,
  type IndexName,
  type Kind,
  type RecordKinds,
  type SharedKind,
  type YearKind,
} from './record-kinds.js';
import {
  RecordConflictError,
  type Filed,
  type RecordReader,
  type RecordStore,
  type RecordTransaction,
  type SendClaim,
  type SendResult,
  type TransactionOptions,
} from './records.js';
import type { SharedData, YearData } from './store.js';
import { claimInTransaction, recordClaimedResult } from './send-claims.js';

export class LowdbRecordStore implements RecordStore {
  private readonly tables = new Map<Kind, Table>(ALL_KINDS.map((kind) => [kind, new Table(kind)]));
  private readonly leases = new Map<string, { holder: string; until: Instant }>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly committed: RecordReader;

  private constructor(private readonly store: LowdbStore) {
    this.committed = new LowdbReader(this.tables, store, null);
    this.store.readShared((data) => this.load(null, data));
    for (const year of this.store.years()) this.store.readYear(year, (data) => this.load(year, data));
  }

  /** Opens (and locks) DATA_DIR; see LowdbStore.open. */
  static async open(dir: string): Promise<LowdbRecordStore> {
    return new LowdbRecordStore(await LowdbStore.open(dir));
  }

  private load(year: number | null, data: Readonly<SharedData> | Readonly<YearData>): void {
    const kinds = ALL_KINDS.filter((kind) => isYearKind(kind) === (year !== null));
    for (const kind of kinds) {
      const list = (data as unknown as Record<string, Record<string, unknown>[]>)[kind] ?? [];
      for (const item of list) this.tables.get(kind)!.add({ year, record: fromDocument(kind, item) });
    }
  }

  /** Runs `work` after every earlier exclusive piece of work. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  years(): Promise<number[]> {
    return this.committed.years();
  }
  get<K extends Kind>(kind: K, id: string) {
    return this.committed.get(kind, id);
  }
  yearOf(kind: YearKind, id: string) {
    return this.committed.yearOf(kind, id);
  }
  findBy<K extends Kind>(kind: K, index: IndexName<K>, key: string) {
    return this.committed.findBy(kind, index, key);
  }
  inYear<K extends YearKind>(kind: K, year: number) {
    return this.committed.inYear(kind, year);
  }
  findByAny<K extends Kind>(kind: K, index: IndexName<K>, keys: readonly string[]) {
    return this.committed.findByAny(kind, index, keys);
  }
  feedbackSubmitted(from: Instant, to: Instant) {
    return this.committed.feedbackSubmitted(from, to);
  }
  meetingsStarting(from: Instant, to: Instant) {
    return this.committed.meetingsStarting(from, to);
  }
  requestsSent(from: Instant, to: Instant) {
    return this.committed.requestsSent(from, to);
  }
  officeFeedbackGiven(from: Instant, to: Instant) {
    return this.committed.officeFeedbackGiven(from, to);
  }
  auditSince(since: Instant) {
    return this.committed.auditSince(since);
  }
  jobState(key: string) {
    return this.committed.jobState(key);
  }

  transaction<T>(work: (tx: RecordTransaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.exclusive(async () => {
      const changes: Changes = { records: new Map(), jobState: new Map() };
      const result = await work(new LowdbTransaction(this.tables, this.store, changes));
      await this.commit(changes, options.purge ?? false);
      return result;
    });
  }

  /** Writes each touched document once, then brings the Maps up to date. */
  private async commit(changes: Changes, purgeAll: boolean): Promise<void> {
    const byDocument = new Map<string, { kind: Kind; id: string; entry: Entry | null }[]>();
    for (const [kind, writes] of changes.records) {
      for (const [id, entry] of writes) {
        const old = this.tables.get(kind)!.byId.get(id);
        const document = entry ? documentOf(entry) : old ? documentOf(old) : null;
        if (document === null) continue;
        (byDocument.get(document) ?? byDocument.set(document, []).get(document)!).push({ kind, id, entry });
      }
    }
    if (changes.jobState.size > 0 && !byDocument.has('shared')) byDocument.set('shared', []);
    for (const [document, writes] of byDocument) {
      const purge = purgeAll || writes.some((w) => w.entry === null) || (document === 'shared' && [...changes.jobState.values()].includes(null));
      const jobState = document === 'shared' ? changes.jobState : new Map<string, string | null>();
      const changesOf = (data: object) => journalEntries(data as Record<string, unknown>, writes, jobState);
      if (document === 'shared') await this.store.writeShared(changesOf, { purge });
      else await this.store.writeYear(Number(document), changesOf, { purge });
      for (const { kind, id, entry } of writes) {
        const table = this.tables.get(kind)!;
        table.delete(id);
        if (entry) table.add(entry);
      }
    }
  }

  claimSend(claim: SendClaim, now: Instant): Promise<boolean> {
    return this.transaction((tx) => claimInTransaction(tx, claim, now));
  }

  recordSendResult(key: string, holder: string, result: SendResult, now: Instant): Promise<boolean> {
    return this.transaction((tx) => recordClaimedResult(tx, key, holder, result, now));
  }

  // One process holds DATA_DIR, so leases live in memory: a restart frees them, as it should.
  async takeLease(name: string, holder: string, until: Instant, now: Instant): Promise<boolean> {
    const lease = this.leases.get(name);
    if (lease && lease.holder !== holder && lease.until > now) return false;
    this.leases.set(name, { holder, until });
    return true;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    if (this.leases.get(name)?.holder === holder) this.leases.delete(name);
  }

  /** In the order of the documents' lists: shared, then year by year. */
  async *scan<K extends Kind>(kind: K): AsyncIterable<Filed<K>> {
    const years = isYearKind(kind) ? this.store.years() : [null];
    for (const year of years) {
      const list = (year === null ? this.store.readShared((d) => d[kind as SharedKind]) : this.store.readYear(year, (d) => d[kind as YearKind])) as unknown as AnyRecord[];
      for (const item of [...list]) yield { year, record: copy(fromDocument(kind, item)) } as unknown as Filed<K>;
    }
  }

  async jobStates(): Promise<Record<string, string>> {
    return this.store.readShared((d) => ({ ...d.jobState }));
  }

  /** The documents are in memory: reads always work (a failed write throws StoreWriteError itself). */
  async ping(): Promise<void> {}

  close(): Promise<void> {
    return this.exclusive(() => this.store.close());
  }
}

/** Reads committed records, seen through a transaction's own writes when there is one. */
class LowdbReader implements RecordReader {
  constructor(
    protected readonly tables: Map<Kind, Table>,
    protected readonly store: LowdbStore,
    protected readonly changes: Changes | null,
  ) {}

  protected written(kind: Kind): Map<string, Entry | null> | undefined {
    return this.changes?.records.get(kind);
  }

  protected entry(kind: Kind, id: string): Entry | undefined {
    const written = this.written(kind);
    if (written?.has(id)) return written.get(id) ?? undefined;
    return this.tables.get(kind)!.byId.get(id);
  }

  async years(): Promise<number[]> {
    const years = new Set(this.store.years());
    for (const writes of this.changes?.records.values() ?? []) for (const entry of writes.values()) if (entry?.year != null) years.add(entry.year);
    return [...years].sort((a, b) => a - b);
  }

  async get<K extends Kind>(kind: K, id: string): Promise<RecordKinds[K] | undefined> {
    const entry = this.entry(kind, id);
    return entry && (copy(entry.record) as RecordKinds[K]);
  }

  async yearOf(kind: YearKind, id: string): Promise<number | undefined> {
    return this.entry(kind, id)?.year ?? undefined;
  }

  async findBy<K extends Kind>(kind: K, index: IndexName<K>, key: string): Promise<RecordKinds[K][]> {
    const definition = (KINDS[kind].indexes as Record<string, { key: (r: never) => string | undefined }>)[index];
    const written = this.written(kind);
    const found: AnyRecord[] = [];
    for (const id of this.tables.get(kind)!.indexes.get(index)?.get(key) ?? []) {
      if (!written?.has(id)) found.push(this.tables.get(kind)!.byId.get(id)!.record);
    }
    for (const entry of written?.values() ?? []) if (entry && definition.key(entry.record as never) === key) found.push(entry.record);
    return found.map((record) => copy(record) as RecordKinds[K]);
  }

  async inYear<K extends YearKind>(kind: K, year: number): Promise<RecordKinds[K][]> {
    const written = this.written(kind);
    const stored = this.store.readYear(year, (d) => d[kind] as unknown as AnyRecord[]);
    const found = stored.filter((record) => !written?.has(record.id));
    for (const entry of written?.values() ?? []) if (entry?.year === year) found.push(entry.record);
    return found.map((record) => copy(record) as unknown as RecordKinds[K]);
  }

  async findByAny<K extends Kind>(kind: K, index: IndexName<K>, keys: readonly string[]): Promise<RecordKinds[K][]> {
    const found: RecordKinds[K][] = [];
    for (const key of new Set(keys)) for (const record of await this.findBy(kind, index, key)) found.push(record);
    return found;
  }

  /**
   * Records whose instant is in [from, to). A record is filed under the year of
   * its instant or of what it belongs to (a request under its meeting's year),
   * by the office's or UTC's reckoning: look one year either side.
   */
  private async between<K extends YearKind>(kind: K, instantOf: (record: RecordKinds[K]) => Instant, from: Instant, to: Instant): Promise<RecordKinds[K][]> {
    const first = Number(from.slice(0, 4)) - 1;
    const last = Number(to.slice(0, 4)) + 1;
    const years = (await this.years()).filter((y) => y >= first && y <= last);
    const all = (await Promise.all(years.map((y) => this.inYear(kind, y)))).flat();
    return all.filter((record) => instantOf(record) >= from && instantOf(record) < to);
  }

  feedbackSubmitted(from: Instant, to: Instant) {
    return this.between('feedback', (f) => f.submittedAt, from, to);
  }

  meetingsStarting(from: Instant, to: Instant) {
    return this.between('meetings', (m) => m.startsAt, from, to);
  }

  requestsSent(from: Instant, to: Instant) {
    return this.between('feedbackRequests', (r) => r.sentAt, from, to);
  }

  officeFeedbackGiven(from: Instant, to: Instant) {
    return this.between('officeFeedback', (f) => f.givenAt, from, to);
  }

  async auditSince(since: Instant): Promise<RecordKinds['audit'][]> {
    // The trail is appended in time order: walk back from the newest until an older entry.
    const found: RecordKinds['audit'][] = [];
    const stored = this.store.readShared((d) => d.audit);
    const written = this.written('audit');
    for (const entry of written?.values() ?? []) {
      const record = entry?.record as RecordKinds['audit'] | undefined;
      if (record && !this.tables.get('audit')!.byId.has(record.id) && record.at >= since) found.push(record);
    }
    found.reverse();
    for (let at = stored.length - 1; at >= 0 && stored[at].at >= since; at--) {
      const entry = this.entry('audit', stored[at].id);
      const record = entry?.record as unknown as RecordKinds['audit'] | undefined;
      if (record && record.at >= since) found.push(record);
    }
    return found.map(copy);
  }

  async jobState(key: string): Promise<string | undefined> {
    if (this.changes?.jobState.has(key)) return this.changes.jobState.get(key) ?? undefined;
    return this.store.readShared((d) => d.jobState[key]);
  }
}

class LowdbTransaction extends LowdbReader implements RecordTransaction {
  constructor(tables: Map<Kind, Table>, store: LowdbStore, private readonly pending: Changes) {
    super(tables, store, pending);
  }

  async put<K extends SharedKind>(kind: K, record: RecordKinds[K]): Promise<void> {
    this.write(kind, null, record as unknown as AnyRecord);
  }

  async insert<K extends SharedKind>(kind: K, record: RecordKinds[K]): Promise<void> {
    if (this.entry(kind, record.id)) throw new RecordConflictError(kind, 'id');
    this.write(kind, null, record as unknown as AnyRecord);
  }

  async putInYear<K extends YearKind>(kind: K, year: number, record: RecordKinds[K]): Promise<void> {
    if (!Number.isInteger(year) || year < 2000 || year > 2200) throw new RangeError(`year ${year} is out of range`);
    this.write(kind, this.entry(kind, record.id)?.year ?? year, record as unknown as AnyRecord);
  }

  private write(kind: Kind, year: number | null, given: AnyRecord): void {
    const record = copy(given);
    this.checkUnique(kind, record);
    const writes = this.pending.records.get(kind) ?? this.pending.records.set(kind, new Map()).get(kind)!;
    writes.set(record.id, { year, record });
  }

  /** Throws RecordConflictError when another record, stored or written in this transaction, has a unique key of `record`. */
  private checkUnique(kind: Kind, record: AnyRecord): void {
    const written = this.written(kind);
    for (const [name, keyOf] of uniquesOf(kind)) {
      const key = keyOf(record as never);
      if (key === undefined) continue;
      const owner = this.tables.get(kind)!.uniques.get(name)!.get(key);
      const ownerStillHasIt = owner !== undefined && (!written?.has(owner) || (written.get(owner) && keyOf(written.get(owner)!.record as never) === key));
      if (owner !== undefined && owner !== record.id && ownerStillHasIt) throw new RecordConflictError(kind, name);
      for (const [id, entry] of written ?? []) {
        if (id !== record.id && entry && keyOf(entry.record as never) === key) throw new RecordConflictError(kind, name);
      }
    }
  }

  async remove(kind: Kind, id: string): Promise<boolean> {
    const existed = this.entry(kind, id) !== undefined;
    if (existed) (this.pending.records.get(kind) ?? this.pending.records.set(kind, new Map()).get(kind)!).set(id, null);
    return existed;
  }

  async setJobState(key: string, value: string): Promise<void> {
    this.pending.jobState.set(key, value);
  }

  async removeJobState(key: string): Promise<boolean> {
    const existed = (await this.jobState(key)) !== undefined;
    this.pending.jobState.set(key, null);
    return existed;
  }
}

