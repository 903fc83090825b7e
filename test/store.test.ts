import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { StoreFileError, StoreWriteError } from '../bot/store/store.js';
import type { Partner, Plan } from '../bot/domain/types.js';
import { dataFileText, readDataFile } from './harness/data-files.js';
import { allRecords } from './harness/read-records.js';
import { partnerIds, putPartner, storedPartner as partner } from './harness/stored-partners.js';

const plan = (id: string) => ({ id }) as unknown as Plan;

describe('the lowdb files under the RecordStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('puts an awaited change on disk, in the shared file or the year file', async () => {
    const records = await LowdbRecordStore.open(dir);
    await putPartner(records, partner('p1'));
    await records.transaction((tx) => tx.putInYear('plans', 2027, plan('plan1')));
    const shared = await readDataFile(join(dir, 'shared.json'));
    const year = await readDataFile(join(dir, '2027.json'));
    expect(shared.partners.map((p: Partner) => p.id)).toEqual(['p1']);
    expect(year.plans).toEqual([{ id: 'plan1' }]);
    expect(await records.years()).toEqual([2027]);
    await records.close();

    const reopened = await LowdbRecordStore.open(dir);
    expect((await reopened.get('partners', 'p1'))?.email).toBe('p1@example.fi');
    expect(await reopened.inYear('plans', 2027)).toHaveLength(1);
    expect(await reopened.inYear('plans', 2031)).toHaveLength(0);
    await reopened.close();
  });

  it('keeps every one of many concurrent changes', async () => {
    const records = await LowdbRecordStore.open(dir);
    await Promise.all(Array.from({ length: 200 }, (_, i) => putPartner(records, partner(`p${i}`))));
    await records.close();
    const shared = JSON.parse(await readFile(join(dir, 'shared.json'), 'utf8'));
    expect(new Set(shared.partners.map((p: Partner) => p.id)).size).toBe(200);
  });

  it('creates a new year file once when several changes arrive together', async () => {
    const records = await LowdbRecordStore.open(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => records.transaction((tx) => tx.putInYear('plans', 2029, plan(`plan${i}`)))));
    await records.close();
    const year = JSON.parse(await readFile(join(dir, '2029.json'), 'utf8'));
    expect(year.plans).toHaveLength(20);
  });

  it('reports a corrupt file at open and leaves it untouched', async () => {
    const broken = '{"plans": [ {"id": "x"} ';
    await writeFile(join(dir, '2027.json'), broken);
    await expect(LowdbRecordStore.open(dir)).rejects.toThrow(StoreFileError);
    await expect(LowdbRecordStore.open(dir)).rejects.toThrow(/2027\.json is not valid JSON/);
    expect(await readFile(join(dir, '2027.json'), 'utf8')).toBe(broken);
  });

  it('reports a hand-edited file with the wrong shape', async () => {
    const records = await LowdbRecordStore.open(dir);
    await records.close();
    const shared = JSON.parse(await readFile(join(dir, 'shared.json'), 'utf8'));
    shared.partners = { p1: partner('p1') };
    await writeFile(join(dir, 'shared.json'), JSON.stringify(shared));
    await expect(LowdbRecordStore.open(dir)).rejects.toThrow(/shared\.json does not look like a Sidos data file: "partners" is not a list/);
    shared.partners = [];
    shared.partnres = [];
    await writeFile(join(dir, 'shared.json'), JSON.stringify(shared));
    await expect(LowdbRecordStore.open(dir)).rejects.toThrow(/unknown key "partnres"/);
  });

  it('opens a shared file written before the audit trail existed, with an empty trail kept on disk', async () => {
    const records = await LowdbRecordStore.open(dir);
    await putPartner(records, partner('p1'));
    await records.close();
    const shared = await readDataFile(join(dir, 'shared.json'));
    delete shared.audit;
    await rm(join(dir, 'shared.json.journal'), { force: true });
    await writeFile(join(dir, 'shared.json'), JSON.stringify(shared));
    const reopened = await LowdbRecordStore.open(dir);
    expect([await allRecords(reopened, 'audit'), await partnerIds(reopened)]).toEqual([[], ['p1']]);
    await reopened.close();
    expect((await readDataFile(join(dir, 'shared.json'))).audit).toEqual([]);
  });

  it('refuses a change it could not write and keeps memory equal to the file', async () => {
    const first = await LowdbRecordStore.open(dir);
    await putPartner(first, partner('kept'));
    await first.close();
    // Reopened, the journal is folded into the snapshot and gone: a directory in its place makes the append fail like a full disk would.
    const records = await LowdbRecordStore.open(dir);
    const kept = await dataFileText(join(dir, 'shared.json'));
    await mkdir(join(dir, 'shared.json.journal'));
    await expect(putPartner(records, partner('lost'))).rejects.toThrow(StoreWriteError);
    expect(await records.get('partners', 'lost')).toBeUndefined();
    expect(await partnerIds(records)).toEqual(['kept']);
    expect(await dataFileText(join(dir, 'shared.json'))).toBe(kept);
    await rm(join(dir, 'shared.json.journal'), { recursive: true });
    await putPartner(records, partner('after'));
    await records.close();
    const shared = JSON.parse(await readFile(join(dir, 'shared.json'), 'utf8'));
    expect(shared.partners.map((p: Partner) => p.id)).toEqual(['kept', 'after']);
  });

  it('refuses changes after close', async () => {
    const records = await LowdbRecordStore.open(dir);
    await records.close();
    await expect(putPartner(records, partner('late'))).rejects.toThrow(/closed/);
  });
});
