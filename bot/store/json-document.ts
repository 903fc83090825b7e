// One lowdb JSON file held in memory, kept on disk as a snapshot (<file>, a
// lowdb file) plus an append-only journal (<file>.journal, JSON lines) of the
// records changed since. The writer names what it changes (journal entries:
// a record put, or a collection replaced whole); they are applied in memory at
// once and appended in batches: while an append is in flight, further changes
// wait and go out together in the next one. An append costs what the change
// costs, not what the file costs. When the journal grows past a threshold, or
// when a batch removes data (a write marked `purge`), the snapshot is
// rewritten (steno: temp file + rename) and the journal emptied.
import { appendFile, rm, truncate } from 'node:fs/promises';
import { Low } from 'lowdb';
import { DataFile, TextFile } from 'lowdb/node';
import { StoreFileError, StoreWriteError, type WriteOptions } from './store.js';
import { DEFAULTS, journalOf, readState, type JournalLine, type JsonDocumentOptions } from './journal.js';

export { journalOf, readDocumentFile, type JournalLine, type JsonDocumentOptions } from './journal.js';

/** What one write batch changed. */
interface Batch {
  lines: JournalLine[];
  /** Data was removed or erased: the old values must leave the disk, so the batch compacts. */
  removes: boolean;
}

const newBatch = (): Batch => ({ lines: [], removes: false });

export class JsonDocument<T extends object> {
  private readonly low: Low<T>;
  private readonly snapshot: TextFile;
  private readonly journal: string;
  private readonly limits: Required<JsonDocumentOptions>;
  private inFlight: Promise<unknown> = Promise.resolve();
  private nextWrite: Promise<number> | null = null;
  /** Changes made since the last batch went out. */
  private pending: Batch = newBatch();
  /** collection → record id → position in it; built when a put first needs it, dropped when the collection is replaced. */
  private readonly positions = new Map<string, Map<string, number>>();
  private journalLines = 0;
  /** An append failed and its start could not be cut off: nothing may be appended after it. */
  private journalUnknown = false;
  private journalBytes = 0;
  /** Bumped when memory is rolled back to the files after a failed write. */
  private epoch = 0;
  private closed = false;

  private constructor(
    readonly file: string,
    low: Low<T>,
    private readonly validate: (data: unknown) => string | null,
    options: JsonDocumentOptions,
  ) {
    this.low = low;
    this.snapshot = new TextFile(file);
    this.journal = journalOf(file);
    this.limits = { ...DEFAULTS, ...options };
  }

  /** Opens the file, creating it with `initial` if it does not exist; a journal left behind is folded into the snapshot. */
  static async open<T extends object>(
    file: string,
    initial: () => T,
    validate: (data: unknown) => string | null,
    options: JsonDocumentOptions = {},
  ): Promise<JsonDocument<T>> {
    // Compact JSON: a year file can hold 100k records, and indentation makes every write a quarter slower.
    const adapter = new DataFile<T>(file, { parse: JSON.parse, stringify: (data) => JSON.stringify(data) });
    const doc = new JsonDocument(file, new Low<T>(adapter, initial()), validate, options);
    const existing = await doc.readFromDisk();
    if (existing === null) await doc.low.write();
    else {
      doc.low.data = existing.data;
      // Also a journal holding only a line cut off by a crash: the next append must not follow it.
      if (existing.journalChars > 0) {
        await doc.low.write();
        await rm(doc.journal, { force: true });
      }
    }
    return doc;
  }

  private async readFromDisk(): Promise<{ data: T; journalChars: number } | null> {
    const { data, journalChars } = await readState(this.file);
    if (data === null) return null;
    const problem = this.validate(data);
    if (problem) throw new StoreFileError(this.file, `does not look like a Sidos data file: ${problem}`);
    return { data: data as T, journalChars };
  }

  /** The data as it is in memory: for reading only; change it through write(). */
  get data(): T {
    return this.low.data;
  }

  /**
   * Applies `changes` to memory in order and journals them. A removal is a
   * replace of its collection and must be marked `purge`, so the removed data
   * leaves the disk.
   */
  write(changes: JournalLine[], options: WriteOptions = {}): Promise<void> {
    return this.changed(() => {
      for (const change of changes) this.apply(change);
      this.pending.lines.push(...changes);
    }, options);
  }

  private async changed(change: () => void, options: WriteOptions): Promise<void> {
    if (this.closed) throw new StoreWriteError(this.file, new Error('the store is closed'));
    const epoch = this.epoch;
    change();
    if (options.purge) this.pending.removes = true;
    const writtenEpoch = await this.flush();
    // A failed write rolled memory back before ours went out: ours is not on disk.
    if (writtenEpoch !== epoch) throw new StoreWriteError(this.file, new Error('an earlier write failed'));
  }

  private apply(change: JournalLine): void {
    const data = this.low.data as Record<string, unknown>;
    if ('replace' in change) {
      data[change.replace] = change.value;
      this.positions.delete(change.replace);
      return;
    }
    const list = ((data[change.put] as { id?: unknown }[] | undefined) ??= []);
    const positions = this.positionsIn(change.put, list);
    const at = positions.get(change.record.id);
    if (at === undefined) positions.set(change.record.id, list.push(change.record) - 1);
    else list[at] = change.record;
  }

  private positionsIn(collection: string, list: { id?: unknown }[]): Map<string, number> {
    let positions = this.positions.get(collection);
    if (!positions) {
      positions = new Map();
      list.forEach((item, at) => typeof item?.id === 'string' && positions!.set(item.id, at));
      this.positions.set(collection, positions);
    }
    return positions;
  }

  /** Resolves with the epoch of the write that carried every change made so far. */
  private flush(): Promise<number> {
    if (!this.nextWrite) {
      this.nextWrite = this.inFlight.then(() => {
        this.nextWrite = null;
        const epoch = this.epoch;
        const write = this.append().then(
          () => epoch,
          async (err) => {
            await this.rollback();
            throw new StoreWriteError(this.file, err);
          },
        );
        this.inFlight = write.catch(() => undefined);
        return write;
      });
    }
    return this.nextWrite;
  }

  /** The journal lines for a batch, serialized now, from memory as it is at this moment. */
  private linesOf(batch: Batch): { text: string; lines: number } {
    const entries = batch.lines;
    let out = '';
    for (const entry of entries) out += `${JSON.stringify(entry)}\n`;
    return { text: entries.length > 0 ? `${out}${JSON.stringify({ commit: entries.length })}\n` : '', lines: entries.length > 0 ? entries.length + 1 : 0 };
  }

  /** Appends the pending batch; compacts first when the journal is large or the batch removes data. */
  private async append(): Promise<void> {
    const batch = this.pending;
    this.pending = newBatch();
    const { text, lines } = this.linesOf(batch);
    const compact =
      batch.removes || this.journalBytes + text.length > this.limits.maxJournalBytes || this.journalLines + lines > this.limits.maxJournalLines;
    // The snapshot is taken in the same tick as the batch, so it holds exactly what the journal will.
    const snapshot = compact || this.journalUnknown ? JSON.stringify(this.low.data) : null;
    if (this.journalUnknown) {
      // The batch is on disk once the snapshot is: a failure here is the batch's failure.
      await this.snapshot.write(snapshot!);
      await this.emptyJournal().catch(() => undefined);
      return;
    }
    if (text) {
      try {
        await appendFile(this.journal, text, 'utf8');
      } catch (err) {
        // A part of the batch may have reached the file: cut it off, so that later batches follow whole lines.
        // If that fails too, the journal's end is unknown: the next batch goes into a new snapshot instead.
        await truncate(this.journal, this.journalBytes).catch((cut: NodeJS.ErrnoException) => {
          // No file there (or a directory): then nothing of the batch was written either.
          if (cut.code !== 'ENOENT' && cut.code !== 'EISDIR') this.journalUnknown = true;
        });
        throw err;
      }
      this.journalBytes += Buffer.byteLength(text);
      this.journalLines += lines;
    }
    if (snapshot !== null) await this.compact(snapshot);
  }

  /**
   * Writes the snapshot, then empties the journal. The batch is already in the
   * journal, so a failure here loses nothing; and a crash between the two only
   * replays the journal onto a snapshot that already holds it, to the same state.
   */
  private async compact(snapshot: string): Promise<void> {
    try {
      await this.snapshot.write(snapshot);
      await this.emptyJournal();
    } catch {
      // Retried with the next batch that crosses the threshold; the journal still holds everything.
    }
  }

  private async emptyJournal(): Promise<void> {
    await rm(this.journal, { force: true });
    this.journalBytes = 0;
    this.journalLines = 0;
    this.journalUnknown = false;
  }

  private async rollback(): Promise<void> {
    try {
      const onDisk = await this.readFromDisk();
      if (onDisk) this.low.data = onDisk.data;
    } finally {
      this.positions.clear();
      // Bumped only now, so that a change made while the files were read is refused too: it was made on the old memory.
      this.epoch += 1;
      this.pending = newBatch();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.nextWrite) await this.nextWrite.catch(() => undefined);
    await this.inFlight;
    if (this.journalLines > 0) {
      this.inFlight = this.compact(JSON.stringify(this.low.data));
      await this.inFlight;
    }
  }
}
