import { syncInvitations } from '../services/invite-sync.js';
import type { Turn } from './router.js';

/**
 * Starts sending the changed meetings' updates (or cancellations) to their
 * invitees right after a change, in the background: the click is answered at
 * once. What fails, or is cut short by a restart, is picked up by the
 * `invites.sync` job.
 */
export function sendMeetingUpdates(turn: Turn, meetingIds: string[]): void {
  const { deps } = turn;
  for (const meetingId of meetingIds) {
    deps.background.start(`sending the updates of meeting ${meetingId}`, () => syncInvitations(deps, meetingId, deps.clock()));
  }
}
