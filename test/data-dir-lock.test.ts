// The DATA_DIR lock between processes, with lock files as other processes leave them.
import { access, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE } from '../bot/store/data-dir-lock.js';
import { LowdbStore } from '../bot/store/lowdb-store.js';

describe('the DATA_DIR lock', () => {
  let dir: string;
  const lockFile = () => join(dir, LOCK_FILE);
  const leaveLock = (pid: number, host: string) => writeFile(lockFile(), JSON.stringify({ pid, host, since: '2027-01-01T00:00:00.000Z' }));
  const exists = (path: string) => access(path).then(() => true, () => false);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a directory held by a live process on this host, naming it, and leaves its lock alone', async () => {
    // The parent of the test process is alive.
    await leaveLock(process.ppid, hostname());
    const err = await LowdbStore.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as Error).message).toBe(
      `DATA_DIR ${dir} is in use by process ${process.ppid} on ${hostname()} (since 2027-01-01T00:00:00.000Z): stop that Sidos first, or give this one another DATA_DIR.`,
    );
    expect(await exists(join(dir, 'shared.json'))).toBe(false);
    expect(await exists(lockFile())).toBe(true);
  });

  it('refuses a lock from another host while it is refreshed, and takes it over once it has not been for a while', async () => {
    await leaveLock(1, 'other-host');
    await expect(LowdbStore.open(dir)).rejects.toThrow(DataDirLockedError);
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(lockFile(), minuteAgo, minuteAgo);
    const store = await LowdbStore.open(dir);
    await store.close();
    expect(await exists(lockFile())).toBe(false);
  });

  it('takes over at once a lock whose process is gone, or that an earlier process with this pid left', async () => {
    for (const pid of [2 ** 22 + 1, process.pid]) {
      await leaveLock(pid, hostname());
      const store = await LowdbStore.open(dir);
      expect(await exists(lockFile())).toBe(true);
      await store.close();
      expect(await exists(lockFile()), String(pid)).toBe(false);
    }
  });

  it('releases the lock when a corrupt data file stops the opening', async () => {
    await writeFile(join(dir, '2027.json'), '{"plans": [');
    await expect(LowdbStore.open(dir)).rejects.toThrow(/2027\.json is not valid JSON/);
    expect(await exists(lockFile())).toBe(false);
  });

  it('lets one process open its directory again while it holds it, and keeps the lock until the last close', async () => {
    const first = await LowdbStore.open(dir);
    const second = await LowdbStore.open(dir);
    await first.close();
    expect(await exists(lockFile())).toBe(true);
    await second.close();
    expect(await exists(lockFile())).toBe(false);
  });
});
