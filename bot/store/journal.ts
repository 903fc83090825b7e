// The journal format: JSON lines of records put and collections replaced,
// each batch closed by a {"commit":n} line, replayed onto the lowdb snapshot.
import { readFile } from 'node:fs/promises';
import { StoreFileError } from './store.js';

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;
const hasId = (value: unknown): boolean => isObject(value) && typeof (value as { id?: unknown }).id === 'string';

export type JournalLine = { put: string; record: { id: string } } | { replace: string; value: unknown };

export interface JsonDocumentOptions {
  /** Compact when the journal holds more bytes than this. */
  maxJournalBytes?: number;
  /** Compact when the journal holds more lines than this. */
  maxJournalLines?: number;
}

export const DEFAULTS: Required<JsonDocumentOptions> = { maxJournalBytes: 32 * 1024 * 1024, maxJournalLines: 20_000 };

export const journalOf = (file: string): string => `${file}.journal`;

/** Applies journal lines in order: a put replaces the record with its id or adds it; a replace sets the collection. */
export function replay(data: Record<string, unknown>, lines: JournalLine[]): void {
  const indexes = new Map<string, Map<string, number>>();
  const indexOf = (key: string, list: { id?: unknown }[]) => {
    let index = indexes.get(key);
    if (!index) {
      index = new Map();
      for (let i = list.length - 1; i >= 0; i--) if (typeof list[i]?.id === 'string') index.set(list[i].id as string, i);
      indexes.set(key, index);
    }
    return index;
  };
  for (const line of lines) {
    if ('put' in line) {
      if (!Array.isArray(data[line.put])) data[line.put] = [];
      const list = data[line.put] as { id?: unknown }[];
      const index = indexOf(line.put, list);
      const at = index.get(line.record.id);
      if (at === undefined) {
        index.set(line.record.id, list.length);
        list.push(line.record);
      } else list[at] = line.record;
    } else {
      data[line.replace] = line.value;
      indexes.delete(line.replace);
    }
  }
}

/**
 * The entries of every whole batch in the journal. A batch is its entry lines
 * followed by {"commit":<entries>}; lines after the last commit belong to a
 * batch a crash cut off, which was never acknowledged, and are left out, and
 * so is a last line without its newline. Complete entries left by an append
 * that failed half-way come before a commit that does not count them, and are
 * left out too.
 */
export function parseJournal(journal: string, text: string): JournalLine[] {
  const rows = text.split('\n');
  const entries: JournalLine[] = [];
  let group: JournalLine[] = [];
  // The last row has no newline after it: empty, or cut off.
  rows.slice(0, -1).forEach((row, i) => {
    if (row === '') return;
    let line: unknown;
    try {
      line = JSON.parse(row);
    } catch (err) {
      throw new StoreFileError(journal, `has a broken line ${i + 1} (${(err as Error).message})`);
    }
    if (isObject(line) && Number.isInteger((line as { commit?: unknown }).commit)) {
      const count = (line as { commit: number }).commit;
      if (count > group.length) throw new StoreFileError(journal, `has a line ${i + 1} that commits ${count} entries but follows ${group.length}`);
      for (let k = group.length - count; k < group.length; k++) entries.push(group[k]);
      group = [];
      return;
    }
    const ok =
      isObject(line) &&
      ((typeof (line as { put?: unknown }).put === 'string' && hasId((line as { record?: unknown }).record)) ||
        (typeof (line as { replace?: unknown }).replace === 'string' && 'value' in line));
    if (!ok) throw new StoreFileError(journal, `has a line ${i + 1} that is not a journal entry`);
    group.push(line as JournalLine);
  });
  return entries;
}

/**
 * Reads a document as it is on disk: the snapshot with the journal replayed on
 * top. Null when there is no snapshot. No shape check.
 */
export async function readDocumentFile(file: string): Promise<unknown> {
  const { data } = await readState(file);
  return data;
}

export async function readState(file: string): Promise<{ data: unknown; lines: number; journalChars: number }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      // A journal without its snapshot holds changes to data that is gone: starting empty would lose them, or bring them back later.
      const orphan = await readFile(journalOf(file), 'utf8').then((text) => text.length > 0, () => false);
      if (orphan) throw new StoreFileError(journalOf(file), `is left without ${file}`);
      return { data: null, lines: 0, journalChars: 0 };
    }
    throw new StoreFileError(file, `cannot be read (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new StoreFileError(file, `is not valid JSON (${(err as Error).message})`);
  }
  const journal = journalOf(file);
  let journalText = '';
  try {
    journalText = await readFile(journal, 'utf8');
  } catch (err) {
    // No journal, or something that is not a file in its place (nothing was ever appended to it).
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EISDIR') throw new StoreFileError(journal, `cannot be read (${(err as Error).message})`);
  }
  const lines = parseJournal(journal, journalText);
  if (lines.length > 0) {
    if (!isObject(data) || Array.isArray(data)) throw new StoreFileError(file, 'does not look like a Sidos data file: the top level is not an object');
    replay(data as Record<string, unknown>, lines);
  }
  return { data, lines: lines.length, journalChars: journalText.length };
}

