import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LowdbStore } from '../bot/store/lowdb-store.js';
import { StoreFileError, StoreWriteError } from '../bot/store/store.js';
import type { Partner } from '../bot/domain/types.js';
import { dataFileText, readDataFile } from './harness/data-files.js';

const partner = (id: string): Partner => ({
  id,
  name: `Person ${id}`,
  organisation: 'Kunta',
  segment: 'municipalities',
  officeId: 'uusimaa',
  email: `${id}@example.fi`,
  locale: 'fi',
  createdAt: '2027-01-01T00:00:00.000Z',
  updatedAt: '2027-01-01T00:00:00.000Z',
});

describe('LowdbStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('puts an awaited change on disk, in the shared file or the year file', async () => {
    const store = await LowdbStore.open(dir);
    await store.updateShared((d) => d.partners.push(partner('p1')));
    await store.updateYear(2027, (d) => d.plans.push({ id: 'plan1' } as never));
    const shared = await readDataFile(join(dir, 'shared.json'));
    const year = await readDataFile(join(dir, '2027.json'));
    expect(shared.partners.map((p: Partner) => p.id)).toEqual(['p1']);
    expect(year.plans).toEqual([{ id: 'plan1' }]);
    expect(store.years()).toEqual([2027]);
    await store.close();

    const reopened = await LowdbStore.open(dir);
    expect(reopened.readShared((d) => d.partners[0].email)).toBe('p1@example.fi');
    expect(reopened.readYear(2027, (d) => d.plans.length)).toBe(1);
    expect(reopened.readYear(2031, (d) => d.plans.length)).toBe(0);
    await reopened.close();
  });

  it('keeps every one of many concurrent changes', async () => {
    const store = await LowdbStore.open(dir);
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.updateShared((d) => d.partners.push(partner(`p${i}`)))));
    await store.close();
    const shared = JSON.parse(await readFile(join(dir, 'shared.json'), 'utf8'));
    expect(new Set(shared.partners.map((p: Partner) => p.id)).size).toBe(200);
  });

  it('creates a new year file once when several changes arrive together', async () => {
    const store = await LowdbStore.open(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.updateYear(2029, (d) => d.plans.push({ id: `plan${i}` } as never))));
    await store.close();
    const year = JSON.parse(await readFile(join(dir, '2029.json'), 'utf8'));
    expect(year.plans).toHaveLength(20);
  });

  it('reports a corrupt file at open and leaves it untouched', async () => {
    const broken = '{"plans": [ {"id": "x"} ';
    await writeFile(join(dir, '2027.json'), broken);
    await expect(LowdbStore.open(dir)).rejects.toThrow(StoreFileError);
    await expect(LowdbStore.open(dir)).rejects.toThrow(/2027\.json is not valid JSON/);
    expect(await readFile(join(dir, '2027.json'), 'utf8')).toBe(broken);
  });

  it('reports a hand-edited file with the wrong shape', async () => {
    const store = await LowdbStore.open(dir);
    await store.close();
    const shared = JSON.parse(await readFile(join(dir, 'shared.json'), 'utf8'));
    shared.partners = { p1: partner('p1') };
    await writeFile(join(dir, 'shared.json'), JSON.stringify(shared));
    await expect(LowdbStore.open(dir)).rejects.toThrow(/shared\.json does not look like a Sidos data file: "partners" is not a list/);
    shared.partners = [];
    shared.partnres = [];
    await writeFile(join(dir, 'shared.json'), JSON.stringify(shared));
    await expect(LowdbStore.open(dir)).rejects.toThrow(/unknown key "partnres"/);
  });

  it('opens a shared file written before the audit trail existed, with an empty trail kept on disk', async () => {
    const store = await LowdbStore.open(dir);
    await store.updateShared((d) => d.partners.push(partner('p1')));
    await store.close();
    const shared = await readDataFile(join(dir, 'shared.json'));
    delete shared.audit;
    await rm(join(dir, 'shared.json.journal'), { force: true });
    await writeFile(join(dir, 'shared.json'), JSON.stringify(shared));
    const reopened = await LowdbStore.open(dir);
    expect(reopened.readShared((d) => [d.audit, d.partners.map((p) => p.id)])).toEqual([[], ['p1']]);
    await reopened.close();
    expect((await readDataFile(join(dir, 'shared.json'))).audit).toEqual([]);
  });

  it('refuses a change it could not write and keeps memory equal to the file', async () => {
    const first = await LowdbStore.open(dir);
    await first.updateShared((d) => d.partners.push(partner('kept')));
    await first.close();
    // Reopened, the journal is folded into the snapshot and gone: a directory in its place makes the append fail like a full disk would.
    const store = await LowdbStore.open(dir);
    const kept = await dataFileText(join(dir, 'shared.json'));
    await mkdir(join(dir, 'shared.json.journal'));
    await expect(store.updateShared((d) => d.partners.push(partner('lost')))).rejects.toThrow(StoreWriteError);
    expect(store.readShared((d) => d.partners.map((p) => p.id))).toEqual(['kept']);
    expect(await dataFileText(join(dir, 'shared.json'))).toBe(kept);
    await rm(join(dir, 'shared.json.journal'), { recursive: true });
    await store.updateShared((d) => d.partners.push(partner('after')));
    await store.close();
    const shared = JSON.parse(await readFile(join(dir, 'shared.json'), 'utf8'));
    expect(shared.partners.map((p: Partner) => p.id)).toEqual(['kept', 'after']);
  });

  it('refuses changes after close', async () => {
    const store = await LowdbStore.open(dir);
    await store.close();
    await expect(store.updateShared((d) => d.partners.push(partner('late')))).rejects.toThrow(/closed/);
  });
});
