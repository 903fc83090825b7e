// A RecordStore as an instance sees it when another instance commits between its
// read and its write: in the first transaction, findBy() on `kind` answers as if
// that kind had no records yet. What then decides is the store's unique constraint.
import type { Kind } from '../../bot/store/record-kinds.js';
import type { RecordStore, RecordTransaction } from '../../bot/store/records.js';

export function racingRecords(records: RecordStore, kind: Kind): RecordStore {
  let raced = false;
  const staleRead = (tx: RecordTransaction) =>
    new Proxy(tx, {
      get: (target, prop) =>
        prop === 'findBy'
          ? async (k: Kind, index: string, key: string) => (k === kind ? [] : target.findBy(k, index as never, key))
          : Reflect.get(target, prop, target),
    });
  return new Proxy(records, {
    get(target, prop) {
      if (prop !== 'transaction') return Reflect.get(target, prop, target);
      return <T>(work: (tx: RecordTransaction) => Promise<T>) =>
        target.transaction((tx) => {
          const first = !raced;
          raced = true;
          return work(first ? staleRead(tx) : tx);
        });
    },
  });
}
