// npm run store:copy -- --from <DATA_DIR or DATABASE_URL> --to <DATA_DIR or DATABASE_URL>
// Copies every record from one store into an empty one. A postgres:// or
// postgresql:// URL is a database (its schema is migrated first); anything else
// is a lowdb data directory. Stop Sidos first: a data directory is locked while
// it runs.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { redactUrl } from '../bot/config.js';
import { copyRecords, TargetNotEmptyError } from '../bot/store/copy-records.js';
import { DataDirLockedError } from '../bot/store/data-dir-lock.js';
import { openRecordStore } from '../bot/store/open-record-store.js';
import { DatabaseUnavailableError, type RecordStore } from '../bot/store/records.js';
import { StoreFileError } from '../bot/store/store.js';

const isDatabase = (where: string) => /^postgres(ql)?:\/\//.test(where);
const shown = (where: string) => (isDatabase(where) ? redactUrl(where) : where);
const open = (where: string) => openRecordStore(isDatabase(where) ? { databaseUrl: where, dataDir: '' } : { databaseUrl: null, dataDir: where });

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
  if (!values.from || !values.to) throw new UsageError('Usage: npm run store:copy -- --from <DATA_DIR or DATABASE_URL> --to <DATA_DIR or DATABASE_URL>');
  if (values.from === values.to) throw new UsageError('--from and --to name the same store.');
  if (!isDatabase(values.from) && !existsSync(values.from)) throw new UsageError(`--from ${values.from}: there is no data directory there.`);
  const stores: RecordStore[] = [];
  try {
    const from = await open(values.from);
    stores.push(from);
    const to = await open(values.to);
    stores.push(to);
    const counts = await copyRecords(from, to);
    const summary = Object.entries(counts).map(([kind, n]) => `${kind} ${n}`).join(', ');
    console.log(`Copied from ${shown(values.from)} to ${shown(values.to)}: ${summary}.`);
  } finally {
    for (const store of stores) await store.close();
  }
}

class UsageError extends Error {}

main().catch((err) => {
  const explained = [UsageError, TargetNotEmptyError, DatabaseUnavailableError, DataDirLockedError, StoreFileError].some((kind) => err instanceof kind);
  console.error(explained ? err.message : err);
  process.exit(1);
});
