// Answers to invitations and what a coordinator sees of them: the invitee's
// RSVP, and the invitees of a meeting with their answers and delivery state.
import type { Invitation, Meeting, Partner, Rsvp } from '../domain/types.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import { canAnswer } from './invite-messages.js';
import { collator, inviteKey, READ_WORKERS, withWorkers, type Channel, type RsvpAnswer, type RsvpErrorCode } from './invites.js';

function rsvpProblem(invitation: Invitation | undefined, meeting: Meeting | undefined, partnerId: string, now: Date): RsvpErrorCode | undefined {
  if (!invitation) return 'not-found';
  if (invitation.partnerId !== partnerId) return 'not-invitee';
  if (!meeting) return 'not-found';
  if (meeting.status === 'cancelled') return 'cancelled';
  if (!canAnswer(meeting, now)) return 'past';
  return undefined;
}

/**
 * The invitee's answer; anyone else, a cancelled meeting or one already started
 * is refused. Read and written in one transaction: two answers at once (two
 * instances) take turns on the invitation instead of overwriting each other.
 */
export async function recordRsvp(
  records: RecordStore,
  invitationId: string,
  partnerId: string,
  response: RsvpAnswer,
  now: Date,
): Promise<{ ok: true; invitation: Invitation } | { ok: false; code: RsvpErrorCode }> {
  return records.transaction(async (tx) => {
    const invitation = await tx.get('invitations', invitationId);
    const meeting = invitation && (await tx.get('meetings', invitation.meetingId));
    const code = rsvpProblem(invitation, meeting, partnerId, now);
    if (code || !invitation || !meeting) return { ok: false as const, code: code ?? 'not-found' };
    if (invitation.rsvp === response) return { ok: true as const, invitation };
    const answered: Invitation = { ...invitation, rsvp: response, respondedAt: now.toISOString() };
    await tx.putInYear('invitations', meeting.year, answered);
    return { ok: true as const, invitation: answered };
  });
}

export interface Invitee {
  invitation: Invitation;
  /** Missing when the partner was removed from the register. */
  partner?: Partner;
  /** sent: the current version is delivered; failed: its last attempt failed (see error). */
  delivery: 'sent' | 'pending' | 'failed';
  /** Channels the current version went out on. */
  channels: Channel[];
  error?: string;
}

/** The invitees of a meeting with their answers and delivery state, by organisation and name. */
export async function meetingInvitees(reader: RecordReader, meetingId: string): Promise<Invitee[]> {
  const meeting = await reader.get('meetings', meetingId);
  if (!meeting) return [];
  const invitations = await reader.findBy('invitations', 'meetingId', meetingId);
  const invitees: Invitee[] = [];
  await withWorkers(invitations.length, READ_WORKERS, async (n) => {
    const invitation = invitations[n];
    const records = [];
    for (const channel of ['teams', 'email'] as const) {
      const record = await reader.get('sends', inviteKey(invitation.id, meeting.sequence, channel));
      if (record) records.push({ channel, record });
    }
    const failed = records.find((r) => r.record.status === 'failed');
    const partner = await reader.get('partners', invitation.partnerId);
    invitees.push({
      invitation,
      ...(partner ? { partner } : {}),
      delivery: invitation.sentSequence >= meeting.sequence ? 'sent' : failed ? 'failed' : 'pending',
      channels: records.filter((r) => r.record.status === 'sent').map((r) => r.channel),
      ...(failed ? { error: failed.record.lastError ?? '' } : {}),
    });
  });
  return invitees.sort(
    (a, b) =>
      collator.compare(a.partner?.organisation ?? '', b.partner?.organisation ?? '') || collator.compare(a.partner?.name ?? '', b.partner?.name ?? ''),
  );
}

export interface InviteCounts {
  invited: number;
  accepted: number;
  tentative: number;
  declined: number;
  needsAction: number;
  /** Invitees whose current version could not be delivered. */
  failed: number;
}

/** Counts for a meeting list: answers and failed deliveries. */
export async function inviteCounts(reader: RecordReader, meetingId: string): Promise<InviteCounts> {
  const invitees = await meetingInvitees(reader, meetingId);
  const answered = (rsvp: Rsvp) => invitees.filter((i) => i.invitation.rsvp === rsvp).length;
  return {
    invited: invitees.length,
    accepted: answered('accepted'),
    tentative: answered('tentative'),
    declined: answered('declined'),
    needsAction: answered('needs-action'),
    failed: invitees.filter((i) => i.delivery === 'failed').length,
  };
}
