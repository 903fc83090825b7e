// `npm start` as a process: local mode line, /healthz, clean stop, and a clear
// refusal to start on bad configuration or a corrupt data file.
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSidos } from './harness/process.js';

// Each test starts Sidos as a process (tsx compiles the sources first): slow on a loaded machine.
describe('the Sidos process', { timeout: 120_000 }, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-start-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts in local mode on loopback, answers /healthz and stops cleanly on SIGTERM', async () => {
    const sidos = spawnSidos({ PORT: '0', DATA_DIR: dir });
    const url = await sidos.ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sidos.output().match(/LOCAL MODE/g)).toHaveLength(1);
    const res = await fetch(`${url}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok', mode: 'local' });
    sidos.child.kill('SIGTERM');
    expect(await sidos.exited).toBe(0);
    expect(sidos.output()).toContain('SIGTERM received: finishing writes and stopping.');
  });

  it('refuses to start on a wrong configuration value and says which', async () => {
    const sidos = spawnSidos({ PORT: '0', DATA_DIR: dir, SIDOS_DIGEST_TIMEZONE: 'Mars/Olympus' });
    expect(await sidos.exited).toBe(1);
    expect(sidos.output()).toContain('digest.timeZone = "Mars/Olympus" (from SIDOS_DIGEST_TIMEZONE): allowed: an IANA time zone');
  });

  it('refuses to start on a corrupt data file and leaves it as it was', async () => {
    await writeFile(join(dir, '2027.json'), '{"plans": [');
    const sidos = spawnSidos({ PORT: '0', DATA_DIR: dir });
    expect(await sidos.exited).toBe(1);
    expect(sidos.output()).toMatch(/Data file .*2027\.json is not valid JSON/);
  });

  it('refuses a second process on the same DATA_DIR, naming the holder, and starts again after the holder was killed', async () => {
    const first = spawnSidos({ PORT: '0', DATA_DIR: dir });
    await first.ready;
    const second = spawnSidos({ PORT: '0', DATA_DIR: dir });
    expect(await second.exited).toBe(1);
    const refusal = second.output().trim().split('\n');
    expect(refusal).toEqual([expect.stringContaining(`DATA_DIR ${dir} is in use by process ${first.child.pid} on `)]);

    first.child.kill('SIGKILL');
    await first.exited;
    // The killed process's lock is still there; its process is gone, so the next start takes it over.
    await access(join(dir, 'sidos.lock'));
    const third = spawnSidos({ PORT: '0', DATA_DIR: dir });
    expect((await fetch(`${await third.ready}/healthz`)).status).toBe(200);
    third.child.kill('SIGTERM');
    expect(await third.exited, third.output()).toBe(0);
    // A clean stop releases the lock.
    await expect(access(join(dir, 'sidos.lock'))).rejects.toThrow();
    // Three process starts, one after another: more than the default timeout on a loaded machine.
  }, 120_000);
});
