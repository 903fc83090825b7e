import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePartnerCsv } from '../bot/domain/partner-csv.js';
import { parsePartnerInput, type PartnerInput } from '../bot/domain/partner-input.js';
import type { Locale, Partner } from '../bot/domain/types.js';
import {
  addPartner,
  importPartners,
  listPartners,
  removePartner,
  restorePartner,
  updatePartner,
  type PartnerResult,
} from '../bot/services/partners.js';
import { LowdbStore } from '../bot/store/lowdb-store.js';
import { StoreWriteError } from '../bot/store/store.js';
import { valueOf } from './harness/parse-results.js';
import { readDataFile } from './harness/data-files.js';

const ctx = { segments: ['municipalities', 'debt-counsellors'], offices: ['uusimaa', 'pohjanmaa'], defaultOffice: 'uusimaa' };
const officeLanguage = (officeId: string): Locale => (officeId === 'pohjanmaa' ? 'sv' : 'fi');
const T0 = new Date('2027-01-10T08:00:00.000Z');
const T1 = new Date('2027-02-01T09:30:00.000Z');
const AAD = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

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

describe('partner register', () => {
  let dir: string;
  let store: LowdbStore;
  const emails = () => store.readShared((d) => d.partners.map((p) => p.email));
  const onDisk = async (): Promise<Partner[]> => (await readDataFile(join(dir, 'shared.json'))).partners;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-partners-'));
    store = await LowdbStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('addPartner', () => {
    it('stores the partner with an id and timestamps, on disk when it resolves', async () => {
      const partner = added(await addPartner(store, input({ aadObjectId: AAD, locale: 'sv' }), T0));
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
      await addPartner(store, input({ aadObjectId: AAD }), T0);
      expect(await addPartner(store, input({ name: 'Other', email: 'MATTI@Espoo.fi' }), T1)).toEqual({ ok: false, code: 'duplicate-email' });
      expect(await addPartner(store, input({ email: 'other@espoo.fi', aadObjectId: AAD }), T1)).toEqual({
        ok: false,
        code: 'duplicate-aad-object-id',
      });
      expect(emails()).toEqual(['matti@espoo.fi']);
      expect((await onDisk()).map((p) => p.name)).toEqual(['Matti Meikäläinen']);
    });
  });

  describe('updatePartner', () => {
    it('replaces the data, keeping the id and creation time', async () => {
      const matti = added(await addPartner(store, input({ aadObjectId: AAD }), T0));
      // A blank Teams identity on the card clears it.
      const edited = input({ organisation: 'Vantaan kaupunki', locale: 'en', aadObjectId: '' });
      const updated = added(await updatePartner(store, matti.id, edited, T1));
      const { aadObjectId: _cleared, ...rest } = matti;
      expect(updated).toStrictEqual({ ...rest, organisation: 'Vantaan kaupunki', locale: 'en', updatedAt: '2027-02-01T09:30:00.000Z' });
      expect(await onDisk()).toEqual([updated]);
    });

    it('keeps updatedAt when nothing changed', async () => {
      const matti = added(await addPartner(store, input({}), T0));
      expect(await updatePartner(store, matti.id, input({}), T1)).toEqual({ ok: true, partner: matti });
    });

    it('answers not-found for an unknown id', async () => {
      expect(await updatePartner(store, 'nobody', input({}), T1)).toEqual({ ok: false, code: 'not-found' });
      expect(emails()).toEqual([]);
    });

    it('refuses an e-mail another partner has, but not the partner’s own in another case', async () => {
      const matti = added(await addPartner(store, input({}), T0));
      await addPartner(store, input({ name: 'Liisa', email: 'liisa@espoo.fi' }), T0);
      expect(await updatePartner(store, matti.id, input({ email: 'Liisa@espoo.fi' }), T1)).toEqual({ ok: false, code: 'duplicate-email' });
      expect(emails()).toEqual(['matti@espoo.fi', 'liisa@espoo.fi']);
      expect(added(await updatePartner(store, matti.id, input({ email: 'MATTI@espoo.fi', name: 'Matti M.' }), T1)).name).toBe('Matti M.');
    });
  });

  describe('removePartner and restorePartner', () => {
    it('removes a partner and puts it back as it was', async () => {
      const matti = added(await addPartner(store, input({}), T0));
      const removed = added(await removePartner(store, matti.id));
      expect(removed).toEqual(matti);
      expect(await onDisk()).toEqual([]);
      expect(await removePartner(store, matti.id)).toEqual({ ok: false, code: 'not-found' });

      expect(await restorePartner(store, removed)).toEqual({ ok: true, partner: matti });
      expect(await onDisk()).toEqual([matti]);
      // Undo pressed twice: still one partner.
      expect(await restorePartner(store, removed)).toEqual({ ok: true, partner: matti });
      expect(emails()).toEqual(['matti@espoo.fi']);
    });

    it('does not restore a partner whose e-mail was registered again meanwhile', async () => {
      const matti = added(await addPartner(store, input({}), T0));
      const removed = added(await removePartner(store, matti.id));
      const again = added(await addPartner(store, input({ name: 'Matti again' }), T1));
      expect(await restorePartner(store, removed)).toEqual({ ok: false, code: 'duplicate-email' });
      expect(await onDisk()).toEqual([again]);
    });
  });

  describe('listPartners', () => {
    it('filters by office and segment and sorts by segment, organisation and name in Finnish order', async () => {
      const add = (name: string, organisation: string, segment: string, officeId = 'uusimaa') =>
        addPartner(store, input({ name, organisation, segment, officeId, email: `${name.toLowerCase()}@example.fi` }), T0);
      await add('Pekka', 'Ähtärin kunta', 'municipalities');
      await add('Aino', 'Takuusäätiö', 'debt-counsellors');
      await add('Veera', 'Espoon kaupunki', 'municipalities');
      await add('Eero', 'Espoon kaupunki', 'municipalities');
      await add('Olli', 'Åbo stad', 'municipalities');
      await add('Sanna', 'Vaasan kaupunki', 'municipalities', 'pohjanmaa');
      const names = (filter?: { officeId?: string; segment?: string }) => listPartners(store, filter).map((p) => p.name);

      // Finnish alphabet: … Z, Å, Ä, Ö.
      expect(names()).toEqual(['Aino', 'Eero', 'Veera', 'Sanna', 'Olli', 'Pekka']);
      expect(names({ officeId: 'uusimaa' })).toEqual(['Aino', 'Eero', 'Veera', 'Olli', 'Pekka']);
      expect(names({ officeId: 'uusimaa', segment: 'debt-counsellors' })).toEqual(['Aino']);
      expect(names({ segment: 'municipalities', officeId: 'pohjanmaa' })).toEqual(['Sanna']);
    });

    it('returns copies, so a caller cannot change the register by accident', async () => {
      await addPartner(store, input({}), T0);
      listPartners(store)[0].name = 'Changed';
      expect(listPartners(store)[0].name).toBe('Matti Meikäläinen');
    });
  });

  describe('importPartners', () => {
    let matti: Partner;
    let liisa: Partner;
    let sanna: Partner;
    beforeEach(async () => {
      matti = added(await addPartner(store, input({ locale: 'sv', aadObjectId: AAD }), T0));
      liisa = added(await addPartner(store, input({ name: 'Liisa Virtanen', organisation: 'Takuusäätiö', segment: 'debt-counsellors', email: 'liisa@takuu.fi' }), T0));
      sanna = added(await addPartner(store, input({ name: 'Sanna', organisation: 'Vaasan kaupunki', officeId: 'pohjanmaa', email: 'sanna@vaasa.fi' }), T0));
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
      expect(await importPartners(store, parsed.rows, T1, officeLanguage)).toStrictEqual([
        { line: 2, status: 'added', email: 'pekka@vantaa.fi' },
        { line: 3, status: 'updated', email: 'matti@espoo.fi' },
        { line: 4, status: 'unchanged', email: 'liisa@takuu.fi' },
        { line: 5, status: 'rejected', email: 'sanna@vaasa.fi', errors: [{ field: 'email', code: 'other-office', params: { office: 'pohjanmaa' } }] },
        { line: 6, status: 'rejected', email: 'kalle(at)kela.fi', errors: [{ field: 'email', code: 'invalid-email' }] },
        { line: 7, status: 'rejected', email: 'anna@pankki.fi', errors: [{ field: 'segment', code: 'unknown-segment', params: { value: 'banks' } }] },
        { line: 8, status: 'rejected', email: 'pekka@vantaa.fi', errors: [{ field: 'email', code: 'duplicate-in-file', params: { line: 2 } }] },
      ]);

      const byEmail = new Map(listPartners(store).map((p) => [p.email, p]));
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

    it('saves all accepted rows in one write', async () => {
      const updateShared = vi.spyOn(store, 'updateShared');
      await importPartners(store, parsePartnerCsv(csv, ctx).rows, T1, officeLanguage);
      expect(updateShared).toHaveBeenCalledTimes(1);
      await store.close();

      store = await LowdbStore.open(dir);
      expect(listPartners(store).map((p) => [p.email, p.organisation])).toEqual([
        ['liisa@takuu.fi', 'Takuusäätiö'],
        ['matti@espoo.fi', 'Espoon kaupunki, sosiaalitoimi'],
        ['sanna@vaasa.fi', 'Vaasan kaupunki'],
        ['pekka@vantaa.fi', 'Vantaan kaupunki'],
      ]);
    });

    it('saves none of the rows when the write fails', async () => {
      const before = await onDisk();
      // A directory where the journal should go makes the append fail like a full disk would.
      await store.close();
      store = await LowdbStore.open(dir);
      await mkdir(join(dir, 'shared.json.journal'));
      await expect(importPartners(store, parsePartnerCsv(csv, ctx).rows, T1, officeLanguage)).rejects.toThrow(StoreWriteError);
      expect(store.readShared((d) => d.partners)).toEqual(before);
      expect(await onDisk()).toEqual(before);
      await rm(join(dir, 'shared.json.journal'), { recursive: true });
    });

    it('updates the language and Teams identity when the file has them', async () => {
      const other = '8c6f3a1e-1b2d-4c3e-9f4a-5b6c7d8e9f01';
      const file = `name,organisation,segment,email,language,aad\nMatti Meikäläinen,Espoon kaupunki,municipalities,matti@espoo.fi,en,${other}\n`;
      expect(await importPartners(store, parsePartnerCsv(file, ctx).rows, T1, officeLanguage)).toEqual([
        { line: 2, status: 'updated', email: 'matti@espoo.fi' },
      ]);
      expect(listPartners(store).find((p) => p.id === matti.id)).toMatchObject({ locale: 'en', aadObjectId: other });
    });

    it('gives a new partner without a language the language of their office', async () => {
      const file = 'name,organisation,segment,email,office,language\nEva,Vasa stad,municipalities,eva@vasa.fi,pohjanmaa,\nOlli,Oulu,municipalities,olli@oulu.fi,pohjanmaa,en\nUrho,Espoo,municipalities,urho@espoo.fi,uusimaa,';
      await importPartners(store, parsePartnerCsv(file, ctx).rows, T1, officeLanguage);
      const localeOf = (email: string) => listPartners(store).find((p) => p.email === email)?.locale;
      expect([localeOf('eva@vasa.fi'), localeOf('olli@oulu.fi'), localeOf('urho@espoo.fi')]).toEqual(['sv', 'en', 'fi']);
    });

    it('rejects a row whose Teams identity another partner has', async () => {
      const file = `name,organisation,segment,email,aad\nUusi,Espoo,municipalities,uusi@espoo.fi,${AAD}\nLiisa Virtanen,Takuusäätiö,debt-counsellors,liisa@takuu.fi,${AAD}`;
      expect(await importPartners(store, parsePartnerCsv(file, ctx).rows, T1, officeLanguage)).toEqual([
        { line: 2, status: 'rejected', email: 'uusi@espoo.fi', errors: [{ field: 'aadObjectId', code: 'duplicate-aad-object-id' }] },
        { line: 3, status: 'rejected', email: 'liisa@takuu.fi', errors: [{ field: 'aadObjectId', code: 'duplicate-aad-object-id' }] },
      ]);
      expect(emails()).toEqual(['matti@espoo.fi', 'liisa@takuu.fi', 'sanna@vaasa.fi']);
      expect(store.readShared((d) => d.partners.find((p) => p.id === liisa.id))).toStrictEqual(liisa);
    });
  });
});
