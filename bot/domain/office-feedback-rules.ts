// Who attended a meeting and when the office can give feedback on it (who may: domain/office-access.ts).
import type { Invitation, Meeting } from './types.js';

/** Coordinators are asked for feedback on meetings that ended at most this long ago (not on old history). */
export const PROMPT_WINDOW_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The invitations of one meeting whose invitee attended. Once attendance was
 * recorded for anyone at the meeting it decides; before that, an accepted or
 * tentative answer counts as attending.
 */
export function attendingInvitations(invitations: readonly Invitation[]): Invitation[] {
  const recorded = invitations.some((i) => i.attended !== undefined);
  return invitations.filter((i) => (recorded ? i.attended === true : i.rsvp === 'accepted' || i.rsvp === 'tentative'));
}

export function meetingEnded(meeting: Pick<Meeting, 'status' | 'endsAt'>, now: Date): boolean {
  return meeting.status === 'scheduled' && Date.parse(meeting.endsAt) <= now.getTime();
}

/** Ended, and recently enough that a feedback prompt is still useful. */
export function promptDue(meeting: Pick<Meeting, 'status' | 'endsAt'>, now: Date): boolean {
  return meetingEnded(meeting, now) && now.getTime() - Date.parse(meeting.endsAt) <= PROMPT_WINDOW_DAYS * DAY_MS;
}
