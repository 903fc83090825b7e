// Whether the store can be reached, as /healthz tells a load balancer or a
// container platform. A check costs one ping (PostgreSQL: SELECT 1); its answer
// is kept for a second so frequent probes of several instances do not load the
// database, and probes arriving together share one ping.
import type { RecordStore } from './store/records.js';

export const READINESS_MAX_AGE_MS = 1_000;

/** Returns the check; `now` is a monotonic clock in milliseconds. Logs once when the store goes away and once when it is back. */
export function storageReadiness(
  store: Pick<RecordStore, 'ping'>,
  log: (line: string) => void,
  now: () => number = () => performance.now(),
): () => Promise<boolean> {
  let ready = true;
  let checkedAt = -Infinity;
  let checking: Promise<boolean> | null = null;
  const check = async (): Promise<boolean> => {
    const result = await store.ping().then(
      () => true,
      (err: Error) => {
        if (ready) log(`Storage cannot be reached (${err.message}): /healthz answers 503 until it can.`);
        return false;
      },
    );
    if (result && !ready) log('Storage can be reached again: /healthz answers 200.');
    ready = result;
    checkedAt = now();
    checking = null;
    return result;
  };
  return () => {
    if (now() - checkedAt < READINESS_MAX_AGE_MS) return Promise.resolve(ready);
    return (checking ??= check());
  };
}
