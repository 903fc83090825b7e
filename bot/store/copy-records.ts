// Copies everything from one RecordStore into an empty one (lowdb → PostgreSQL
// when moving up, or back), kind by kind in the order the records were added.
import { ALL_KINDS, isYearKind, type Kind, type SharedKind, type YearKind } from './record-kinds.js';
import type { Filed, RecordStore, RecordTransaction } from './records.js';

/** Records written per transaction: bounded, so a large copy neither holds one huge transaction nor commits per record. */
const BATCH = 500;

export class TargetNotEmptyError extends Error {
  constructor(what: string) {
    super(`The target already holds ${what}; copy only into an empty store, so nothing is mixed or overwritten.`);
    this.name = 'TargetNotEmptyError';
  }
}

async function firstOf<T>(items: AsyncIterable<T>): Promise<T | undefined> {
  for await (const item of items) return item;
  return undefined;
}

function write(tx: RecordTransaction, kind: Kind, filed: Filed<Kind>): Promise<void> {
  if (isYearKind(kind)) return tx.putInYear(kind as YearKind, filed.year!, filed.record as never);
  return tx.put(kind as SharedKind, filed.record as never);
}

/** Returns how many records of each kind were copied (and job state entries as `jobState`). */
export async function copyRecords(from: RecordStore, to: RecordStore): Promise<Record<string, number>> {
  for (const kind of ALL_KINDS) if (await firstOf(to.scan(kind))) throw new TargetNotEmptyError(kind);
  if (Object.keys(await to.jobStates()).length > 0) throw new TargetNotEmptyError('job state');

  const counts: Record<string, number> = {};
  for (const kind of ALL_KINDS) {
    let batch: Filed<Kind>[] = [];
    const flush = async () => {
      const records = batch;
      batch = [];
      await to.transaction(async (tx) => {
        for (const filed of records) await write(tx, kind, filed);
      });
    };
    counts[kind] = 0;
    for await (const filed of from.scan(kind)) {
      batch.push(filed);
      counts[kind] += 1;
      if (batch.length === BATCH) await flush();
    }
    if (batch.length > 0) await flush();
  }
  const jobState = await from.jobStates();
  await to.transaction(async (tx) => {
    for (const [key, value] of Object.entries(jobState)) await tx.setJobState(key, value);
  });
  counts.jobState = Object.keys(jobState).length;
  return counts;
}
