// Change tracking for JsonDocument: an update function runs on a Proxy view
// of the data, and every record it writes (or collection it restructures) is
// noted in the batch, so only those go to the journal.
/** What one write batch changed: records by collection, and collections replaced whole. */
export interface Batch {
  dirty: Map<string, Set<object>>;
  replaced: Set<string>;
  /** Data was removed or erased: the old values must leave the disk, so the batch compacts. */
  removes: boolean;
}

export const newBatch = (): Batch => ({ dirty: new Map(), replaced: new Set(), removes: false });

/** Where a tracked object sits: the document root, a collection array, or inside a record of one. */
type Owner = { kind: 'root' } | { kind: 'collection'; key: string } | { kind: 'record'; key: string; record: object } | { kind: 'whole'; key: string };

/** The batch the running change function writes into (changes run synchronously, one at a time). */
let current: Batch | null = null;
const proxies = new WeakMap<object, object>();
const owners = new WeakMap<object, Owner>();
const targets = new WeakMap<object, object>();

export const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;
const isPlain = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};
export const hasId = (value: unknown): boolean => isObject(value) && typeof (value as { id?: unknown }).id === 'string';

function tracked<T extends object>(raw: T, owner: Owner): T {
  let proxy = proxies.get(raw);
  if (!proxy) {
    proxy = new Proxy(raw, handler);
    proxies.set(raw, proxy);
    owners.set(raw, owner);
    targets.set(proxy, raw);
  }
  return proxy as T;
}

function childOwner(parent: Owner, prop: string | symbol, value: object): Owner {
  switch (parent.kind) {
    case 'root':
      if (typeof prop !== 'string') return { kind: 'whole', key: String(prop) };
      return Array.isArray(value) ? { kind: 'collection', key: prop } : { kind: 'whole', key: prop };
    case 'collection':
      return { kind: 'record', key: parent.key, record: value };
    default:
      return parent;
  }
}

/** Replaces every tracking proxy in `value` by its raw object; never stores a proxy into the data. */
function unwrap(value: unknown, seen = new Set<object>()): unknown {
  if (!isObject(value)) return value;
  const raw = targets.get(value);
  if (raw) return raw;
  if (seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (isObject(item)) {
        const plain = unwrap(item, seen);
        if (plain !== item) value[i] = plain;
      }
    }
  } else if (isPlain(value)) {
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (isObject(item)) {
        const plain = unwrap(item, seen);
        if (plain !== item) (value as Record<string, unknown>)[key] = plain;
      }
    }
  }
  return value;
}

/** `value` without tracking proxies, copying only the containers that hold one; never changes `value`. */
function toRaw(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (!isObject(value)) return value;
  const raw = targets.get(value);
  if (raw) return raw;
  if (seen.has(value)) return seen.get(value);
  seen.set(value, value);
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    value.forEach((item, i) => {
      const plain = toRaw(item, seen);
      if (plain !== item) (copy ??= [...value])[i] = plain;
    });
    if (copy) seen.set(value, copy);
    return copy ?? value;
  }
  if (!isPlain(value)) return value;
  let copy: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value)) {
    const plain = toRaw(item, seen);
    if (plain !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = plain;
  }
  if (copy) seen.set(value, copy);
  return copy ?? value;
}

const nativeClone = globalThis.structuredClone;
/** structuredClone refuses proxies: while a change runs, it clones what the proxies stand for. */
const cloneThroughProxies = (<T>(value: T, options?: Parameters<typeof structuredClone>[1]): T => nativeClone(toRaw(value) as T, options)) as typeof structuredClone;

function markRecord(key: string, record: object): void {
  if (!current) return;
  let set = current.dirty.get(key);
  if (!set) current.dirty.set(key, (set = new Set()));
  set.add(record);
}

function noteWrite(target: object, prop: string | symbol, value: unknown, deleting: boolean): void {
  const batch = current;
  if (!batch) return;
  if (deleting) batch.removes = true;
  const owner = owners.get(target);
  if (!owner) return;
  switch (owner.kind) {
    case 'root':
      batch.replaced.add(String(prop));
      if (deleting || Array.isArray(value)) batch.removes = true;
      return;
    case 'whole':
      batch.replaced.add(owner.key);
      if (prop === 'length' && Array.isArray(target) && Number(value) < target.length) batch.removes = true;
      return;
    case 'record':
      if (hasId(owner.record)) markRecord(owner.key, owner.record);
      else batch.replaced.add(owner.key);
      return;
    case 'collection': {
      const list = target as unknown[];
      if (prop === 'length') {
        if (Number(value) < list.length) {
          batch.replaced.add(owner.key);
          batch.removes = true;
        }
        return;
      }
      const index = typeof prop === 'string' && /^(0|[1-9]\d*)$/.test(prop) ? Number(prop) : -1;
      if (!deleting && index >= list.length && hasId(value)) {
        markRecord(owner.key, value as object);
        return;
      }
      // Overwriting a record with a new version of itself is a put; anything else reshapes the list.
      if (!deleting && index >= 0 && hasId(value) && hasId(list[index]) && (list[index] as { id: string }).id === (value as { id: string }).id) {
        markRecord(owner.key, value as object);
        return;
      }
      batch.replaced.add(owner.key);
      if (deleting || index < list.length) batch.removes = true;
      return;
    }
  }
}

const handler: ProxyHandler<object> = {
  get(target, prop, receiver) {
    const value = Reflect.get(target, prop, receiver);
    if (!isObject(value) || !(Array.isArray(value) || isPlain(value))) return value;
    const owner = owners.get(target);
    return owner ? tracked(value, childOwner(owner, prop, value)) : value;
  },
  set(target, prop, value) {
    const plain = unwrap(value);
    noteWrite(target, prop, plain, false);
    return Reflect.set(target, prop, plain);
  },
  deleteProperty(target, prop) {
    if (!Object.prototype.hasOwnProperty.call(target, prop)) return true;
    noteWrite(target, prop, undefined, true);
    return Reflect.deleteProperty(target, prop);
  },
  defineProperty(target, prop, descriptor) {
    const plain = 'value' in descriptor ? { ...descriptor, value: unwrap(descriptor.value) } : descriptor;
    noteWrite(target, prop, plain.value, false);
    return Reflect.defineProperty(target, prop, plain);
  },
};

/**
 * Runs `change` on a tracking view of `data`, recording what it changes in
 * `batch`; what it returns comes back without proxies.
 */
export function runTracked<T extends object, R>(data: T, batch: Batch, change: (data: T) => R): R {
  const outer = current;
  current = batch;
  globalThis.structuredClone = cloneThroughProxies;
  try {
    return unwrap(change(tracked(data, { kind: 'root' }))) as R;
  } finally {
    current = outer;
    if (!outer) globalThis.structuredClone = nativeClone;
  }
}
