// Reading the store's files as they are on disk: a snapshot (<name>.json) and
// the journal of changes since (<name>.json.journal).
import { readFile } from 'node:fs/promises';
import { journalOf, readDocumentFile } from '../../bot/store/json-document.js';

/** The document on disk: the snapshot with its journal replayed. */
export async function readDataFile(file: string): Promise<any> {
  const data = await readDocumentFile(file);
  if (data === null) throw new Error(`${file} does not exist`);
  return data;
}

/** Everything the files hold for one document, as text: the snapshot and its journal. */
export async function dataFileText(file: string): Promise<string> {
  const journal = await readFile(journalOf(file), 'utf8').catch((err) => {
    if (err.code === 'ENOENT' || err.code === 'EISDIR') return '';
    throw err;
  });
  return (await readFile(file, 'utf8')) + journal;
}
