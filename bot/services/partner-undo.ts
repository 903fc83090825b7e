// Undo of a partner removal. The removed partner is kept on the server (in
// shared.jobState), never taken back from a card, and only for a while: it is
// personal data of someone no longer in the register.
import type { Partner } from '../domain/types.js';
import type { Store } from '../store/store.js';
import { removePartner, restorePartner, type PartnerResult } from './partners.js';

export const UNDO_HOURS = 24;
const PREFIX = 'removedPartner:';

interface Removed {
  partner: Partner;
  removedAt: string;
}

const keyOf = (partnerId: string) => `${PREFIX}${partnerId}`;

function readRemoved(value: string | undefined): Removed | undefined {
  return value === undefined ? undefined : (JSON.parse(value) as Removed);
}

const expired = (removed: Removed, now: Date) => now.getTime() - Date.parse(removed.removedAt) > UNDO_HOURS * 3600 * 1000;

/** Keeps `partner` for undo and drops the kept partners whose undo time has passed. */
function keep(store: Store, partner: Partner, now: Date): Promise<void> {
  return store.updateShared((data) => {
    for (const [key, value] of Object.entries(data.jobState)) {
      if (key.startsWith(PREFIX) && expired(readRemoved(value)!, now)) delete data.jobState[key];
    }
    data.jobState[keyOf(partner.id)] = JSON.stringify({ partner, removedAt: now.toISOString() } satisfies Removed);
  });
}

/**
 * Removes the partner and keeps a copy for undo. The copy is written first, so a
 * removal the user is told about can always be undone.
 */
export async function removePartnerWithUndo(store: Store, partner: Partner, now: Date): Promise<PartnerResult> {
  await keep(store, partner, now);
  const result = await removePartner(store, partner.id);
  // Edited between the read and the removal: keep what was actually removed.
  if (result.ok && JSON.stringify(result.partner) !== JSON.stringify(partner)) await keep(store, result.partner, now);
  return result;
}

/** The removed partner that can still be restored, if any. */
export function removedPartner(store: Store, partnerId: string, now: Date): Partner | undefined {
  const removed = store.readShared((data) => readRemoved(data.jobState[keyOf(partnerId)]));
  return removed && !expired(removed, now) ? removed.partner : undefined;
}

/** Puts the removed partner back; the undo is used up when it succeeds. */
export async function undoRemoval(store: Store, partner: Partner): Promise<PartnerResult> {
  const result = await restorePartner(store, partner);
  if (result.ok) {
    await store.updateShared((data) => {
      delete data.jobState[keyOf(partner.id)];
    });
  }
  return result;
}
