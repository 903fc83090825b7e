// The lowdb documents under the RecordStore (lowdb-records.ts): DATA_DIR/shared.json
// plus DATA_DIR/<year>.json per year, each a snapshot and a journal (json-document.ts).
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { JsonDocument, type JournalLine } from './json-document.js';
import {
  emptyShared,
  emptyYear,
  type SharedData,
  type WriteOptions,
  type YearData,
} from './store.js';

const YEAR_FILE = /^(\d{4})\.json$/;

/** Collections added after the first release: files written before them lack the key, which then starts empty. */
const ADDED_SHARED_KEYS: readonly (keyof SharedData)[] = ['audit', 'announcements', 'segmentContacts'];

/** Checks the shape a hand edit is likely to break: known collections, each an array of records. */
function shapeChecker(template: object, added: readonly string[] = []): (data: unknown) => string | null {
  const expected = Object.entries(template);
  return (data) => {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'the top level is not an object';
    const record = data as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!(key in template)) return `unknown key "${key}"`;
    }
    for (const [key, empty] of expected) {
      const value = record[key];
      if (value === undefined && added.includes(key)) continue;
      if (value === undefined) return `missing key "${key}"`;
      if (Array.isArray(empty)) {
        if (!Array.isArray(value)) return `"${key}" is not a list`;
        const bad = value.findIndex((item) => typeof item !== 'object' || item === null || typeof item.id !== 'string');
        if (bad >= 0 && key !== 'roleAssignments') return `"${key}[${bad}]" is not a record with an id`;
      } else if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return `"${key}" is not an object`;
      }
    }
    return null;
  };
}

const checkYear = shapeChecker(emptyYear());
const checkShared = shapeChecker(emptyShared(), ADDED_SHARED_KEYS);

export class LowdbStore {
  private readonly opening = new Map<number, Promise<JsonDocument<YearData>>>();

  private constructor(
    private readonly dir: string,
    private readonly shared: JsonDocument<SharedData>,
    private readonly yearDocs: Map<number, JsonDocument<YearData>>,
    private readonly lock: DataDirLock,
  ) {}

  /**
   * Locks the directory against other processes (DataDirLockedError), then opens
   * every data file now, so a corrupt file stops start-up instead of a later request.
   */
  static async open(dir: string): Promise<LowdbStore> {
    await mkdir(dir, { recursive: true });
    const lock = await lockDataDir(dir);
    try {
      const shared = await JsonDocument.open(join(dir, 'shared.json'), emptyShared, checkShared);
      const missing = ADDED_SHARED_KEYS.filter((key) => shared.data[key] === undefined);
      if (missing.length > 0) await shared.write(missing.map((key) => ({ replace: key, value: emptyShared()[key] })));
      const yearDocs = new Map<number, JsonDocument<YearData>>();
      for (const name of (await readdir(dir)).sort()) {
        const match = YEAR_FILE.exec(name);
        if (!match) continue;
        yearDocs.set(Number(match[1]), await JsonDocument.open(join(dir, name), emptyYear, checkYear));
      }
      return new LowdbStore(dir, shared, yearDocs, lock);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  years(): number[] {
    return [...this.yearDocs.keys()].sort((a, b) => a - b);
  }

  readYear<T>(year: number, read: (data: Readonly<YearData>) => T): T {
    return read(this.yearDocs.get(year)?.data ?? emptyYear());
  }

  /** Writes the changes `changesOf` names for the year's data as it is now (see JsonDocument.write). */
  async writeYear(year: number, changesOf: (data: Readonly<YearData>) => JournalLine[], options?: WriteOptions): Promise<void> {
    if (!Number.isInteger(year) || year < 2000 || year > 2200) throw new RangeError(`year ${year} is out of range`);
    const doc = this.yearDocs.get(year) ?? (await this.openYear(year));
    return doc.write(changesOf(doc.data), options);
  }

  /** Creates a year file once, even when several updates ask for it at the same moment. */
  private openYear(year: number): Promise<JsonDocument<YearData>> {
    let opening = this.opening.get(year);
    if (!opening) {
      opening = JsonDocument.open(join(this.dir, `${year}.json`), emptyYear, checkYear).then((doc) => {
        this.yearDocs.set(year, doc);
        return doc;
      });
      opening.finally(() => this.opening.delete(year)).catch(() => undefined);
      this.opening.set(year, opening);
    }
    return opening;
  }

  readShared<T>(read: (data: Readonly<SharedData>) => T): T {
    return read(this.shared.data);
  }

  writeShared(changesOf: (data: Readonly<SharedData>) => JournalLine[], options?: WriteOptions): Promise<void> {
    return this.shared.write(changesOf(this.shared.data), options);
  }

  async close(): Promise<void> {
    try {
      await Promise.all([this.shared.close(), ...[...this.yearDocs.values()].map((d) => d.close())]);
    } finally {
      await this.lock.release();
    }
  }
}
