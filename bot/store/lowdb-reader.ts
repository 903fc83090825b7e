// Reading and writing inside the lowdb RecordStore: the reader sees the
// committed tables through a transaction's own buffered writes; the
// transaction buffers its writes (checked against the unique keys) until the
// store commits them.
import { partnerCountsOf } from '../domain/partner-counts.js';
import type { Instant, Partner, PartnerCount } from '../domain/types.js';
import { LowdbStore } from './lowdb-store.js';
import { copy, Table, type AnyRecord, type Changes, type Entry } from './lowdb-tables.js';
import {
  KINDS,
  uniquesOf,
  type IndexName,
  type Kind,
  type RecordKinds,
  type SharedKind,
  type YearKind,
} from './record-kinds.js';
import {
  RecordConflictError,
  type RecordReader,
  type RecordTransaction,
} from './records.js';

/** Reads committed records, seen through a transaction's own writes when there is one. */
export class LowdbReader implements RecordReader {
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

  async getMany<K extends Kind>(kind: K, ids: readonly string[]): Promise<RecordKinds[K][]> {
    const found: RecordKinds[K][] = [];
    for (const id of new Set(ids)) {
      const entry = this.entry(kind, id);
      if (entry) found.push(copy(entry.record) as RecordKinds[K]);
    }
    return found;
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

  /** Counted over the officeId index without copying the records (the committed ones, as this transaction's writes left them). */
  async partnerCounts(officeIds: readonly string[]): Promise<PartnerCount[]> {
    const offices = new Set(officeIds);
    const table = this.tables.get('partners')!;
    const written = this.written('partners');
    const partners: Partner[] = [];
    for (const officeId of offices) {
      for (const id of table.indexes.get('officeId')!.get(officeId) ?? []) if (!written?.has(id)) partners.push(table.byId.get(id)!.record as unknown as Partner);
    }
    for (const entry of written?.values() ?? []) if (entry && offices.has(entry.record.officeId as string)) partners.push(entry.record as unknown as Partner);
    return partnerCountsOf(partners);
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

export class LowdbTransaction extends LowdbReader implements RecordTransaction {
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

