// TRANSITION (issue 12): reading the send log through the RecordStore, for the
// services already moved onto it, while delivery/send-log.ts still reads the
// document store. The merge makes these one with send-log.ts.
import type { StoredSend } from '../store/record-kinds.js';
import type { RecordReader } from '../store/records.js';

export const sendRecord = (reader: RecordReader, key: string): Promise<StoredSend | undefined> => reader.get('sends', key);

export async function isSent(reader: RecordReader, key: string): Promise<boolean> {
  return (await reader.get('sends', key))?.status === 'sent';
}
