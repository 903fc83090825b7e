// Reminders shortly before a meeting to the invitees who accepted or have not
// answered, once per invitation and meeting version.
import type { SendResult } from '../delivery/teams-delivery.js';
import type { Invitation, Meeting } from '../domain/types.js';
import { personalChatOf } from './conversations.js';
import { inviteCard, inviteEmail } from './invite-messages.js';
import { contextOf, withWebLinks, type InvitePorts } from './invites.js';
import { languageOf } from './people.js';

const HOUR_MS = 60 * 60 * 1000;
const reminderKey = (invitationId: string, sequence: number) => `reminder:${invitationId}:${sequence}`;

/** Invitations of scheduled meetings starting in (now, windowEnd] that are sent and accepted or not answered. */
async function dueReminders(ports: InvitePorts, now: Date, windowEnd: number): Promise<{ invitation: Invitation; meeting: Meeting; year: number }[]> {
  const due: { invitation: Invitation; meeting: Meeting; year: number }[] = [];
  // A meeting is filed under its plan's year: the year its start falls in (UTC) or the next.
  const years = (await ports.records.years()).filter((y) => y >= now.getUTCFullYear() && y <= new Date(windowEnd).getUTCFullYear() + 1);
  for (const year of years) {
    for (const meeting of await ports.records.inYear('meetings', year)) {
      if (meeting.status !== 'scheduled' || Date.parse(meeting.startsAt) <= now.getTime() || Date.parse(meeting.startsAt) > windowEnd) continue;
      for (const invitation of await ports.records.findBy('invitations', 'meetingId', meeting.id)) {
        if (invitation.sentSequence >= 0 && (invitation.rsvp === 'accepted' || invitation.rsvp === 'needs-action')) due.push({ invitation, meeting, year });
      }
    }
  }
  return due;
}

/**
 * Job: a reminder shortly before a meeting (invites.reminderBeforeHours, 0 = none)
 * to invitees who accepted or have not answered: in Teams, or by e-mail when the
 * partner has no Teams chat with the bot. Once per invitation and meeting version.
 */
export async function sendReminders(ports: InvitePorts, now: Date): Promise<void> {
  const windowEnd = now.getTime() + ports.config.invites.reminderBeforeHours * HOUR_MS;
  for (const { invitation, meeting, year } of await dueReminders(ports, now, windowEnd)) {
    const key = reminderKey(invitation.id, meeting.sequence);
    if ((await ports.records.get('sends', key))?.status === 'sent') continue;
    const ctx = await contextOf(ports, invitation, meeting);
    if (!ctx) continue;
    const conversation = await personalChatOf(ports.records, ctx.partner.aadObjectId);
    const what = `reminder of meeting ${meeting.id} SEQUENCE ${meeting.sequence} to partner ${ctx.partner.id}`;
    let result: SendResult | null = null;
    if (conversation) {
      result = await ports.delivery.send(key, conversation.id, { card: inviteCard(ctx, 'reminder', languageOf(ctx.partner), now) }, what);
    } else if (ports.email) {
      result = await ports.email.send(key, ctx.partner.id, { to: ctx.partner.email, ...inviteEmail(await withWebLinks(ports, ctx, now), 'reminder') }, what);
    }
    if (result !== 'sent') continue;
    await ports.records.transaction(async (tx) => {
      const stored = await tx.get('invitations', invitation.id);
      if (stored) await tx.putInYear('invitations', year, { ...stored, reminderSentAt: now.toISOString() });
    });
  }
}
