// The rules of claiming a send, shared by both RecordStores (PostgreSQL applies
// the same rule in SQL, see pg-records.ts).
import type { Instant } from '../domain/types.js';
import type { StoredSend } from './record-kinds.js';
import type { RecordTransaction, SendClaim, SendResult } from './records.js';

/** A send may be claimed when its last attempt failed, when `holder` holds it already, or when another holder's claim lapsed. */
function canClaim(existing: StoredSend, holder: string, now: Instant): boolean {
  if (existing.status === 'failed') return true;
  if (existing.status !== 'claimed') return false;
  return existing.claimedBy === holder || (existing.claimedUntil ?? '') <= now;
}

export function claimedSend(claim: SendClaim, existing: StoredSend | undefined, now: Instant): StoredSend {
  return {
    id: claim.key,
    channel: claim.channel,
    target: claim.target,
    what: claim.what,
    status: 'claimed',
    attempts: existing?.attempts ?? 0,
    ...(existing?.lastError ? { lastError: existing.lastError } : {}),
    at: now,
    claimedBy: claim.holder,
    claimedUntil: claim.until,
  };
}

export function sendWithResult(claimed: StoredSend, result: SendResult, now: Instant): StoredSend {
  const { claimedBy: _by, claimedUntil: _until, lastError: _error, ...rest } = claimed;
  const outcome = { ...(result.lastError ? { lastError: result.lastError } : {}), ...(result.activityId ? { activityId: result.activityId } : {}) };
  return { ...rest, status: result.status, attempts: claimed.attempts + 1, at: now, ...outcome };
}

/** Claims a send inside a transaction: a key not yet known, or one the rule lets `claim.holder` take over; false when another holds it or it was sent. */
export async function claimInTransaction(tx: RecordTransaction, claim: SendClaim, now: Instant): Promise<boolean> {
  const existing = await tx.get('sends', claim.key);
  if (existing && !canClaim(existing, claim.holder, now)) return false;
  await tx.put('sends', claimedSend(claim, existing, now));
  return true;
}

/** Records the result of a send `holder` claimed, inside a transaction; false when the claim is not (or no longer) theirs. */
export async function recordClaimedResult(tx: RecordTransaction, key: string, holder: string, result: SendResult, now: Instant): Promise<boolean> {
  const existing = await tx.get('sends', key);
  if (!existing || existing.status !== 'claimed' || existing.claimedBy !== holder) return false;
  await tx.put('sends', sendWithResult(existing, result, now));
  return true;
}
