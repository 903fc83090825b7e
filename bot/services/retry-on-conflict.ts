// A use case that lost a race on a unique constraint (another instance added
// the same record first) runs once more: its reads then find the other
// instance's record and it answers as it does when the record was there before.
import { RecordConflictError } from '../store/records.js';

export async function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof RecordConflictError)) throw e;
    return work();
  }
}
