import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePartnerCsv } from '../bot/domain/partner-csv.js';
import { parsePartnerInput, type PartnerInput } from '../bot/domain/partner-input.js';
import type { Viewer } from '../bot/domain/proposal-rules.js';
import type { Locale, Partner } from '../bot/domain/types.js';
import {
  addPartner,
  IMPORT_CHUNK_ROWS,
  importPartners,
  listPartners,
  partnerToChange,
  removePartner,
  restorePartner,
  updatePartner,
  type PartnerResult,
} from '../bot/services/partners.js';
import type { RecordStore } from '../bot/store/records.js';
import { StoreWriteError } from '../bot/store/store.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';
import { valueOf } from './harness/parse-results.js';
import { readDataFile } from './harness/data-files.js';

const ctx = { segments: ['municipalities', 'debt-counsellors'], offices: ['uusimaa', 'pohjanmaa'], defaultOffice: 'uusimaa' };
const officeLanguage = (officeId: string): Locale => (officeId === 'pohjanmaa' ? 'sv' : 'fi');
const T0 = new Date('2027-01-10T08:00:00.000Z');
const T1 = new Date('2027-02-01T09:30:00.000Z');
const AAD = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
/** Handles every office: the register's own rules, apart from whose partners these are. */
const ADMIN: Viewer = { role: 'admin', officeId: 'uusimaa' };

/** Validated as the card would be. */
function input(fields: Partial<Record<keyof PartnerInput, string>>): PartnerInput {
  return valueOf(
    parsePartnerInput(
      { name: 'Matti Meikäläinen', organisation: 'Espoon kaupunki', segment: 'municipalities', officeId: 'uusimaa', email: 'matti@espoo.fi', ...fields },
      ctx,
    ),
  );
}

function added(result: PartnerResult): Partner {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}`);
  return result.partner;
}

const OFFICES = { officeIds: ctx.offices };

/**
 * The RecordStore as another instance's add would leave it: the first
 * transaction does not see the partner with `email` (it was added after the
 * read), so its write meets the unique constraint instead.
 */
function blindOnceTo(records: RecordStore, email: string): RecordStore {
  let blind = true;
  return Object.assign(Object.create(records) as RecordStore, {
    transaction: <T>(work: Parameters<RecordStore['transaction']>[0]) =>
      records.transaction((tx) => {
        if (!blind) return work(tx) as Promise<T>;
        blind = false;
        const findBy: typeof tx.findBy = async (kind, index, key) => (index === 'email' && key === email ? [] : tx.findBy(kind, index, key));
        return work(Object.assign(Object.create(tx), { findBy })) as Promise<T>;
      }),
  });
}

describe('partner register', () => {
  let temp: TempRecords;
  let dir: string;
  let records: RecordStore;
  const all = () => listPartners(records, OFFICES);
  const onDisk = async (): Promise<Partner[]> => (await readDataFile(join(dir, 'shared.json'))).partners;
  /** In the order added. */
  const emails = async () => (await onDisk()).map((p) => p.email);

  beforeEach(async () => {
    temp = await tempRecords();
    ({ dir, records } = temp);
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  describe('addPartner', () => {
    it('stores the partner with an id and timestamps, on disk when it resolves', async () => {
      const partner = added(await addPartner(records, ADMIN, input({ aadObjectId: AAD, locale: 'sv' }), T0));
      expect(partner).toStrictEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Matti Meikäläinen',
        organisation: 'Espoon kaupunki',
        segment: 'municipalities',
        officeId: 'uusimaa',
        email: 'matti@espoo.fi',
        aadObjectId: AAD,
        locale: 'sv',
        createdAt: '2027-01-10T08:00:00.000Z',
        updatedAt: '2027-01-10T08:00:00.000Z',
      });
      expect(await onDisk()).toEqual([partner]);
    });

    it('refuses an e-mail or Teams identity another partner has, and changes nothing', async () => {
      await addPartner(records, ADMIN, input({ aadObjectId: AAD }), T0);
      expect(await addPartner(records, ADMIN, input({ name: 'Other', email: 'MATTI@Espoo.fi' }), T1)).toEqual({ ok: false, code: 'duplicate-email' });
      expect(await addPartner(records, ADMIN, input({ email: 'other@espoo.fi', aadObjectId: AAD }), T1)).toEqual({
        ok: false,
        code: 'duplicate-aad-object-id',
      });
      expect(await emails()).toEqual(['matti@espoo.fi']);
      expect((await onDisk()).map((p) => p.name)).toEqual(['Matti Meikäläinen']);
    });

    it('answers duplicate-email when another instance added the e-mail between the check and the write', async () => {
      const matti = added(await addPartner(records, ADMIN, input({}), T0));
      expect(await addPartner(blindOnceTo(records, 'matti@espoo.fi'), ADMIN, input({ name: 'Other' }), T1)).toEqual({ ok: false, code: 'duplicate-email' });
      expect(await onDisk()).toEqual([matti]);
    });
  });

  describe('updatePartner', () => {
    it('replaces the data, keeping the id and creation time', async () => {
      const matti = added(await addPartner(records, ADMIN, input({ aadObjectId: AAD }), T0));
      // A blank Teams identity on the card clears it.
      const edited = input({ organisation: 'Vantaan kaupunki', locale: 'en', aadObjectId: '' });
      const updated = added(await updatePartner(records, ADMIN, matti.id, edited, T1));
      const { aadObjectId: _cleared, ...rest } = matti;
      expect(updated).toStrictEqual({ ...rest, organisation: 'Vantaan kaupunki', locale: 'en', updatedAt: '2027-02-01T09:30:00.000Z' });
      expect(await onDisk()).toEqual([updated]);
    });

    it('keeps updatedAt when nothing changed', async () => {
      const matti = added(await addPartner(records, ADMIN, input({}), T0));
      expect(await updatePartner(records, ADMIN, matti.id, input({}), T1)).toEqual({ ok: true, partner: matti });
    });

    it('answers not-found for an unknown id', async () => {
      expect(await updatePartner(records, ADMIN, 'nobody', input({}), T1)).toEqual({ ok: false, code: 'not-found' });
      expect(await emails()).toEqual([]);
    });

    it('refuses an e-mail another partner has, but not the partner’s own in another case', async () => {
      const matti = added(await addPartner(records, ADMIN, input({}), T0));
      await addPartner(records, ADMIN, input({ name: 'Liisa', email: 'liisa@espoo.fi' }), T0);
      expect(await updatePartner(records, ADMIN, matti.id, input({ email: 'Liisa@espoo.fi' }), T1)).toEqual({ ok: false, code: 'duplicate-email' });
      expect(await emails()).toEqual(['matti@espoo.fi', 'liisa@espoo.fi']);
      expect(added(await updatePartner(records, ADMIN, matti.id, input({ email: 'MATTI@espoo.fi', name: 'Matti M.' }), T1)).name).toBe('Matti M.');
    });
  });

  describe('removePartner and restorePartner', () => {
    it('removes a partner and puts it back as it was', async () => {
      const matti = added(await addPartner(records, ADMIN, input({}), T0));
      const removed = added(await records.transaction((tx) => removePartner(tx, matti.id)));
      expect(removed).toEqual(matti);
      expect(await onDisk()).toEqual([]);
      expect(await records.transaction((tx) => removePartner(tx, matti.id))).toEqual({ ok: false, code: 'not-found' });

      expect(await records.transaction((tx) => restorePartner(tx, removed))).toEqual({ ok: true, partner: matti });
      expect(await onDisk()).toEqual([matti]);
      // Undo pressed twice: still one partner.
      expect(await records.transaction((tx) => restorePartner(tx, removed))).toEqual({ ok: true, partner: matti });
      expect(await emails()).toEqual(['matti@espoo.fi']);
    });

    it('does not restore a partner whose e-mail was registered again meanwhile', async () => {
      const matti = added(await addPartner(records, ADMIN, input({}), T0));
      const removed = added(await records.transaction((tx) => removePartner(tx, matti.id)));
      const again = added(await addPartner(records, ADMIN, input({ name: 'Matti again' }), T1));
      expect(await records.transaction((tx) => restorePartner(tx, removed))).toEqual({ ok: false, code: 'duplicate-email' });
      expect(await onDisk()).toEqual([again]);
    });
  });

  describe('another office’s partners', () => {
    const UUSIMAA: Viewer = { role: 'coordinator', officeId: 'uusimaa' };
    const POHJANMAA: Viewer = { role: 'coordinator', officeId: 'pohjanmaa' };

    it('are found for their own office’s coordinator and refused to another office’s and to national staff', async () => {
      const matti = added(await addPartner(records, UUSIMAA, input({}), T0));
      expect(await partnerToChange(records, UUSIMAA, matti.id)).toEqual({ ok: true, partner: matti });
      expect(await partnerToChange(records, ADMIN, matti.id)).toEqual({ ok: true, partner: matti });
      expect(await partnerToChange(records, POHJANMAA, matti.id)).toEqual({ ok: false, code: 'other-office' });
      expect(await partnerToChange(records, { role: 'national', officeId: 'uusimaa' }, matti.id)).toEqual({ ok: false, code: 'other-office' });
      expect(await partnerToChange(records, UUSIMAA, 'nobody')).toEqual({ ok: false, code: 'not-found' });
    });

    it('cannot be added, edited or moved by a coordinator of another office: the service refuses and nothing changes', async () => {
      expect(await addPartner(records, POHJANMAA, input({}), T0)).toEqual({ ok: false, code: 'other-office' });
      expect(await onDisk()).toEqual([]);

      const matti = added(await addPartner(records, UUSIMAA, input({}), T0));
      expect(await updatePartner(records, POHJANMAA, matti.id, input({ name: 'Changed' }), T1)).toEqual({ ok: false, code: 'other-office' });
      // Nor can the own office's coordinator hand the partner to another office.
      expect(await updatePartner(records, UUSIMAA, matti.id, input({ officeId: 'pohjanmaa' }), T1)).toEqual({ ok: false, code: 'other-office' });
      expect(await onDisk()).toEqual([matti]);

      // An admin moves partners between offices.
      expect(added(await updatePartner(records, ADMIN, matti.id, input({ officeId: 'pohjanmaa' }), T1)).officeId).toBe('pohjanmaa');
    });
  });

  describe('listPartners', () => {
    it('filters by office and segment and sorts by segment, organisation and name in Finnish order', async () => {
      const add = (name: string, organisation: string, segment: string, officeId = 'uusimaa') =>
        addPartner(records, ADMIN, input({ name, organisation, segment, officeId, email: `${name.toLowerCase()}@example.fi` }), T0);
      await add('Pekka', 'Ähtärin kunta', 'municipalities');
      await add('Aino', 'Takuusäätiö', 'debt-counsellors');
      await add('Veera', 'Espoon kaupunki', 'municipalities');
      await add('Eero', 'Espoon kaupunki', 'municipalities');
      await add('Olli', 'Åbo stad', 'municipalities');
      await add('Sanna', 'Vaasan kaupunki', 'municipalities', 'pohjanmaa');
      const names = async (filter: { officeIds: string[]; segment?: string }) => (await listPartners(records, filter)).map((p) => p.name);

      // Finnish alphabet: … Z, Å, Ä, Ö.
      expect(await names({ officeIds: ['uusimaa', 'pohjanmaa'] })).toEqual(['Aino', 'Eero', 'Veera', 'Sanna', 'Olli', 'Pekka']);
      expect(await names({ officeIds: ['uusimaa'] })).toEqual(['Aino', 'Eero', 'Veera', 'Olli', 'Pekka']);
      expect(await names({ officeIds: ['uusimaa'], segment: 'debt-counsellors' })).toEqual(['Aino']);
      expect(await names({ segment: 'municipalities', officeIds: ['pohjanmaa'] })).toEqual(['Sanna']);
    });

    it('returns copies, so a caller cannot change the register by accident', async () => {
      await addPartner(records, ADMIN, input({}), T0);
      (await all())[0].name = 'Changed';
      expect((await all())[0].name).toBe('Matti Meikäläinen');
    });
  });

  describe('importPartners', () => {
    let matti: Partner;
    let liisa: Partner;
    let sanna: Partner;
    beforeEach(async () => {
      matti = added(await addPartner(records, ADMIN, input({ locale: 'sv', aadObjectId: AAD }), T0));
      liisa = added(await addPartner(records, ADMIN, input({ name: 'Liisa Virtanen', organisation: 'Takuusäätiö', segment: 'debt-counsellors', email: 'liisa@takuu.fi' }), T0));
      sanna = added(await addPartner(records, ADMIN, input({ name: 'Sanna', organisation: 'Vaasan kaupunki', officeId: 'pohjanmaa', email: 'sanna@vaasa.fi' }), T0));
    });

    const csv = [
      '\uFEFFNimi;Organisaatio;Segmentti;Sähköposti',
      'Pekka Uusi;Vantaan kaupunki;municipalities;Pekka@Vantaa.fi', // 2 new
      'Matti Meikäläinen;Espoon kaupunki, sosiaalitoimi;municipalities;MATTI@espoo.fi', // 3 changed organisation
      'Liisa Virtanen;Takuusäätiö;debt-counsellors;liisa@takuu.fi', // 4 same data
      'Sanna;Vaasan kaupunki;municipalities;sanna@vaasa.fi', // 5 another office's partner
      'Kalle;Kela;municipalities;kalle(at)kela.fi', // 6 bad e-mail
      'Anna;Pankki;banks;anna@pankki.fi', // 7 unknown segment
      'Pekka Toinen;Vantaa;municipalities;pekka@vantaa.fi', // 8 duplicate of line 2
    ].join('\r\n');

    it('reports row by row what was added, updated, unchanged or rejected and why', async () => {
      const parsed = parsePartnerCsv(csv, ctx);
      expect(parsed.fatal).toBeUndefined();
      expect(await importPartners(records, parsed.rows, T1, officeLanguage)).toStrictEqual([
        { line: 2, status: 'added', email: 'pekka@vantaa.fi' },
        { line: 3, status: 'updated', email: 'matti@espoo.fi' },
        { line: 4, status: 'unchanged', email: 'liisa@takuu.fi' },
        { line: 5, status: 'rejected', email: 'sanna@vaasa.fi', errors: [{ field: 'email', code: 'other-office', params: { office: 'pohjanmaa' } }] },
        { line: 6, status: 'rejected', email: 'kalle(at)kela.fi', errors: [{ field: 'email', code: 'invalid-email' }] },
        { line: 7, status: 'rejected', email: 'anna@pankki.fi', errors: [{ field: 'segment', code: 'unknown-segment', params: { value: 'banks' } }] },
        { line: 8, status: 'rejected', email: 'pekka@vantaa.fi', errors: [{ field: 'email', code: 'duplicate-in-file', params: { line: 2 } }] },
      ]);

      const byEmail = new Map((await all()).map((p) => [p.email, p]));
      expect([...byEmail.keys()].sort()).toEqual(['liisa@takuu.fi', 'matti@espoo.fi', 'pekka@vantaa.fi', 'sanna@vaasa.fi']);
      expect(byEmail.get('pekka@vantaa.fi')).toMatchObject({
        name: 'Pekka Uusi',
        officeId: 'uusimaa',
        locale: 'fi',
        createdAt: T1.toISOString(),
        updatedAt: T1.toISOString(),
      });
      // Without language and Teams identity columns the partner keeps both.
      expect(byEmail.get('matti@espoo.fi')).toStrictEqual({
        ...matti,
        organisation: 'Espoon kaupunki, sosiaalitoimi',
        updatedAt: T1.toISOString(),
      });
      // Unchanged and rejected rows changed nothing.
      expect(byEmail.get('liisa@takuu.fi')).toStrictEqual(liisa);
      expect(byEmail.get('sanna@vaasa.fi')).toStrictEqual(sanna);
    });

    it('saves the accepted rows of a small file in one transaction, all of them there after a restart', async () => {
      const transaction = vi.spyOn(records, 'transaction');
      await importPartners(records, parsePartnerCsv(csv, ctx).rows, T1, officeLanguage);
      expect(transaction).toHaveBeenCalledTimes(1);

      temp = await temp.reopen();
      records = temp.records;
      expect((await all()).map((p) => [p.email, p.organisation])).toEqual([
        ['liisa@takuu.fi', 'Takuusäätiö'],
        ['matti@espoo.fi', 'Espoon kaupunki, sosiaalitoimi'],
        ['sanna@vaasa.fi', 'Vaasan kaupunki'],
        ['pekka@vantaa.fi', 'Vantaan kaupunki'],
      ]);
    });

    it('saves none of the rows when the write fails', async () => {
      const before = await onDisk();
      // A directory where the journal should go makes the append fail like a full disk would.
      temp = await temp.reopen();
      records = temp.records;
      await mkdir(join(dir, 'shared.json.journal'));
      await expect(importPartners(records, parsePartnerCsv(csv, ctx).rows, T1, officeLanguage)).rejects.toThrow(StoreWriteError);
      expect(await all()).toEqual(expect.arrayContaining(before));
      expect(await all()).toHaveLength(before.length);
      expect(await onDisk()).toEqual(before);
      await rm(join(dir, 'shared.json.journal'), { recursive: true });
    });

    it('writes a large file in transactions of a bounded number of rows; importing it again changes nothing', async () => {
      const rowCount = 2 * IMPORT_CHUNK_ROWS + 10;
      const lines = Array.from({ length: rowCount }, (_, i) => `Person ${i};Espoo;municipalities;person${i}@espoo.fi`);
      const file = ['name;organisation;segment;email', ...lines].join('\n');
      const transaction = vi.spyOn(records, 'transaction');
      const first = await importPartners(records, parsePartnerCsv(file, ctx).rows, T1, officeLanguage);
      expect(transaction).toHaveBeenCalledTimes(3);
      expect(first.map((r) => r.status)).toEqual(Array(rowCount).fill('added'));
      expect(first.map((r) => r.line)).toEqual(lines.map((_, i) => i + 2));

      // A retry (say, after a failure in a later chunk) finds the rows already there.
      const again = await importPartners(records, parsePartnerCsv(file, ctx).rows, T1, officeLanguage);
      expect(again.map((r) => r.status)).toEqual(Array(rowCount).fill('unchanged'));
      expect(await onDisk()).toHaveLength(rowCount + 3);
    });

    it('reads a chunk again when another instance added one of its e-mails meanwhile', async () => {
      const file = 'name;organisation;segment;email\nLiisa Virtanen;Takuusäätiö;debt-counsellors;liisa@takuu.fi\nPekka;Vantaa;municipalities;pekka@vantaa.fi';
      const rows = await importPartners(blindOnceTo(records, 'liisa@takuu.fi'), parsePartnerCsv(file, ctx).rows, T1, officeLanguage);
      expect(rows).toEqual([
        { line: 2, status: 'unchanged', email: 'liisa@takuu.fi' },
        { line: 3, status: 'added', email: 'pekka@vantaa.fi' },
      ]);
      expect(await emails()).toEqual(['matti@espoo.fi', 'liisa@takuu.fi', 'sanna@vaasa.fi', 'pekka@vantaa.fi']);
    });

    it('updates the language and Teams identity when the file has them', async () => {
      const other = '8c6f3a1e-1b2d-4c3e-9f4a-5b6c7d8e9f01';
      const file = `name,organisation,segment,email,language,aad\nMatti Meikäläinen,Espoon kaupunki,municipalities,matti@espoo.fi,en,${other}\n`;
      expect(await importPartners(records, parsePartnerCsv(file, ctx).rows, T1, officeLanguage)).toEqual([
        { line: 2, status: 'updated', email: 'matti@espoo.fi' },
      ]);
      expect((await all()).find((p) => p.id === matti.id)).toMatchObject({ locale: 'en', aadObjectId: other });
    });

    it('gives a new partner without a language the language of their office', async () => {
      const file = 'name,organisation,segment,email,office,language\nEva,Vasa stad,municipalities,eva@vasa.fi,pohjanmaa,\nOlli,Oulu,municipalities,olli@oulu.fi,pohjanmaa,en\nUrho,Espoo,municipalities,urho@espoo.fi,uusimaa,';
      await importPartners(records, parsePartnerCsv(file, ctx).rows, T1, officeLanguage);
      const localeOf = async (email: string) => (await all()).find((p) => p.email === email)?.locale;
      expect([await localeOf('eva@vasa.fi'), await localeOf('olli@oulu.fi'), await localeOf('urho@espoo.fi')]).toEqual(['sv', 'en', 'fi']);
    });

    it('rejects a row whose Teams identity another partner has', async () => {
      const file = `name,organisation,segment,email,aad\nUusi,Espoo,municipalities,uusi@espoo.fi,${AAD}\nLiisa Virtanen,Takuusäätiö,debt-counsellors,liisa@takuu.fi,${AAD}`;
      expect(await importPartners(records, parsePartnerCsv(file, ctx).rows, T1, officeLanguage)).toEqual([
        { line: 2, status: 'rejected', email: 'uusi@espoo.fi', errors: [{ field: 'aadObjectId', code: 'duplicate-aad-object-id' }] },
        { line: 3, status: 'rejected', email: 'liisa@takuu.fi', errors: [{ field: 'aadObjectId', code: 'duplicate-aad-object-id' }] },
      ]);
      expect(await emails()).toEqual(['matti@espoo.fi', 'liisa@takuu.fi', 'sanna@vaasa.fi']);
      expect(await records.get('partners', liisa.id)).toStrictEqual(liisa);
    });
  });
});
