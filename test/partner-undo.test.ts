import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePartnerInput } from '../bot/domain/partner-input.js';
import type { Partner } from '../bot/domain/types.js';
import { removedPartner, removePartnerWithUndo, undoRemoval, UNDO_HOURS } from '../bot/services/partner-undo.js';
import { addPartner, updatePartner } from '../bot/services/partners.js';
import { LowdbStore } from '../bot/store/lowdb-store.js';

const T0 = new Date('2027-03-01T10:00:00.000Z');
const hoursAfter = (h: number) => new Date(T0.getTime() + h * 3600 * 1000);

async function add(store: LowdbStore, email: string): Promise<Partner> {
  const input = parsePartnerInput(
    { name: 'Matti', organisation: 'Espoo', segment: 'municipalities', officeId: 'uusimaa', email },
    { segments: ['municipalities'], offices: ['uusimaa'] },
  );
  if (!input.ok) throw new Error('bad input');
  const result = await addPartner(store, input.value, T0);
  if (!result.ok) throw new Error(result.code);
  return result.partner;
}

describe('undo of a partner removal', () => {
  let dir: string;
  let store: LowdbStore;
  const kept = () => store.readShared((d) => Object.keys(d.jobState).filter((k) => k.startsWith('removedPartner:')));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-undo-'));
    store = await LowdbStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('restores the partner as it was, once', async () => {
    const matti = await add(store, 'matti@espoo.fi');
    expect(await removePartnerWithUndo(store, matti, T0)).toEqual({ ok: true, partner: matti });
    expect(store.readShared((d) => d.partners)).toEqual([]);
    expect(removedPartner(store, matti.id, hoursAfter(1))).toEqual(matti);

    expect(await undoRemoval(store, matti)).toEqual({ ok: true, partner: matti });
    expect(store.readShared((d) => d.partners)).toEqual([matti]);
    expect(removedPartner(store, matti.id, hoursAfter(1))).toBeUndefined();
    expect(kept()).toEqual([]);
  });

  it('keeps what was removed, not an older copy', async () => {
    const matti = await add(store, 'matti@espoo.fi');
    const input = parsePartnerInput({ ...matti, organisation: 'Vantaa' }, { segments: ['municipalities'], offices: ['uusimaa'] });
    if (!input.ok) throw new Error('bad input');
    await updatePartner(store, matti.id, input.value, hoursAfter(1));
    await removePartnerWithUndo(store, matti, hoursAfter(2)); // the caller read matti before the edit
    expect(removedPartner(store, matti.id, hoursAfter(2))?.organisation).toBe('Vantaa');
  });

  it('forgets a removed partner after the undo time, at the next removal', async () => {
    const matti = await add(store, 'matti@espoo.fi');
    const liisa = await add(store, 'liisa@espoo.fi');
    await removePartnerWithUndo(store, matti, T0);
    expect(removedPartner(store, matti.id, hoursAfter(UNDO_HOURS + 1))).toBeUndefined();
    await removePartnerWithUndo(store, liisa, hoursAfter(UNDO_HOURS + 1));
    expect(kept()).toEqual([`removedPartner:${liisa.id}`]);
  });

  it('does not restore over a partner who took the e-mail meanwhile', async () => {
    const matti = await add(store, 'matti@espoo.fi');
    await removePartnerWithUndo(store, matti, T0);
    const newcomer = await add(store, 'matti@espoo.fi');
    expect(await undoRemoval(store, matti)).toEqual({ ok: false, code: 'duplicate-email' });
    expect(store.readShared((d) => d.partners)).toEqual([newcomer]);
    expect(removedPartner(store, matti.id, hoursAfter(1))).toEqual(matti);
  });
});
