// Undo of a partner removal. The removed partner is kept on the server (in the
// job state, under removedPartner:<id>), never taken back from a card, and only
// for a while: it is personal data of someone no longer in the register. Job
// state entries are not deleted one by one: an undone removal is marked
// undone, and the retention job (services/privacy.ts) drops the entries that
// can no longer be used.
import { handlesOffice } from '../domain/office-access.js';
import type { Viewer } from '../domain/proposal-rules.js';
import type { Partner } from '../domain/types.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import { partnerToChange, removePartner, restorePartner, type PartnerResult } from './partners.js';

export const UNDO_HOURS = 24;
const PREFIX = 'removedPartner:';

interface Removed {
  partner: Partner;
  removedAt: string;
  undoneAt?: string;
}

const keyOf = (partnerId: string) => `${PREFIX}${partnerId}`;

const expired = (removed: Removed, now: Date) => now.getTime() - Date.parse(removed.removedAt) > UNDO_HOURS * 3600 * 1000;

/** The partner a kept removal (a job state value) can still restore, if any. */
export function undoablePartner(value: string | undefined, now: Date): Partner | undefined {
  const removed = value === undefined ? undefined : (JSON.parse(value) as Removed);
  return removed && !removed.undoneAt && !expired(removed, now) ? removed.partner : undefined;
}

/**
 * Removes the partner, unless `viewer` may not change it, and keeps what was
 * removed for undo, in one transaction: a removal the user is told about can
 * always be undone.
 */
export async function removePartnerWithUndo(records: RecordStore, viewer: Viewer, partnerId: string, now: Date): Promise<PartnerResult> {
  return records.transaction(async (tx) => {
    const found = await partnerToChange(tx, viewer, partnerId);
    if (!found.ok) return found;
    const result = await removePartner(tx, partnerId);
    if (result.ok) await tx.setJobState(keyOf(partnerId), JSON.stringify({ partner: result.partner, removedAt: now.toISOString() } satisfies Removed));
    return result;
  });
}

/** The removed partner that can still be restored, if any. */
export async function removedPartner(reader: RecordReader, partnerId: string, now: Date): Promise<Partner | undefined> {
  return undoablePartner(await reader.jobState(keyOf(partnerId)), now);
}

/** Puts the removed partner back, unless `viewer` may not change it; the undo is used up when it succeeds. */
export async function undoRemoval(records: RecordStore, viewer: Viewer, partnerId: string, now: Date): Promise<PartnerResult> {
  return records.transaction(async (tx): Promise<PartnerResult> => {
    const value = await tx.jobState(keyOf(partnerId));
    const partner = undoablePartner(value, now);
    if (!partner) return { ok: false, code: 'not-found' };
    if (!handlesOffice(viewer, partner.officeId)) return { ok: false, code: 'other-office' };
    const result = await restorePartner(tx, partner);
    if (result.ok) await tx.setJobState(keyOf(partnerId), JSON.stringify({ ...(JSON.parse(value!) as Removed), undoneAt: now.toISOString() }));
    return result;
  });
}
