// Reads every record of a kind, or of a year, for tests that assert on the whole of what is kept.
import { ALL_KINDS, isYearKind, type Kind, type RecordKinds, type SharedKinds, type YearKinds } from '../../bot/store/record-kinds.js';
import type { RecordStore } from '../../bot/store/records.js';

/** Every record of a kind, shared or of any year. */
export async function allRecords<K extends Kind>(records: RecordStore, kind: K): Promise<RecordKinds[K][]> {
  const found: RecordKinds[K][] = [];
  for await (const { record } of records.scan(kind)) found.push(record);
  return found;
}

/** Every record filed under a year, by kind. */
export async function yearRecords(records: RecordStore, year: number): Promise<{ [K in keyof YearKinds]: YearKinds[K][] }> {
  const kinds = ALL_KINDS.filter(isYearKind);
  return Object.fromEntries(await Promise.all(kinds.map(async (kind) => [kind, await records.inYear(kind, year)]))) as {
    [K in keyof YearKinds]: YearKinds[K][];
  };
}

/** Every record not tied to a year, by kind, and the scheduled jobs' state. */
export async function sharedRecords(records: RecordStore): Promise<{ [K in keyof SharedKinds]: SharedKinds[K][] } & { jobState: Record<string, string> }> {
  const kinds = ALL_KINDS.filter((kind) => !isYearKind(kind));
  const byKind = Object.fromEntries(await Promise.all(kinds.map(async (kind) => [kind, await allRecords(records, kind)])));
  return { ...(byKind as { [K in keyof SharedKinds]: SharedKinds[K][] }), jobState: await records.jobStates() };
}
