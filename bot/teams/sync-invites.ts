import { syncInvitations } from '../services/invites.js';
import type { Turn } from './router.js';

/** Longest a card click waits for the updates to go out; the rest continues in the background. */
const WAIT_MS = 5000;

/**
 * Sends the changed meetings' updates (or cancellations) to their invitees
 * right after a change. What does not finish here, or fails, is picked up by
 * the `invites.sync` job.
 */
export async function sendMeetingUpdates(turn: Turn, meetingIds: string[]): Promise<void> {
  const { deps } = turn;
  const syncing = Promise.all(meetingIds.map((id) => syncInvitations(deps, id, deps.clock()))).catch((err: Error) =>
    deps.log(`sending meeting updates failed (the invites.sync job retries): ${err.message}`),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([syncing, new Promise((resolve) => (timer = setTimeout(resolve, WAIT_MS)))]);
  clearTimeout(timer);
}
