// An exclusive lock on DATA_DIR between processes: two Sidos processes on one
// directory would each overwrite the other's acknowledged writes. The lock is
// DATA_DIR/sidos.lock, naming its holder; its mtime is refreshed while held.
// A lock left by a killed process is taken over: at once when its process is
// gone from this host, otherwise (another host or container) once it has not
// been refreshed for STALE_MS.
import { link, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'sidos.lock';
const REFRESH_MS = 5_000;
const STALE_MS = 30_000;

interface Holder {
  pid: number;
  host: string;
  since: string;
}

export class DataDirLockedError extends Error {
  constructor(readonly dir: string, holder: Holder | null) {
    const who = holder ? `process ${holder.pid} on ${holder.host} (since ${holder.since})` : 'another process';
    super(`DATA_DIR ${dir} is in use by ${who}: stop that Sidos first, or give this one another DATA_DIR.`);
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

/**
 * Locks held by this process, counted: a process may open its directory more
 * than once (tests simulate a crash that way); the lock is between processes.
 */
const held = new Map<string, { count: number; timer: NodeJS.Timeout }>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): Holder | null {
  try {
    const holder = JSON.parse(text) as Partial<Holder>;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? ({ since: '?', ...holder } as Holder) : null;
  } catch {
    return null;
  }
}

function isStale(holder: Holder | null, refreshedMs: number): boolean {
  if (Date.now() - refreshedMs > STALE_MS) return true;
  if (!holder || holder.host !== hostname()) return false;
  // Our own pid, but not in `held`: an earlier process had this pid (a restarted container).
  return holder.pid === process.pid || !isAlive(holder.pid);
}

/** Takes the lock on `dir`, or throws DataDirLockedError naming the process that holds it. */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const path = resolve(dir);
  const lockFile = join(path, LOCK_FILE);
  const release = releaser(path, lockFile);
  const mine = held.get(path);
  if (mine) {
    mine.count++;
    return { release };
  }
  const content = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  // Written aside and linked into place, so the lock file appears whole or not at all.
  const temp = `${lockFile}.${process.pid}.tmp`;
  await writeFile(temp, content);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, lockFile);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = await readFile(lockFile, 'utf8').then(parseHolder, () => null);
      const refreshed = await stat(lockFile).then((s) => s.mtimeMs, () => 0);
      if (attempt > 0 || !isStale(holder, refreshed)) throw new DataDirLockedError(path, holder);
      await rm(lockFile, { force: true });
    }
  } finally {
    await rm(temp, { force: true });
  }
  const timer = setInterval(() => {
    const now = new Date();
    utimes(lockFile, now, now).catch(() => undefined);
  }, REFRESH_MS);
  timer.unref();
  held.set(path, { count: 1, timer });
  return { release };
}

function releaser(path: string, lockFile: string): () => Promise<void> {
  let released = false;
  return async () => {
    const mine = held.get(path);
    if (released || !mine) return;
    released = true;
    if (--mine.count > 0) return;
    clearInterval(mine.timer);
    held.delete(path);
    // Only our own: a lock taken over while this process stalled is the new holder's.
    const holder = await readFile(lockFile, 'utf8').then(parseHolder, () => null);
    if (holder?.pid === process.pid && holder.host === hostname()) await rm(lockFile, { force: true });
  };
}
