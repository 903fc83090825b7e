// The lowdb RecordStore's in-memory tables (a Map per index and unique key)
// and how its records sit in the documents and their journal lines.
import type { JournalLine } from './journal.js';
import { indexesOf, roleAssignmentId, uniquesOf, type Kind } from './record-kinds.js';

export type AnyRecord = { id: string } & Record<string, unknown>;
export interface Entry {
  year: number | null;
  record: AnyRecord;
}

/** One kind's records and lookups. */
export class Table {
  readonly byId = new Map<string, Entry>();
  /** index name → key → ids */
  readonly indexes = new Map<string, Map<string, Set<string>>>();
  /** unique constraint name → key → id */
  readonly uniques = new Map<string, Map<string, string>>();

  constructor(readonly kind: Kind) {
    for (const [name] of indexesOf(kind)) this.indexes.set(name, new Map());
    for (const [name] of uniquesOf(kind)) this.uniques.set(name, new Map());
  }

  add(entry: Entry): void {
    this.byId.set(entry.record.id, entry);
    for (const [name, { key }] of indexesOf(this.kind)) {
      const value = key(entry.record as never);
      if (value === undefined) continue;
      const keys = this.indexes.get(name)!;
      const ids = keys.get(value) ?? keys.set(value, new Set()).get(value)!;
      ids.add(entry.record.id);
    }
    for (const [name, key] of uniquesOf(this.kind)) {
      const value = key(entry.record as never);
      if (value !== undefined) this.uniques.get(name)!.set(value, entry.record.id);
    }
  }

  delete(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    for (const [name, { key }] of indexesOf(this.kind)) {
      const value = key(entry.record as never);
      if (value === undefined) continue;
      const ids = this.indexes.get(name)!.get(value);
      ids?.delete(id);
      if (ids?.size === 0) this.indexes.get(name)!.delete(value);
    }
    for (const [name, key] of uniquesOf(this.kind)) {
      const value = key(entry.record as never);
      if (value !== undefined && this.uniques.get(name)!.get(value) === id) this.uniques.get(name)!.delete(value);
    }
  }
}

/** A transaction's writes: per kind, id → the new entry or null (removed); and job state (null: removed). */
export interface Changes {
  records: Map<Kind, Map<string, Entry | null>>;
  jobState: Map<string, string | null>;
}

export const copy = <T>(value: T): T => structuredClone(value);
export const documentOf = (entry: Entry) => (entry.year === null ? 'shared' : String(entry.year));

/** A record as the document lists it, with the derived id of a role assignment added. */
export function fromDocument(kind: Kind, item: unknown): AnyRecord {
  return (kind === 'roleAssignments' ? { ...(item as object), id: roleAssignmentId(item as never) } : item) as AnyRecord;
}

/** Role assignments are kept in the document without the derived id, as LowdbStore has them. */
export function toDocument(kind: Kind, record: AnyRecord): unknown {
  if (kind !== 'roleAssignments') return record;
  const { id: _id, ...rest } = record;
  return rest;
}

/**
 * A document's changes as journal entries: a put per record, except in a
 * collection that loses a record or whose records lack an id in the document
 * (role assignments): that one is replaced whole, as is the job state.
 */
export function journalEntries(data: Record<string, unknown>, writes: { kind: Kind; id: string; entry: Entry | null }[], jobState: Map<string, string | null>): JournalLine[] {
  const replaced = new Map<Kind, unknown[]>();
  for (const { kind, entry } of writes) if (entry === null || kind === 'roleAssignments') replaced.set(kind, [...((data[kind] as unknown[]) ?? [])]);
  const entries: JournalLine[] = [];
  for (const { kind, id, entry } of writes) {
    const list = replaced.get(kind);
    if (!list) {
      entries.push({ put: kind, record: entry!.record });
      continue;
    }
    // Removals are rare (erasure, a dropped proposal): a scan of the list is fine.
    const at = list.findIndex((item) => fromDocument(kind, item).id === id);
    if (entry === null) {
      if (at >= 0) list.splice(at, 1);
    } else if (at >= 0) list[at] = toDocument(kind, entry.record);
    else list.push(toDocument(kind, entry.record));
  }
  for (const [kind, value] of replaced) entries.push({ replace: kind, value });
  if (jobState.size > 0) {
    const value: Record<string, string> = { ...(data.jobState as Record<string, string>) };
    for (const [key, changed] of jobState) {
      if (changed === null) delete value[key];
      else value[key] = changed;
    }
    entries.push({ replace: 'jobState', value });
  }
  return entries;
}

