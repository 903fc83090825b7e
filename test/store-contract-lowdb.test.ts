// What only the lowdb RecordStore has to show: a transaction its files could
// not take is not kept, and the store goes on correctly afterwards.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { StoreWriteError } from '../bot/store/store.js';
import { dataFileText, readDataFile } from './harness/data-files.js';
import { requestFixture } from './harness/record-fixtures.js';
import { partnerFixture } from './harness/seed.js';

describe('lowdb RecordStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-records-lowdb-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps nothing of a transaction that could not be written, and writes the next ones in the right places', async () => {
    const first = await LowdbRecordStore.open(dir);
    await first.transaction((tx) => tx.put('partners', partnerFixture('p1')));
    await first.close();
    const store = await LowdbRecordStore.open(dir);
    // A directory where the journal goes makes the append fail like a full disk would.
    await mkdir(join(dir, 'shared.json.journal'));
    await expect(store.transaction((tx) => tx.put('partners', partnerFixture('p2')))).rejects.toThrow(StoreWriteError);
    expect(await store.get('partners', 'p2')).toBeUndefined();
    expect(await store.findBy('partners', 'officeId', 'uusimaa')).toEqual([partnerFixture('p1')]);

    await rm(join(dir, 'shared.json.journal'), { recursive: true });
    await store.transaction((tx) => tx.put('partners', partnerFixture('p3')));
    await store.transaction((tx) => tx.put('partners', partnerFixture('p2')));
    await store.close();
    const shared = await readDataFile(join(dir, 'shared.json'));
    expect(shared.partners.map((p: { id: string }) => p.id)).toEqual(['p1', 'p3', 'p2']);
  });

  it('keeps a replaced value in the journal, and none once a purging transaction replaced it (and its year file) or dropped a job state entry', async () => {
    const store = await LowdbRecordStore.open(dir);
    const files = async () => (await Promise.all(['shared.json', '2030.json'].map((f) => dataFileText(join(dir, f))))).join('');
    await store.transaction(async (tx) => {
      await tx.put('partners', partnerFixture('p1', { email: 'old.one@kunta.fi' }));
      await tx.putInYear('feedbackRequests', 2030, requestFixture('r1', { partnerId: 'old-partner-id' }));
      await tx.setJobState('removedPartner:old-partner-id', '{}');
    });
    await store.transaction((tx) => tx.put('partners', partnerFixture('p1', { email: 'new.one@kunta.fi' })));
    expect(await files()).toContain('old.one@kunta.fi');

    await store.transaction(
      async (tx) => {
        await tx.put('partners', partnerFixture('p1', { email: 'newer.one@kunta.fi' }));
        await tx.putInYear('feedbackRequests', 2030, requestFixture('r1', { partnerId: 'erased:x' }));
      },
      { purge: true },
    );
    await store.transaction(async (tx) => {
      await tx.removeJobState('removedPartner:old-partner-id');
    });
    const text = await files();
    for (const gone of ['old.one@kunta.fi', 'new.one@kunta.fi', 'old-partner-id']) expect(text).not.toContain(gone);
    expect(text).toContain('newer.one@kunta.fi');
    await store.close();
  });
});
