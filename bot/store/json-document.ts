// One lowdb JSON file held in memory. Changes are applied in memory at once
// and written in batches: while a write is in flight, further changes wait and
// go out together in the next write (steno writes a temp file and renames it,
// so the file on disk is always a whole, earlier or later, version).
import { readFile } from 'node:fs/promises';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { StoreFileError, StoreWriteError } from './store.js';

export class JsonDocument<T extends object> {
  private readonly low: Low<T>;
  private inFlight: Promise<unknown> = Promise.resolve();
  private nextWrite: Promise<number> | null = null;
  /** Bumped when memory is rolled back to the file after a failed write. */
  private epoch = 0;
  private closed = false;

  private constructor(
    readonly file: string,
    low: Low<T>,
    private readonly validate: (data: unknown) => string | null,
  ) {
    this.low = low;
  }

  /** Opens the file, creating it with `initial` if it does not exist. */
  static async open<T extends object>(
    file: string,
    initial: () => T,
    validate: (data: unknown) => string | null,
  ): Promise<JsonDocument<T>> {
    // Compact JSON: a year file can hold 100k records, and indentation makes every write a quarter slower.
    const adapter = new DataFile<T>(file, { parse: JSON.parse, stringify: (data) => JSON.stringify(data) });
    const doc = new JsonDocument(file, new Low<T>(adapter, initial()), validate);
    const existing = await doc.readFromDisk();
    if (existing === null) await doc.low.write();
    else doc.low.data = existing;
    return doc;
  }

  private async readFromDisk(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StoreFileError(this.file, `cannot be read (${(err as Error).message})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new StoreFileError(this.file, `is not valid JSON (${(err as Error).message})`);
    }
    const problem = this.validate(data);
    if (problem) throw new StoreFileError(this.file, `does not look like a Sidos data file: ${problem}`);
    return data as T;
  }

  get data(): T {
    return this.low.data;
  }

  async update<R>(change: (data: T) => R): Promise<R> {
    if (this.closed) throw new StoreWriteError(this.file, new Error('the store is closed'));
    const epoch = this.epoch;
    const result = change(this.low.data);
    const writtenEpoch = await this.flush();
    // A failed write rolled memory back before ours went out: ours is not on disk.
    if (writtenEpoch !== epoch) throw new StoreWriteError(this.file, new Error('an earlier write failed'));
    return result;
  }

  /** Resolves with the epoch of the write that carried every change made so far. */
  private flush(): Promise<number> {
    if (!this.nextWrite) {
      this.nextWrite = this.inFlight.then(() => {
        this.nextWrite = null;
        const epoch = this.epoch;
        const write = this.low.write().then(
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

  private async rollback(): Promise<void> {
    this.epoch += 1;
    const onDisk = await this.readFromDisk();
    if (onDisk) this.low.data = onDisk;
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.nextWrite) await this.nextWrite.catch(() => undefined);
    await this.inFlight;
  }
}
