// The store's journal: every change is appended as the records it touched, and
// replayed on top of the snapshot when the file is opened again.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Appends to the journal can be made to fail like a full disk, keeping what the journal already holds.
const disk = vi.hoisted(() => ({ full: false, stuck: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    appendFile: (async (...args: Parameters<typeof fs.appendFile>) => {
      if (disk.full) {
        // Half of the batch reaches the file before the disk is full.
        await fs.appendFile(args[0], String(args[1]).slice(0, 20));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return fs.appendFile(...args);
    }) as typeof fs.appendFile,
    truncate: (async (...args: Parameters<typeof fs.truncate>) => {
      if (disk.stuck) throw Object.assign(new Error('EIO: i/o error, truncate'), { code: 'EIO' });
      return fs.truncate(...args);
    }) as typeof fs.truncate,
  };
});
import type { Feedback, Partner, Proposal } from '../bot/domain/types.js';
import { JsonDocument, journalOf, readDocumentFile } from '../bot/store/json-document.js';
import { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { roleAssignmentId } from '../bot/store/record-kinds.js';
import { StoreFileError, StoreWriteError, emptyYear, type RoleAssignment, type YearData } from '../bot/store/store.js';
import { allRecords } from './harness/read-records.js';
import { partnerIds, putPartner, storedPartner as partner } from './harness/stored-partners.js';
import { proposalChanges, proposalFixture } from './harness/record-fixtures.js';

const proposal = (id: string): Proposal =>
  proposalFixture(id, { text: `Ehdotus ${id}`, ...proposalChanges([['received', '2027-01-01T00:00:00.000Z']], 'x') });

const exists = (file: string) => stat(file).then(() => true, () => false);

describe('the journal', () => {
  let dir: string;
  const sharedFile = () => join(dir, 'shared.json');
  const yearFile = () => join(dir, '2027.json');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-journal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends changes instead of rewriting the snapshot, and keeps every one of many concurrent changes', async () => {
    const records = await LowdbRecordStore.open(dir);
    const snapshot = await readFile(sharedFile(), 'utf8');
    await Promise.all(Array.from({ length: 200 }, (_, i) => putPartner(records, partner(`p${i}`))));
    expect(await readFile(sharedFile(), 'utf8')).toBe(snapshot);
    const lines = (await readFile(journalOf(sharedFile()), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => 'put' in l)).toHaveLength(200);
    expect(lines[0]).toEqual({ put: 'partners', record: partner('p0') });
    // Each batch ends with a line that commits it.
    expect(lines.at(-1)).toHaveProperty('commit');
    expect(lines.filter((l) => 'commit' in l).reduce((n, l) => n + l.commit, 0)).toBe(200);
    const onDisk = (await readDocumentFile(sharedFile())) as { partners: Partner[] };
    expect(onDisk.partners.map((p) => p.id)).toEqual(Array.from({ length: 200 }, (_, i) => `p${i}`));
    await records.close();

    // Closing folds the journal into the snapshot.
    expect(await exists(journalOf(sharedFile()))).toBe(false);
    expect(JSON.parse(await readFile(sharedFile(), 'utf8')).partners).toHaveLength(200);
    const reopened = await LowdbRecordStore.open(dir);
    expect(await allRecords(reopened, 'partners')).toHaveLength(200);
    await reopened.close();
  });

  it('keeps a record update, a push, a removal, a nested history push and a jobState change across a crash', async () => {
    const first = await LowdbRecordStore.open(dir);
    await first.transaction(async (tx) => {
      for (const id of ['a', 'b', 'c']) await tx.put('partners', partner(id));
      await tx.putInYear('proposals', 2027, proposal('x'));
      await tx.putInYear('proposals', 2027, proposal('y'));
    });
    // A snapshot with all of that, and a journal of what follows.
    await first.close();
    const live = await LowdbRecordStore.open(dir);
    await live.transaction(async (tx) => {
      const b = (await tx.get('partners', 'b'))!;
      await tx.put('partners', { ...b, name: 'Renamed' });
    });
    await putPartner(live, partner('d'));
    await live.transaction((tx) => tx.setJobState('digest.last', '2027-W10'));
    // The removal rewrites the year's snapshot at once; the history push after it is left in the journal.
    await live.transaction((tx) => tx.remove('proposals', 'x'));
    await live.transaction(async (tx) => {
      const y = (await tx.get('proposals', 'y'))!;
      y.history.push({ status: 'planned', at: '2027-02-01T00:00:00.000Z', by: 'z' } as never);
      await tx.putInYear('proposals', 2027, y);
    });
    const stateOf = async (records: LowdbRecordStore) => ({
      partners: await allRecords(records, 'partners'),
      jobState: await records.jobStates(),
      proposals: await records.inYear('proposals', 2027),
    });
    const expected = await stateOf(live);
    expect(expected.partners.map((p) => [p.id, p.name])).toEqual([
      ['a', 'Person a'],
      ['b', 'Renamed'],
      ['c', 'Person c'],
      ['d', 'Person d'],
    ]);
    expect(expected.jobState).toEqual({ 'digest.last': '2027-W10' });
    expect(expected.proposals.map((p) => [p.id, p.history.length])).toEqual([['y', 2]]);
    // Without close(): what a crash leaves behind, snapshots with journals on top.
    expect(await exists(journalOf(sharedFile()))).toBe(true);
    expect(await exists(journalOf(yearFile()))).toBe(true);
    const sharedOnDisk = (await readDocumentFile(sharedFile())) as { partners: Partner[]; jobState: Record<string, string> };
    const yearOnDisk = (await readDocumentFile(yearFile())) as YearData;
    expect({ partners: sharedOnDisk.partners, jobState: sharedOnDisk.jobState, proposals: yearOnDisk.proposals }).toEqual(expected);

    const reopened = await LowdbRecordStore.open(dir);
    expect(await stateOf(reopened)).toEqual(expected);
    await reopened.close();
    await live.close();
  });

  it('ignores a batch a crash cut off: a torn last line, or whole lines without their commit', async () => {
    const store = await LowdbRecordStore.open(dir);
    await store.close();
    const put = (id: string) => JSON.stringify({ put: 'partners', record: partner(id) });
    const committed = `${put('whole')}\n{"commit":1}\n`;
    for (const tail of [`${put('cut1')}\n{"put":"partners","record":{"id":"torn","na`, `${put('cut1')}\n${put('cut2')}\n`, `${put('cut1')}\n{"com`]) {
      await writeFile(journalOf(sharedFile()), committed + tail);
      expect(((await readDocumentFile(sharedFile())) as { partners: Partner[] }).partners.map((p) => p.id)).toEqual(['whole']);
    }
    // Lines left by an append that failed half-way, then a whole batch: only the batch counts.
    await writeFile(journalOf(sharedFile()), `${committed}${put('aborted')}\n${put('b1')}\n${put('b2')}\n{"commit":2}\n`);
    expect(((await readDocumentFile(sharedFile())) as { partners: Partner[] }).partners.map((p) => p.id)).toEqual(['whole', 'b1', 'b2']);

    await writeFile(journalOf(sharedFile()), `${committed}${put('cut1')}\n{"put":"partners","record":{"id":"torn","na`);
    const reopened = await LowdbRecordStore.open(dir);
    expect(await partnerIds(reopened)).toEqual(['whole']);
    // The cut-off batch is gone with the journal, so the next append starts on a fresh line.
    await putPartner(reopened, partner('next'));
    await reopened.close();
    const again = await LowdbRecordStore.open(dir);
    expect(await partnerIds(again)).toEqual(['whole', 'next']);
    await again.close();
  });

  it('reports a broken line before the last one, naming the file and the line, and changes nothing', async () => {
    const store = await LowdbRecordStore.open(dir);
    await store.close();
    const journal = `${JSON.stringify({ put: 'partners', record: partner('a') })}\n{"put":"partners",\n${JSON.stringify({ put: 'partners', record: partner('b') })}\n{"commit":2}\n`;
    await writeFile(journalOf(sharedFile()), journal);
    await expect(LowdbRecordStore.open(dir)).rejects.toThrow(StoreFileError);
    await expect(LowdbRecordStore.open(dir)).rejects.toThrow(/shared\.json\.journal has a broken line 2/);
    await writeFile(journalOf(sharedFile()), `${JSON.stringify({ nonsense: true })}\n`);
    await expect(LowdbRecordStore.open(dir)).rejects.toThrow(/shared\.json\.journal has a line 1 that is not a journal entry/);
    expect(await readFile(journalOf(sharedFile()), 'utf8')).toBe(`${JSON.stringify({ nonsense: true })}\n`);
  });

  it('refuses a journal whose snapshot is gone', async () => {
    await writeFile(journalOf(yearFile()), `${JSON.stringify({ put: 'plans', record: { id: 'p' } })}\n{"commit":1}\n`);
    await expect(JsonDocument.open<YearData>(yearFile(), emptyYear, () => null)).rejects.toThrow(/2027\.json\.journal is left without/);
    expect(await exists(yearFile())).toBe(false);
  });

  it('compacts when the journal passes its threshold, and keeps everything', async () => {
    const doc = await JsonDocument.open<YearData>(yearFile(), emptyYear, () => null, { maxJournalLines: 10 });
    for (let i = 0; i < 25; i++) {
      await doc.write([{ put: 'feedback', record: { id: `f${i}`, rating: i } as unknown as Feedback }]);
      const lines = (await readFile(journalOf(yearFile()), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
      expect(lines).toBeLessThanOrEqual(10);
    }
    await Promise.all(Array.from({ length: 30 }, (_, i) => doc.write([{ put: 'feedback', record: { id: `g${i}`, rating: i } as unknown as Feedback }])));
    const snapshot = JSON.parse(await readFile(yearFile(), 'utf8'));
    expect(snapshot.feedback.length).toBeGreaterThanOrEqual(20);
    const onDisk = (await readDocumentFile(yearFile())) as YearData;
    expect(onDisk.feedback).toHaveLength(55);
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(doc.data)));
    await doc.close();
  });

  it('a crash between writing the snapshot and emptying the journal replays to the same state', async () => {
    const first = await LowdbRecordStore.open(dir);
    await first.transaction(async (tx) => {
      await tx.putInYear('proposals', 2027, proposal('x'));
      await tx.putInYear('proposals', 2027, proposal('y'));
    });
    await first.close();
    const live = await LowdbRecordStore.open(dir);
    const change = (id: string, edit: (p: Proposal) => void) =>
      live.transaction(async (tx) => {
        const p = (await tx.get('proposals', id))!;
        edit(p);
        await tx.putInYear('proposals', 2027, p);
      });
    // Puts and replaces of the same collection, interleaved, with records that come and go.
    await change('x', (p) => void (p.status = 'planned' as never));
    await live.transaction((tx) => tx.putInYear('proposals', 2027, proposal('z')));
    await live.transaction((tx) => tx.remove('proposals', 'x'));
    await live.transaction(async (tx) => {
      const z = (await tx.get('proposals', 'z'))!;
      z.history.push({ status: 'done', at: '2027-03-01T00:00:00.000Z', by: 'q' } as never);
      await tx.putInYear('proposals', 2027, z);
      await tx.putInYear('proposals', 2027, proposal('x'));
    });
    await change('y', (p) => void (p.text = 'Muutettu'));
    const journal = await readFile(journalOf(yearFile()), 'utf8');
    const expected = (await readDocumentFile(yearFile())) as YearData;
    expect(expected.proposals.map((p) => [p.id, p.text, p.history.length])).toEqual([
      ['y', 'Muutettu', 1],
      ['z', 'Ehdotus z', 2],
      ['x', 'Ehdotus x', 1],
    ]);
    expect(await live.inYear('proposals', 2027)).toEqual(expected.proposals);
    await live.close();
    // The snapshot is written; the journal was never emptied.
    expect(JSON.parse(await readFile(yearFile(), 'utf8'))).toEqual(expected);
    await writeFile(journalOf(yearFile()), journal);
    expect(await readDocumentFile(yearFile())).toEqual(expected);
    const reopened = await LowdbRecordStore.open(dir);
    expect(await reopened.inYear('proposals', 2027)).toEqual(expected.proposals);
    await reopened.close();
  });

  it('a failed append refuses every change of its batch and rolls memory back to snapshot and journal', async () => {
    const first = await LowdbRecordStore.open(dir);
    await putPartner(first, partner('kept'));
    await first.close();
    const reopened = await LowdbRecordStore.open(dir);
    await putPartner(reopened, partner('kept', { name: 'Journaled' }));
    const before = await readFile(journalOf(sharedFile()), 'utf8');
    disk.full = true;
    try {
      const results = await Promise.allSettled([
        putPartner(reopened, partner('lost1')),
        putPartner(reopened, partner('kept', { name: 'Journaled', email: 'lost@example.fi' })),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(StoreWriteError);
    } finally {
      disk.full = false;
    }
    // Memory is what the files hold: the snapshot and the journal, whose torn tail was cut off.
    const kept = await reopened.get('partners', 'kept');
    expect([kept?.name, kept?.email]).toEqual(['Journaled', 'kept@example.fi']);
    expect(await reopened.get('partners', 'lost1')).toBeUndefined();
    expect(await readFile(journalOf(sharedFile()), 'utf8')).toBe(before);
    await putPartner(reopened, partner('after'));
    expect(((await readDocumentFile(sharedFile())) as { partners: Partner[] }).partners).toEqual(await allRecords(reopened, 'partners'));
    await reopened.close();
    const again = await LowdbRecordStore.open(dir);
    expect((await allRecords(again, 'partners')).map((p) => [p.id, p.name])).toEqual([
      ['kept', 'Journaled'],
      ['after', 'Person after'],
    ]);
    await again.close();
  });

  it('after an append whose torn end could not be cut off, the next batch goes into a snapshot, not after it', async () => {
    const records = await LowdbRecordStore.open(dir);
    await putPartner(records, partner('a'));
    disk.full = true;
    disk.stuck = true;
    try {
      await expect(putPartner(records, partner('lost'))).rejects.toThrow(StoreWriteError);
    } finally {
      disk.full = false;
      disk.stuck = false;
    }
    expect(await readFile(journalOf(sharedFile()), 'utf8')).not.toMatch(/\n$/);
    expect(await partnerIds(records)).toEqual(['a']);
    await putPartner(records, partner('b'));
    expect(await exists(journalOf(sharedFile()))).toBe(false);
    expect(JSON.parse(await readFile(sharedFile(), 'utf8')).partners.map((p: Partner) => p.id)).toEqual(['a', 'b']);
    await putPartner(records, partner('c'));
    await records.close();
    const again = await LowdbRecordStore.open(dir);
    expect(await partnerIds(again)).toEqual(['a', 'b', 'c']);
    await again.close();
  });

  it('a directory in place of the journal fails the append (how the other tests fill the disk)', async () => {
    const records = await LowdbRecordStore.open(dir);
    await mkdir(journalOf(sharedFile()));
    await expect(putPartner(records, partner('lost'))).rejects.toThrow(StoreWriteError);
    expect(await allRecords(records, 'partners')).toEqual([]);
    await rm(journalOf(sharedFile()), { recursive: true });
    await putPartner(records, partner('after'));
    await records.close();
    expect(JSON.parse(await readFile(sharedFile(), 'utf8')).partners.map((p: Partner) => p.id)).toEqual(['after']);
  });

  it('keeps an overwritten value in the journal, but a purge write folds it into the snapshot at once', async () => {
    const records = await LowdbRecordStore.open(dir);
    await putPartner(records, partner('p1', { name: 'Old Name' }));
    await putPartner(records, partner('p1', { name: 'Edited Name' }));
    expect(await readFile(journalOf(sharedFile()), 'utf8')).toContain('Old Name');

    await records.transaction((tx) => tx.put('partners', partner('p1', { name: 'erased' })), { purge: true });
    expect(await exists(journalOf(sharedFile()))).toBe(false);
    const snapshot = await readFile(sharedFile(), 'utf8');
    expect(snapshot).not.toContain('Old Name');
    expect(snapshot).not.toContain('Edited Name');
    expect(JSON.parse(snapshot).partners[0].name).toBe('erased');
    await records.close();
  });

  it('folds a removal into the snapshot at once, so removed data does not stay on disk', async () => {
    const records = await LowdbRecordStore.open(dir);
    await putPartner(records, partner('keep'));
    await putPartner(records, partner('gone', { email: 'secret@example.fi' }));
    expect(await readFile(journalOf(sharedFile()), 'utf8')).toContain('secret@example.fi');
    await records.transaction((tx) => tx.remove('partners', 'gone'));
    expect(await exists(journalOf(sharedFile()))).toBe(false);
    expect(await readFile(sharedFile(), 'utf8')).not.toContain('secret@example.fi');
    expect(JSON.parse(await readFile(sharedFile(), 'utf8')).partners.map((p: Partner) => p.id)).toEqual(['keep']);
    await records.close();
  });

  it('journals role assignments (kept without an id) and job state as whole replacements, which a crash keeps', async () => {
    const records = await LowdbRecordStore.open(dir);
    const admin = { email: 'admin@example.fi', role: 'admin' } as RoleAssignment;
    const editor = { email: 'coordinator@example.fi', role: 'coordinator', office: 'uusimaa' } as RoleAssignment;
    await records.transaction(async (tx) => {
      await tx.put('roleAssignments', { ...admin, id: roleAssignmentId(admin) });
      await tx.put('roleAssignments', { ...editor, id: roleAssignmentId(editor) });
      await tx.setJobState('digest.last', '2027-W10');
    });
    await records.transaction((tx) => tx.setJobState('reminders.last', '2027-03-01'));
    const lines = (await readFile(journalOf(sharedFile()), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toContainEqual({ replace: 'roleAssignments', value: [admin, editor] });
    expect(lines).toContainEqual({ replace: 'jobState', value: { 'digest.last': '2027-W10', 'reminders.last': '2027-03-01' } });
    // Without close(): what a crash leaves behind.
    const onDisk = (await readDocumentFile(sharedFile())) as { roleAssignments: RoleAssignment[]; jobState: Record<string, string> };
    expect(onDisk.roleAssignments).toEqual([admin, editor]);
    expect(onDisk.jobState).toEqual({ 'digest.last': '2027-W10', 'reminders.last': '2027-03-01' });
    await records.close();
  });
});
