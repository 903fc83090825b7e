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
  isYearKind,
  type IndexName,
  type Kind,
  type SharedKind,
  type YearKind,
} from './record-kinds.js';
import {
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
import { LowdbReader, LowdbTransaction } from './lowdb-reader.js';

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
  getMany<K extends Kind>(kind: K, ids: readonly string[]) {
    return this.committed.getMany(kind, ids);
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
  partnerCounts(officeIds: readonly string[]) {
    return this.committed.partnerCounts(officeIds);
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
