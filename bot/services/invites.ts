// Calendar invitations: who is invited to a meeting, delivering the current
// version of every invitation (a Teams card and/or an e-mail carrying an
// iCalendar REQUEST or CANCEL), RSVP answers, reminders and the .ics download.
// Every send has an idempotency key and a SendRecord, so a retry, a double
// click or a restart never delivers the same version twice.
import { randomBytes, randomUUID } from 'node:crypto';
import { buildInvite, icsFileName } from '../calendar/ics.js';
import type { AppConfig } from '../config.js';
import type { EmailDelivery } from '../delivery/email-delivery.js';
import { sendRecordOf, wasSent } from '../delivery/send-log.js';
import type { SendResult, TeamsDelivery } from '../delivery/teams-delivery.js';
import type { Invitation, Meeting, Partner, Rsvp } from '../domain/types.js';
import type { Store, YearData } from '../store/store.js';
import { contactsFor } from './contacts.js';
import { personalConversation } from './conversations.js';
import { canAnswer, icsTexts, inviteCard, inviteEmail, type InviteContext, type InviteKind } from './invite-messages.js';
import { issueLinks, partnerLinks, type PartnerLinkRequest } from './partner-links.js';
import { languageOf } from './people.js';

/** What the invitation use cases need; BotDeps provides all of it. */
export interface InvitePorts {
  store: Store;
  config: AppConfig;
  delivery: TeamsDelivery;
  /** null when SMTP_URL is not set. */
  email: EmailDelivery | null;
  log: (line: string) => void;
  /** Told as a meeting's invitations go out, to show the progress (the coordinator's card). */
  inviteProgress?: InviteProgressPort;
}

export interface InviteProgressPort {
  /** `sending` false: this run for the meeting has ended. */
  changed(meetingId: string, sending: boolean): void;
}

export type Channel = 'teams' | 'email';

export interface PartnerRef {
  id: string;
  name: string;
  organisation: string;
}

export interface SyncSummary {
  sent: Record<Channel, number>;
  /** Deliveries found already done (an earlier, partly failed run). */
  alreadySent: number;
  failed: { partner: PartnerRef; reason: string }[];
  /** Invitees with no Teams chat with the bot while e-mail is not set up. */
  unreachable: PartnerRef[];
}

export type InviteErrorCode = 'not-found' | 'other-office' | 'cancelled' | 'past' | 'unknown-partner';
export type RsvpErrorCode = 'not-found' | 'not-invitee' | 'cancelled' | 'past';
export type RsvpAnswer = Exclude<Rsvp, 'needs-action'>;

/** The job stops retrying a delivery after this many recorded attempts; "Send" in the card still retries. */
export const GIVE_UP_AFTER_ATTEMPTS = 10;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Invitations delivered at the same time by one run; the send queue paces the sends themselves. */
const SYNC_WORKERS = 32;
const collator = new Intl.Collator('fi');

const inviteKey = (invitationId: string, sequence: number, channel: Channel) => `invite:${invitationId}:${sequence}:${channel}`;
const reminderKey = (invitationId: string, sequence: number) => `reminder:${invitationId}:${sequence}`;
const refOf = (p: Partner): PartnerRef => ({ id: p.id, name: p.name, organisation: p.organisation });

// --- lookups ---------------------------------------------------------------

/** The meeting and the year file it is in. */
export function findMeeting(store: Store, meetingId: string): { year: number; meeting: Meeting } | undefined {
  for (const year of store.years()) {
    const meeting = store.readYear(year, (d) => d.meetings.find((m) => m.id === meetingId));
    if (meeting) return { year, meeting: { ...meeting } };
  }
  return undefined;
}

function findInvitation(store: Store, invitationId: string): { year: number; invitation: Invitation } | undefined {
  for (const year of store.years()) {
    const invitation = store.readYear(year, (d) => d.invitations.find((i) => i.id === invitationId));
    if (invitation) return { year, invitation: { ...invitation } };
  }
  return undefined;
}


/** What the invitee's messages about this invitation show; undefined when the partner or office is gone. */
export function invitationContext(ports: Pick<InvitePorts, 'store' | 'config'>, invitationId: string): InviteContext | undefined {
  const found = findInvitation(ports.store, invitationId);
  if (!found) return undefined;
  const meeting = ports.store.readYear(found.year, (d) => d.meetings.find((m) => m.id === found.invitation.meetingId));
  return meeting && contextOf(ports, found.year, found.invitation, { ...meeting });
}

function contextOf(ports: Pick<InvitePorts, 'store' | 'config'>, year: number, invitation: Invitation, meeting: Meeting): InviteContext | undefined {
  const partner = ports.store.readShared((d) => d.partners.find((p) => p.id === invitation.partnerId));
  const office = ports.config.offices.find((o) => o.id === meeting.officeId);
  if (!partner || !office) return undefined;
  const theme = ports.store.readYear(year, (d) => d.plans.find((p) => p.id === meeting.planId)?.theme ?? '');
  const icsUrl = `${ports.config.publicBaseUrl}/files/${invitation.icsToken}`;
  const contacts = contactsFor(ports.store, office.id, partner.segment);
  return { invitation, meeting, partner: { ...partner }, office, theme, icsUrl, contacts };
}

/** The office's partners in the meeting's segments, by organisation and name. */
export function inviteCandidates(store: Store, meeting: Meeting): Partner[] {
  return store.readShared((d) =>
    d.partners
      .filter((p) => p.officeId === meeting.officeId && meeting.segments.includes(p.segment))
      .map((p) => ({ ...p }))
      .sort((a, b) => collator.compare(a.organisation, b.organisation) || collator.compare(a.name, b.name)),
  );
}

/** How an invitation reaches the partner: Teams when the bot has their personal chat, e-mail when needed and set up. */
export function inviteChannels(ports: Pick<InvitePorts, 'store' | 'config' | 'email'>, partner: Partner): { channels: Channel[]; conversationId?: string } {
  const conversation = personalConversation(ports.store, partner.aadObjectId);
  const channels: Channel[] = conversation ? ['teams'] : [];
  if (ports.email && (!conversation || ports.config.invites.alsoEmailTeamsUsers)) channels.push('email');
  return { channels, conversationId: conversation?.id };
}

// --- invitations -----------------------------------------------------------

function meetingProblem(meeting: Meeting | undefined, officeId: string, now: Date): InviteErrorCode | undefined {
  if (!meeting) return 'not-found';
  if (meeting.officeId !== officeId) return 'other-office';
  if (meeting.status === 'cancelled') return 'cancelled';
  if (Date.parse(meeting.startsAt) <= now.getTime()) return 'past';
  return undefined;
}

/**
 * Invites partners (of `officeId`, in the meeting's segments) to a meeting.
 * Partners already invited keep their invitation; nothing is sent here.
 */
export async function createInvitations(
  ports: Pick<InvitePorts, 'store' | 'config'>,
  meetingId: string,
  partnerIds: string[],
  officeId: string,
  now: Date,
): Promise<{ ok: true; created: Invitation[] } | { ok: false; code: InviteErrorCode }> {
  const { store } = ports;
  const found = findMeeting(store, meetingId);
  const problem = meetingProblem(found?.meeting, officeId, now);
  if (problem || !found) return { ok: false, code: problem ?? 'not-found' };
  const candidates = new Set(inviteCandidates(store, found.meeting).map((p) => p.id));
  if (partnerIds.some((id) => !candidates.has(id))) return { ok: false, code: 'unknown-partner' };

  const result = await store.updateYear(found.year, (d) => {
    const meeting = d.meetings.find((m) => m.id === meetingId);
    const code = meetingProblem(meeting, officeId, now);
    if (code || !meeting) return { ok: false as const, code: code ?? 'not-found' };
    const invited = new Set(d.invitations.filter((i) => i.meetingId === meetingId).map((i) => i.partnerId));
    const created: Invitation[] = [...new Set(partnerIds)]
      .filter((partnerId) => !invited.has(partnerId))
      .map((partnerId) => ({
        id: randomUUID(),
        meetingId,
        partnerId,
        rsvp: 'needs-action',
        sentSequence: -1,
        icsToken: randomBytes(24).toString('base64url'),
      }));
    d.invitations.push(...created);
    return { ok: true as const, created: created.map((i) => ({ ...i })), meeting: { ...meeting } };
  });
  if (!result.ok) return result;
  await ensureIcsLinks(ports, result.meeting, result.created);
  return { ok: true, created: result.created };
}

/** An e-mailed invitee's pages: the RSVP link lives as long as the .ics link. */
function webLinkRequests(meeting: Meeting, invitation: Invitation, config: AppConfig): PartnerLinkRequest[] {
  const expiresAt = new Date(Date.parse(meeting.endsAt) + config.links.expireAfterDays * DAY_MS).toISOString();
  return [{ kind: 'rsvp', ref: invitation.id, expiresAt }, { kind: 'my-data', ref: invitation.partnerId }];
}

/** The invitation's context with the partner's RSVP and my-data pages, for an e-mail. */
async function withWebLinks(ports: Pick<InvitePorts, 'store' | 'config'>, ctx: InviteContext, now: Date): Promise<InviteContext> {
  const [rsvp, myData] = await partnerLinks(ports.store, ports.config, ctx.partner, webLinkRequests(ctx.meeting, ctx.invitation, ports.config), now);
  return { ...ctx, web: { rsvp, myData } };
}

/** Issues the page links of every pending invitee who gets an e-mail in one write, so each send finds its links made. */
async function issueWebLinks(ports: InvitePorts, meeting: Meeting, pending: Invitation[], now: Date): Promise<void> {
  const partners = ports.store.readShared((d) => new Map(d.partners.map((p) => [p.id, p])));
  const wanted = pending.flatMap((invitation) => {
    const partner = partners.get(invitation.partnerId);
    if (!partner || !inviteChannels(ports, partner).channels.includes('email')) return [];
    return webLinkRequests(meeting, invitation, ports.config).map((w) => ({ ...w, partnerId: partner.id }));
  });
  if (wanted.length > 0) await issueLinks(ports.store, ports.config, wanted, now);
}

/** Each invitation's .ics link exists and expires `links.expireAfterDays` after the meeting ends. */
async function ensureIcsLinks(ports: Pick<InvitePorts, 'store' | 'config'>, meeting: Meeting, invitations: Invitation[]): Promise<void> {
  const expiresAt = new Date(Date.parse(meeting.endsAt) + ports.config.links.expireAfterDays * DAY_MS).toISOString();
  const current = (d: { links: { id: string; expiresAt: string }[] }, token: string) =>
    d.links.find((l) => l.id === token)?.expiresAt === expiresAt;
  if (ports.store.readShared((d) => invitations.every((i) => current(d, i.icsToken)))) return;
  await ports.store.updateShared((d) => {
    for (const invitation of invitations) {
      const link = d.links.find((l) => l.id === invitation.icsToken);
      if (link) link.expiresAt = expiresAt;
      else d.links.push({ id: invitation.icsToken, kind: 'ics', ref: invitation.id, expiresAt });
    }
  });
}

// --- delivery --------------------------------------------------------------

const runs = new WeakMap<Store, Map<string, { tail: Promise<unknown>; waiting: number }>>();

/** Runs `task` after any earlier task with the same key has finished (per store). */
export function oneAtATime<T>(store: Store, key: string, task: () => Promise<T>): Promise<T> {
  let queue = runs.get(store);
  if (!queue) runs.set(store, (queue = new Map()));
  let entry = queue.get(key);
  if (!entry) queue.set(key, (entry = { tail: Promise.resolve(), waiting: 0 }));
  const run = entry;
  run.waiting += 1;
  const next = run.tail.then(task);
  run.tail = next.then(
    () => undefined,
    () => undefined,
  );
  return next.finally(() => {
    run.waiting -= 1;
    if (run.waiting === 0 && queue.get(key) === run) queue.delete(key);
  });
}

const meetingRunKey = (meetingId: string) => `meeting:${meetingId}`;

/** True while a oneAtATime task with this key runs (or waits for the one before it). */
export function isRunning(store: Store, key: string): boolean {
  return runs.get(store)?.has(key) ?? false;
}

/** True while invitations of the meeting are being sent (or a run waits for the one before it). */
export function isSending(store: Store, meetingId: string): boolean {
  return isRunning(store, meetingRunKey(meetingId));
}

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
    return await oneAtATime(ports.store, meetingRunKey(meetingId), () => syncNow(ports, meetingId, now, options.retryGivenUp ?? true));
  } finally {
    ports.inviteProgress?.changed(meetingId, isSending(ports.store, meetingId));
  }
}

async function syncNow(ports: InvitePorts, meetingId: string, now: Date, retryGivenUp: boolean): Promise<SyncSummary> {
  const summary: SyncSummary = { sent: { teams: 0, email: 0 }, alreadySent: 0, failed: [], unreachable: [] };
  const found = findMeeting(ports.store, meetingId);
  if (!found || Date.parse(found.meeting.endsAt) <= now.getTime()) return summary;
  const { year, meeting } = found;
  const pending = ports.store.readYear(year, (d) =>
    d.invitations.filter((i) => i.meetingId === meetingId && i.sentSequence < meeting.sequence).map((i) => ({ ...i })),
  );
  if (pending.length === 0) return summary;
  await ensureIcsLinks(ports, meeting, pending);
  await issueWebLinks(ports, meeting, pending, now);
  ports.inviteProgress?.changed(meetingId, true);
  const deliverOne = async (invitation: Invitation) => {
    const ctx = contextOf(ports, year, invitation, meeting);
    if (!ctx) return;
    if (await deliverVersion(ports, ctx, now, summary, retryGivenUp)) {
      await ports.store.updateYear(year, (d) => {
        const stored = d.invitations.find((i) => i.id === invitation.id);
        if (stored && stored.sentSequence < meeting.sequence) stored.sentSequence = meeting.sequence;
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
function deliveredBefore(store: Store, invitationId: string, sequence: number): boolean {
  for (let version = 0; version <= sequence; version++) {
    if (wasSent(store, inviteKey(invitationId, version, 'teams')) || wasSent(store, inviteKey(invitationId, version, 'email'))) return true;
  }
  return false;
}

/** Sends the current version on every channel the partner needs; true when all of them have it. */
async function deliverVersion(ports: InvitePorts, ctx: InviteContext, now: Date, summary: SyncSummary, retryGivenUp: boolean): Promise<boolean> {
  const { invitation, meeting, partner } = ctx;
  const delivered = deliveredBefore(ports.store, invitation.id, meeting.sequence);
  const method = meeting.status === 'cancelled' ? 'CANCEL' : 'REQUEST';
  // Someone who never got the meeting gets no cancellation of it either.
  if (method === 'CANCEL' && !delivered) return true;
  const kind: InviteKind = method === 'CANCEL' ? 'cancel' : delivered ? 'update' : 'request';
  const { channels, conversationId } = inviteChannels(ports, partner);
  if (channels.length === 0) {
    summary.unreachable.push(refOf(partner));
    return false;
  }
  const what = `invite ${method} of meeting ${meeting.id} SEQUENCE ${meeting.sequence} to partner ${partner.id}`;
  let complete = true;
  for (const channel of channels) {
    const key = inviteKey(invitation.id, meeting.sequence, channel);
    const previous = sendRecordOf(ports.store, key);
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
      summary.failed.push({ partner: refOf(partner), reason: sendRecordOf(ports.store, key)?.lastError ?? result });
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
  const meetingIds = ports.store.years().flatMap((year) =>
    ports.store.readYear(year, (d) =>
      d.meetings
        .filter((m) => Date.parse(m.endsAt) > now.getTime())
        .filter((m) => d.invitations.some((i) => i.meetingId === m.id && i.sentSequence < m.sequence))
        .map((m) => m.id),
    ),
  );
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

/** True the first time it is asked for an office: tell its coordinators once that e-mail is not set up. */
export function claimNoEmailNotice(store: Store, officeId: string, now: Date): Promise<boolean> {
  const key = `invites.noEmailNoticeShown.${officeId}`;
  if (store.readShared((d) => key in d.jobState)) return Promise.resolve(false);
  return store.updateShared((d) => {
    if (key in d.jobState) return false;
    d.jobState[key] = now.toISOString();
    return true;
  });
}

// --- answers and lists -----------------------------------------------------

function rsvpProblem(invitation: Invitation | undefined, meeting: Meeting | undefined, partnerId: string, now: Date): RsvpErrorCode | undefined {
  if (!invitation) return 'not-found';
  if (invitation.partnerId !== partnerId) return 'not-invitee';
  if (!meeting) return 'not-found';
  if (meeting.status === 'cancelled') return 'cancelled';
  if (!canAnswer(meeting, now)) return 'past';
  return undefined;
}

/** The invitee's answer; anyone else, a cancelled meeting or one already started is refused. */
export async function recordRsvp(
  store: Store,
  invitationId: string,
  partnerId: string,
  response: RsvpAnswer,
  now: Date,
): Promise<{ ok: true; invitation: Invitation } | { ok: false; code: RsvpErrorCode }> {
  const found = findInvitation(store, invitationId);
  const check = (d: Pick<YearData, 'invitations' | 'meetings'>) => {
    const invitation = d.invitations.find((i) => i.id === invitationId);
    const meeting = invitation && d.meetings.find((m) => m.id === invitation.meetingId);
    return { invitation, code: rsvpProblem(invitation, meeting, partnerId, now) };
  };
  if (!found) return { ok: false, code: 'not-found' };
  const early = store.readYear(found.year, (d) => check(d).code);
  if (early) return { ok: false, code: early };
  return store.updateYear(found.year, (d) => {
    const { invitation, code } = check(d);
    if (code || !invitation) return { ok: false as const, code: code ?? 'not-found' };
    if (invitation.rsvp !== response) Object.assign(invitation, { rsvp: response, respondedAt: now.toISOString() });
    return { ok: true as const, invitation: { ...invitation } };
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
export function meetingInvitees(store: Store, meetingId: string): Invitee[] {
  const found = findMeeting(store, meetingId);
  if (!found) return [];
  const { meeting } = found;
  const invitations = store.readYear(found.year, (d) => d.invitations.filter((i) => i.meetingId === meetingId).map((i) => ({ ...i })));
  return store.readShared((d) => {
    const partners = new Map(d.partners.map((p) => [p.id, p]));
    return invitations
      .map((invitation): Invitee => {
        const records = (['teams', 'email'] as const)
          .map((channel) => ({ channel, record: sendRecordOf(store, inviteKey(invitation.id, meeting.sequence, channel)) }))
          .filter((r) => r.record);
        const failed = records.find((r) => r.record!.status === 'failed');
        const partner = partners.get(invitation.partnerId);
        return {
          invitation,
          ...(partner ? { partner: { ...partner } } : {}),
          delivery: invitation.sentSequence >= meeting.sequence ? 'sent' : failed ? 'failed' : 'pending',
          channels: records.filter((r) => r.record!.status === 'sent').map((r) => r.channel),
          ...(failed ? { error: failed.record!.lastError ?? '' } : {}),
        };
      })
      .sort(
        (a, b) =>
          collator.compare(a.partner?.organisation ?? '', b.partner?.organisation ?? '') ||
          collator.compare(a.partner?.name ?? '', b.partner?.name ?? ''),
      );
  });
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
export function inviteCounts(store: Store, meetingId: string): InviteCounts {
  const invitees = meetingInvitees(store, meetingId);
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

// --- reminders -------------------------------------------------------------

/**
 * Job: a reminder shortly before a meeting (invites.reminderBeforeHours, 0 = none)
 * to invitees who accepted or have not answered: in Teams, or by e-mail when the
 * partner has no Teams chat with the bot. Once per invitation and meeting version.
 */
export async function sendReminders(ports: InvitePorts, now: Date): Promise<void> {
  const windowEnd = now.getTime() + ports.config.invites.reminderBeforeHours * 60 * 60 * 1000;
  for (const year of ports.store.years()) {
    const due = ports.store.readYear(year, (d) =>
      d.meetings
        .filter((m) => m.status === 'scheduled' && Date.parse(m.startsAt) > now.getTime() && Date.parse(m.startsAt) <= windowEnd)
        .flatMap((m) =>
          d.invitations
            .filter((i) => i.meetingId === m.id && i.sentSequence >= 0 && (i.rsvp === 'accepted' || i.rsvp === 'needs-action'))
            .map((i) => ({ invitation: { ...i }, meeting: { ...m } })),
        ),
    );
    for (const { invitation, meeting } of due) {
      const key = reminderKey(invitation.id, meeting.sequence);
      if (wasSent(ports.store, key)) continue;
      const ctx = contextOf(ports, year, invitation, meeting);
      if (!ctx) continue;
      const conversation = personalConversation(ports.store, ctx.partner.aadObjectId);
      const what = `reminder of meeting ${meeting.id} SEQUENCE ${meeting.sequence} to partner ${ctx.partner.id}`;
      let result: SendResult | null = null;
      if (conversation) {
        result = await ports.delivery.send(key, conversation.id, { card: inviteCard(ctx, 'reminder', languageOf(ctx.partner), now) }, what);
      } else if (ports.email) {
        result = await ports.email.send(key, ctx.partner.id, { to: ctx.partner.email, ...inviteEmail(await withWebLinks(ports, ctx, now), 'reminder') }, what);
      }
      if (result !== 'sent') continue;
      await ports.store.updateYear(year, (d) => {
        const stored = d.invitations.find((i) => i.id === invitation.id);
        if (stored) stored.reminderSentAt = now.toISOString();
      });
    }
  }
}

// --- download --------------------------------------------------------------

/** The .ics behind a download token: the invitee's current version, or null when unknown or expired. */
export function resolveIcsDownload(
  store: Store,
  config: AppConfig,
  token: string,
  now: Date,
): { contentType: string; fileName: string; body: string } | null {
  const link = store.readShared((d) => d.links.find((l) => l.id === token && l.kind === 'ics'));
  if (!link || Date.parse(link.expiresAt) <= now.getTime()) return null;
  const ctx = invitationContext({ store, config }, link.ref);
  if (!ctx || ctx.invitation.icsToken !== token) return null;
  const method = ctx.meeting.status === 'cancelled' ? 'CANCEL' : 'REQUEST';
  return {
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    fileName: icsFileName(ctx.meeting),
    body: icsContent(ctx, method, now),
  };
}
