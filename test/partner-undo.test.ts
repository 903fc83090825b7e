import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePartnerInput } from '../bot/domain/partner-input.js';
import type { Viewer } from '../bot/domain/proposal-rules.js';
import type { Partner } from '../bot/domain/types.js';
import { removedPartner, removePartnerWithUndo, undoRemoval, UNDO_HOURS } from '../bot/services/partner-undo.js';
import { addPartner, listPartners, updatePartner } from '../bot/services/partners.js';
import type { RecordStore } from '../bot/store/records.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

const T0 = new Date('2027-03-01T10:00:00.000Z');
/** Handles every office: the undo's own rules, apart from whose partners these are. */
const ADMIN: Viewer = { role: 'admin', officeId: 'pohjanmaa' };
const hoursAfter = (h: number) => new Date(T0.getTime() + h * 3600 * 1000);

async function add(records: RecordStore, email: string): Promise<Partner> {
  const input = parsePartnerInput(
    { name: 'Matti', organisation: 'Espoo', segment: 'municipalities', officeId: 'uusimaa', email },
    { segments: ['municipalities'], offices: ['uusimaa'] },
  );
  if (!input.ok) throw new Error('bad input');
  const result = await addPartner(records, ADMIN, input.value, T0);
  if (!result.ok) throw new Error(result.code);
  return result.partner;
}

describe('undo of a partner removal', () => {
  let temp: TempRecords;
  let records: RecordStore;
  const partners = () => listPartners(records, { officeIds: ['uusimaa'] });

  beforeEach(async () => {
    temp = await tempRecords();
    records = temp.records;
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('restores the partner as it was, once', async () => {
    const matti = await add(records, 'matti@espoo.fi');
    expect(await removePartnerWithUndo(records, ADMIN, matti.id, T0)).toEqual({ ok: true, partner: matti });
    expect(await partners()).toEqual([]);
    expect(await removedPartner(records, matti.id, hoursAfter(1))).toEqual(matti);

    expect(await undoRemoval(records, ADMIN, matti.id, hoursAfter(1))).toEqual({ ok: true, partner: matti });
    expect(await partners()).toEqual([matti]);
    expect(await removedPartner(records, matti.id, hoursAfter(1))).toBeUndefined();
    // Pressed again: the undo is used up.
    expect(await undoRemoval(records, ADMIN, matti.id, hoursAfter(1))).toEqual({ ok: false, code: 'not-found' });
    expect(await partners()).toEqual([matti]);
  });

  it('keeps what was removed, not an older copy', async () => {
    const matti = await add(records, 'matti@espoo.fi');
    const input = parsePartnerInput({ ...matti, organisation: 'Vantaa' }, { segments: ['municipalities'], offices: ['uusimaa'] });
    if (!input.ok) throw new Error('bad input');
    await updatePartner(records, ADMIN, matti.id, input.value, hoursAfter(1));
    await removePartnerWithUndo(records, ADMIN, matti.id, hoursAfter(2)); // the caller read matti before the edit
    expect((await removedPartner(records, matti.id, hoursAfter(2)))?.organisation).toBe('Vantaa');
  });

  it('cannot be undone after the undo time', async () => {
    const matti = await add(records, 'matti@espoo.fi');
    await removePartnerWithUndo(records, ADMIN, matti.id, T0);
    expect(await removedPartner(records, matti.id, hoursAfter(UNDO_HOURS + 1))).toBeUndefined();
    expect(await undoRemoval(records, ADMIN, matti.id, hoursAfter(UNDO_HOURS + 1))).toEqual({ ok: false, code: 'not-found' });
    expect(await partners()).toEqual([]);
  });

  it('does not restore over a partner who took the e-mail meanwhile', async () => {
    const matti = await add(records, 'matti@espoo.fi');
    await removePartnerWithUndo(records, ADMIN, matti.id, T0);
    const newcomer = await add(records, 'matti@espoo.fi');
    expect(await undoRemoval(records, ADMIN, matti.id, hoursAfter(1))).toEqual({ ok: false, code: 'duplicate-email' });
    expect(await partners()).toEqual([newcomer]);
    expect(await removedPartner(records, matti.id, hoursAfter(1))).toEqual(matti);
  });

  it('refuses another office’s coordinator in the service: the partner is neither removed nor restored by them', async () => {
    const otherOffice: Viewer = { role: 'coordinator', officeId: 'pohjanmaa' };
    const ownOffice: Viewer = { role: 'coordinator', officeId: 'uusimaa' };
    const matti = await add(records, 'matti@espoo.fi');

    expect(await removePartnerWithUndo(records, otherOffice, matti.id, T0)).toEqual({ ok: false, code: 'other-office' });
    expect(await partners()).toEqual([matti]);
    expect(await removedPartner(records, matti.id, T0)).toBeUndefined();

    expect(await removePartnerWithUndo(records, ownOffice, matti.id, T0)).toEqual({ ok: true, partner: matti });
    expect(await undoRemoval(records, otherOffice, matti.id, hoursAfter(1))).toEqual({ ok: false, code: 'other-office' });
    expect(await partners()).toEqual([]);
    // The undo is still there for the partner's own office.
    expect(await removedPartner(records, matti.id, hoursAfter(1))).toEqual(matti);
    expect(await undoRemoval(records, ownOffice, matti.id, hoursAfter(1))).toEqual({ ok: true, partner: matti });
    expect(await partners()).toEqual([matti]);
  });
});
