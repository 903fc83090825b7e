// Delivering invitations: the meeting's current version (a Teams card and/or an
// e-mail carrying an iCalendar REQUEST or CANCEL) to every invitee who does not
// have it yet, after any change of the meeting and by the invites.sync job; and
// the .ics behind an invitation's download link.
import { buildInvite, icsFileName } from '../calendar/ics.js';
import type { AppConfig } from '../config.js';
import type { Invitation } from '../domain/types.js';
import type { RecordReader } from '../store/records.js';
import { icsTexts, inviteCard, inviteEmail, type InviteContext, type InviteKind } from './invite-messages.js';
import {
  contextOf,
  ensureIcsLinks,
  findMeeting,
  inviteChannels,
  inviteKey,
  invitationContext,
  isSending,
  issueWebLinks,
  meetingRunKey,
  oneAtATime,
  refOf,
  withWebLinks,
  type Channel,
  type InvitePorts,
  type PartnerRef,
} from './invites.js';
import { languageOf } from './people.js';

export interface SyncSummary {
  sent: Record<Channel, number>;
  /** Deliveries found already done (an earlier, partly failed run). */
  alreadySent: number;
  failed: { partner: PartnerRef; reason: string }[];
  /** Invitees with no Teams chat with the bot while e-mail is not set up. */
  unreachable: PartnerRef[];
}

/** The job stops retrying a delivery after this many recorded attempts; "Send" in the card still retries. */
export const GIVE_UP_AFTER_ATTEMPTS = 10;

/** Invitations delivered at the same time by one run; the send queue paces the sends themselves. */
const SYNC_WORKERS = 32;

/**
 * Delivers the meeting's current version (REQUEST, or CANCEL when cancelled)
 * to every invitee who does not have it yet. Call it after any change of the
 * meeting (the change bumps `sequence`) and after inviting partners. Runs for
 * the same meeting wait for each other, so a double click sends once.
 * `retryGivenUp: false` (the job) skips deliveries that failed too often.
 * Every send is handed to the paced send queue at once.
 */
export async function syncInvitations(ports: InvitePorts, meetingId: string, now: Date, options: { retryGivenUp?: boolean } = {}): Promise<SyncSummary> {
  try {
    return await oneAtATime(ports.records, meetingRunKey(meetingId), () => syncNow(ports, meetingId, now, options.retryGivenUp ?? true));
  } finally {
    ports.inviteProgress?.changed(meetingId, isSending(ports.records, meetingId));
  }
}

async function syncNow(ports: InvitePorts, meetingId: string, now: Date, retryGivenUp: boolean): Promise<SyncSummary> {
  const summary: SyncSummary = { sent: { teams: 0, email: 0 }, alreadySent: 0, failed: [], unreachable: [] };
  const found = await findMeeting(ports.records, meetingId);
  if (!found || Date.parse(found.meeting.endsAt) <= now.getTime()) return summary;
  const { year, meeting } = found;
  const pending = (await ports.records.findBy('invitations', 'meetingId', meetingId)).filter((i) => i.sentSequence < meeting.sequence);
  if (pending.length === 0) return summary;
  await ports.records.transaction((tx) => ensureIcsLinks(tx, ports.config, meeting, pending));
  await issueWebLinks(ports, meeting, pending, now);
  ports.inviteProgress?.changed(meetingId, true);
  const deliverOne = async (invitation: Invitation) => {
    const ctx = await contextOf(ports, invitation, meeting);
    if (!ctx) return;
    if (await deliverVersion(ports, ctx, now, summary, retryGivenUp)) {
      await ports.records.transaction(async (tx) => {
        const stored = await tx.get('invitations', invitation.id);
        if (stored && stored.sentSequence < meeting.sequence) await tx.putInYear('invitations', year, { ...stored, sentSequence: meeting.sequence });
      });
    }
    ports.inviteProgress?.changed(meetingId, true);
  };
  // A few more workers than the send queue runs at once keep it busy; building every
  // message up front would hold the event loop (and the click's answer) for a second per thousand.
  let next = 0;
  const worker = async () => {
    while (next < pending.length) await deliverOne(pending[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(SYNC_WORKERS, pending.length) }, worker));
  return summary;
}

/** True when some version (up to `sequence`) of this invitation reached the partner. */
async function deliveredBefore(reader: RecordReader, invitationId: string, sequence: number): Promise<boolean> {
  for (let version = 0; version <= sequence; version++) {
    for (const channel of ['teams', 'email'] as const) {
      if ((await reader.get('sends', inviteKey(invitationId, version, channel)))?.status === 'sent') return true;
    }
  }
  return false;
}

/** Sends the current version on every channel the partner needs; true when all of them have it. */
async function deliverVersion(ports: InvitePorts, ctx: InviteContext, now: Date, summary: SyncSummary, retryGivenUp: boolean): Promise<boolean> {
  const { invitation, meeting, partner } = ctx;
  const delivered = await deliveredBefore(ports.records, invitation.id, meeting.sequence);
  const method = meeting.status === 'cancelled' ? 'CANCEL' : 'REQUEST';
  // Someone who never got the meeting gets no cancellation of it either.
  if (method === 'CANCEL' && !delivered) return true;
  const kind: InviteKind = method === 'CANCEL' ? 'cancel' : delivered ? 'update' : 'request';
  const { channels, conversationId } = await inviteChannels(ports, partner);
  if (channels.length === 0) {
    summary.unreachable.push(refOf(partner));
    return false;
  }
  const what = `invite ${method} of meeting ${meeting.id} SEQUENCE ${meeting.sequence} to partner ${partner.id}`;
  let complete = true;
  for (const channel of channels) {
    const key = inviteKey(invitation.id, meeting.sequence, channel);
    const previous = await ports.records.get('sends', key);
    if (!retryGivenUp && previous?.status === 'failed' && previous.attempts >= GIVE_UP_AFTER_ATTEMPTS) {
      complete = false;
      continue;
    }
    const result =
      channel === 'teams'
        ? await ports.delivery.send(key, conversationId!, { card: inviteCard(ctx, kind, languageOf(partner), now) }, what)
        : await sendInviteEmail(ports, await withWebLinks(ports, ctx, now), kind, method, key, what, now);
    if (result === 'sent') summary.sent[channel] += 1;
    else if (result === 'already-sent') summary.alreadySent += 1;
    else {
      complete = false;
      summary.failed.push({ partner: refOf(partner), reason: (await ports.records.get('sends', key))?.lastError ?? result });
    }
  }
  return complete;
}

function sendInviteEmail(ports: InvitePorts, ctx: InviteContext, kind: InviteKind, method: 'REQUEST' | 'CANCEL', key: string, what: string, now: Date) {
  return ports.email!.send(key, ctx.partner.id, { to: ctx.partner.email, ...inviteEmail(ctx, kind), ics: { method, content: icsContent(ctx, method, now) } }, what);
}

function icsContent(ctx: InviteContext, method: 'REQUEST' | 'CANCEL', now: Date): string {
  const { invitation, meeting, partner } = ctx;
  return buildInvite({
    method,
    meeting,
    theme: ctx.theme,
    office: ctx.office,
    // Each invitee gets their own copy: partners of other organisations are not listed.
    attendees: [{ name: partner.name, email: partner.email, rsvp: invitation.rsvp }],
    locale: languageOf(partner),
    texts: icsTexts(ctx, method),
    now,
  });
}

/** Job: delivers every pending invitation of meetings still ahead (changes made while down, failed sends). */
export async function syncAllPending(ports: InvitePorts, now: Date, signal?: AbortSignal): Promise<void> {
  const meetingIds: string[] = [];
  // A meeting is filed under its plan's year, which is never before the year its end falls in.
  for (const year of (await ports.records.years()).filter((y) => y >= now.getUTCFullYear())) {
    for (const meeting of await ports.records.inYear('meetings', year)) {
      if (Date.parse(meeting.endsAt) <= now.getTime()) continue;
      const invitations = await ports.records.findBy('invitations', 'meetingId', meeting.id);
      if (invitations.some((i) => i.sentSequence < meeting.sequence)) meetingIds.push(meeting.id);
    }
  }
  for (const meetingId of meetingIds) {
    signal?.throwIfAborted();
    const summary = await syncInvitations(ports, meetingId, now, { retryGivenUp: false });
    if (summary.sent.teams + summary.sent.email + summary.failed.length === 0) continue;
    ports.log(
      `invites.sync: meeting ${meetingId}: sent ${summary.sent.teams} in Teams, ${summary.sent.email} by e-mail, ` +
        `${summary.failed.length} failed${summary.failed.map((f) => `; partner ${f.partner.id}: ${f.reason}`).join('')}`,
    );
  }
}

/** The .ics behind a download token: the invitee's current version, or null when unknown or expired. */
export async function resolveIcsDownload(
  reader: RecordReader,
  config: AppConfig,
  token: string,
  now: Date,
): Promise<{ contentType: string; fileName: string; body: string } | null> {
  const link = await reader.get('links', token);
  if (!link || link.kind !== 'ics' || Date.parse(link.expiresAt) <= now.getTime()) return null;
  const ctx = await invitationContext({ records: reader, config }, link.ref);
  if (!ctx || ctx.invitation.icsToken !== token) return null;
  const method = ctx.meeting.status === 'cancelled' ? 'CANCEL' : 'REQUEST';
  return {
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    fileName: icsFileName(ctx.meeting),
    body: icsContent(ctx, method, now),
  };
}
