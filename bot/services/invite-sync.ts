// Delivering invitations: the meeting's current version (a Teams card and/or an
// e-mail carrying an iCalendar REQUEST or CANCEL) to every invitee who does not
// have it yet, after any change of the meeting and by the invites.sync job; and
// the .ics behind an invitation's download link.
import { buildInvite, icsFileName } from '../calendar/ics.js';
import type { AppConfig } from '../config.js';
import type { RecordReader } from '../store/records.js';
import { icsTexts, inviteCard, inviteEmail, type InviteContext, type InviteKind } from './invite-messages.js';
import type { StoredSend } from '../store/record-kinds.js';
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
  READ_WORKERS,
  refOf,
  withWorkers,
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

/** One pending invitation with what its delivery needs, read before any send of the run. */
interface PendingDelivery {
  ctx: InviteContext;
  /** Some earlier version reached the partner. */
  delivered: boolean;
  channels: Channel[];
  conversationId?: string;
  /** The send record of the current version per channel, if any. */
  previous: Partial<Record<Channel, StoredSend>>;
}

async function syncNow(ports: InvitePorts, meetingId: string, now: Date, retryGivenUp: boolean): Promise<SyncSummary> {
  const summary: SyncSummary = { sent: { teams: 0, email: 0 }, alreadySent: 0, failed: [], unreachable: [] };
  const found = await findMeeting(ports.records, meetingId);
  if (!found || Date.parse(found.meeting.endsAt) <= now.getTime()) return summary;
  const { year, meeting } = found;
  const pending = (await ports.records.findBy('invitations', 'meetingId', meetingId)).filter((i) => i.sentSequence < meeting.sequence);
  if (pending.length === 0) return summary;
  await ports.records.transaction((tx) => ensureIcsLinks(tx, ports.config, meeting, pending));
  const web = await issueWebLinks(ports, meeting, pending, now);
  // Everything is read before the first send: reads between sends would each find the store changed by the last one.
  // Several invitations are read at a time: on PostgreSQL each read is a round trip, a thousand in a row take seconds.
  const read: (PendingDelivery | undefined)[] = [];
  await withWorkers(pending.length, READ_WORKERS, async (n) => {
    const invitation = pending[n];
    const ctx = await contextOf(ports, invitation, meeting);
    read[n] = ctx && (await pendingDelivery(ports, web.has(invitation.id) ? { ...ctx, web: web.get(invitation.id) } : ctx));
  });
  const deliveries = read.filter((d): d is PendingDelivery => d !== undefined);
  ports.inviteProgress?.changed(meetingId, true);
  const markSent = sentMarker(ports, year, meeting.sequence);
  const deliverOne = async (delivery: PendingDelivery) => {
    if (await deliverVersion(ports, delivery, now, summary, retryGivenUp)) await markSent(delivery.ctx.invitation.id);
    ports.inviteProgress?.changed(meetingId, true);
  };
  // A few more workers than the send queue runs at once keep it busy; building every
  // message up front would hold the event loop (and the click's answer) for a second per thousand.
  await withWorkers(deliveries.length, SYNC_WORKERS, (n) => deliverOne(deliveries[n]));
  return summary;
}

async function pendingDelivery(ports: InvitePorts, ctx: InviteContext): Promise<PendingDelivery> {
  const { invitation, meeting, partner } = ctx;
  const { channels, conversationId } = await inviteChannels(ports, partner);
  const previous: PendingDelivery['previous'] = {};
  for (const channel of channels) {
    const record = await ports.records.get('sends', inviteKey(invitation.id, meeting.sequence, channel));
    if (record) previous[channel] = record;
  }
  return { ctx, delivered: await deliveredBefore(ports.records, invitation.id, meeting.sequence), channels, conversationId, previous };
}

/**
 * Records that invitations have the current version, a batch per transaction:
 * what is delivered while one is written goes into the next. Resolves once the
 * invitation's own batch is written.
 */
function sentMarker(ports: InvitePorts, year: number, sequence: number): (invitationId: string) => Promise<void> {
  const waiting = new Set<string>();
  let writing: Promise<void> | null = null;
  const write = async () => {
    try {
      while (waiting.size > 0) {
        const ids = [...waiting];
        waiting.clear();
        await ports.records.transaction(async (tx) => {
          for (const id of ids) {
            const stored = await tx.get('invitations', id);
            if (stored && stored.sentSequence < sequence) await tx.putInYear('invitations', year, { ...stored, sentSequence: sequence });
          }
        });
      }
    } finally {
      writing = null;
    }
  };
  return (invitationId) => {
    waiting.add(invitationId);
    return (writing ??= write());
  };
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
async function deliverVersion(ports: InvitePorts, delivery: PendingDelivery, now: Date, summary: SyncSummary, retryGivenUp: boolean): Promise<boolean> {
  const { ctx, delivered, channels, conversationId, previous } = delivery;
  const { invitation, meeting, partner } = ctx;
  const method = meeting.status === 'cancelled' ? 'CANCEL' : 'REQUEST';
  // Someone who never got the meeting gets no cancellation of it either.
  if (method === 'CANCEL' && !delivered) return true;
  const kind: InviteKind = method === 'CANCEL' ? 'cancel' : delivered ? 'update' : 'request';
  if (channels.length === 0) {
    summary.unreachable.push(refOf(partner));
    return false;
  }
  const what = `invite ${method} of meeting ${meeting.id} SEQUENCE ${meeting.sequence} to partner ${partner.id}`;
  let complete = true;
  for (const channel of channels) {
    const key = inviteKey(invitation.id, meeting.sequence, channel);
    const earlier = previous[channel];
    if (!retryGivenUp && earlier?.status === 'failed' && earlier.attempts >= GIVE_UP_AFTER_ATTEMPTS) {
      complete = false;
      continue;
    }
    const result =
      channel === 'teams'
        ? await ports.delivery.send(key, conversationId!, { card: inviteCard(ctx, kind, languageOf(partner), now) }, what)
        : await sendInviteEmail(ports, ctx, kind, method, key, what, now);
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
