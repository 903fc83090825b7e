// Calendar invitations: who is invited to a meeting, how each invitee is
// reached, and the links their messages carry. Delivering the invitations is
// in invite-sync.ts, answers and lists in invite-answers.ts, reminders in
// invite-reminders.ts. Every send has an idempotency key and a send record, so
// a retry, a double click or a restart never delivers the same version twice.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type { EmailDelivery } from '../delivery/email-delivery.js';
import type { TeamsDelivery } from '../delivery/teams-delivery.js';
import { handlesOffice } from '../domain/office-access.js';
import type { Viewer } from '../domain/proposal-rules.js';
import type { Invitation, Meeting, Partner, Rsvp } from '../domain/types.js';
import { RecordConflictError, type RecordReader, type RecordStore, type RecordTransaction } from '../store/records.js';
import { segmentContactsOf } from './contacts.js';
import { personalChatOf } from './conversations.js';
import type { InviteContext, InviteWebLinks } from './invite-messages.js';
import { issuePartnerLinks, type PartnerLinkRequest } from './partner-links.js';

/** What the invitation use cases need; BotDeps provides all of it. */
export interface InvitePorts {
  records: RecordStore;
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

export type InviteErrorCode = 'not-found' | 'other-office' | 'cancelled' | 'past' | 'unknown-partner';
export type RsvpErrorCode = 'not-found' | 'not-invitee' | 'cancelled' | 'past';
export type RsvpAnswer = Exclude<Rsvp, 'needs-action'>;

const DAY_MS = 24 * 60 * 60 * 1000;
/** A concurrent invite of the same partners (another instance) makes a transaction conflict; each retry sees more of theirs. */
const INVITE_ATTEMPTS = 3;
export const collator = new Intl.Collator('fi');

export const inviteKey = (invitationId: string, sequence: number, channel: Channel) => `invite:${invitationId}:${sequence}:${channel}`;
export const refOf = (p: Partner): PartnerRef => ({ id: p.id, name: p.name, organisation: p.organisation });

// --- lookups ---------------------------------------------------------------

/** The meeting and the year it is filed under. */
export async function findMeeting(reader: RecordReader, meetingId: string): Promise<{ year: number; meeting: Meeting } | undefined> {
  const meeting = await reader.get('meetings', meetingId);
  const year = meeting && (await reader.yearOf('meetings', meetingId));
  return meeting && year !== undefined ? { year, meeting } : undefined;
}

/** The meeting, if the viewer handles its office's invitations. */
export async function staffMeeting(reader: RecordReader, meetingId: string, viewer: Viewer): Promise<{ ok: true; meeting: Meeting } | { ok: false; code: InviteErrorCode }> {
  const found = await findMeeting(reader, meetingId);
  if (!found) return { ok: false, code: 'not-found' };
  return handlesOffice(viewer, found.meeting.officeId) ? { ok: true, meeting: found.meeting } : { ok: false, code: 'other-office' };
}

/** What the invitee's messages about this invitation show; undefined when the invitation, partner or office is gone. */
export async function invitationContext(ports: { records: RecordReader; config: AppConfig }, invitationId: string): Promise<InviteContext | undefined> {
  const invitation = await ports.records.get('invitations', invitationId);
  const meeting = invitation && (await ports.records.get('meetings', invitation.meetingId));
  return meeting && contextOf(ports, invitation!, meeting);
}

export async function contextOf(
  ports: { records: RecordReader; config: AppConfig },
  invitation: Invitation,
  meeting: Meeting,
): Promise<InviteContext | undefined> {
  const { records, config } = ports;
  const partner = await records.get('partners', invitation.partnerId);
  const office = config.offices.find((o) => o.id === meeting.officeId);
  if (!partner || !office) return undefined;
  const theme = (await records.get('plans', meeting.planId))?.theme ?? '';
  const icsUrl = `${config.publicBaseUrl}/files/${invitation.icsToken}`;
  const contacts = await segmentContactsOf(records, office.id, partner.segment);
  return { invitation, meeting, partner, office, theme, icsUrl, contacts };
}

/** The office's partners in the meeting's segments, by organisation and name. */
export async function inviteCandidates(reader: RecordReader, meeting: Meeting): Promise<Partner[]> {
  const partners = await reader.findBy('partners', 'officeId', meeting.officeId);
  return partners
    .filter((p) => meeting.segments.includes(p.segment))
    .sort((a, b) => collator.compare(a.organisation, b.organisation) || collator.compare(a.name, b.name));
}

/** How an invitation reaches the partner: Teams when the bot has their personal chat, e-mail when needed and set up. */
export async function inviteChannels(
  ports: { records: RecordReader; config: AppConfig; email: EmailDelivery | null },
  partner: Partner,
): Promise<{ channels: Channel[]; conversationId?: string }> {
  const conversation = await personalChatOf(ports.records, partner.aadObjectId);
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
  ports: { records: RecordStore; config: AppConfig },
  meetingId: string,
  partnerIds: string[],
  officeId: string,
  now: Date,
): Promise<{ ok: true; created: Invitation[] } | { ok: false; code: InviteErrorCode }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ports.records.transaction((tx) => inviteIn(tx, ports.config, meetingId, partnerIds, officeId, now));
    } catch (err) {
      // Another instance invited one of them meanwhile (invitations_meeting_partner): they are "already invited".
      if (!(err instanceof RecordConflictError) || attempt >= INVITE_ATTEMPTS) throw err;
    }
  }
}

async function inviteIn(tx: RecordTransaction, config: AppConfig, meetingId: string, partnerIds: string[], officeId: string, now: Date) {
  const meeting = await tx.get('meetings', meetingId);
  const code = meetingProblem(meeting, officeId, now);
  if (code || !meeting) return { ok: false as const, code: code ?? 'not-found' };
  const candidates = new Set((await inviteCandidates(tx, meeting)).map((p) => p.id));
  if (partnerIds.some((id) => !candidates.has(id))) return { ok: false as const, code: 'unknown-partner' as const };
  const invited = new Set((await tx.findBy('invitations', 'meetingId', meetingId)).map((i) => i.partnerId));
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
  for (const invitation of created) await tx.putInYear('invitations', meeting.year, invitation);
  await ensureIcsLinks(tx, config, meeting, created);
  return { ok: true as const, created };
}

/** An e-mailed invitee's pages: the RSVP link lives as long as the .ics link. */
function webLinkRequests(meeting: Meeting, invitation: Invitation, config: AppConfig): PartnerLinkRequest[] {
  const expiresAt = new Date(Date.parse(meeting.endsAt) + config.links.expireAfterDays * DAY_MS).toISOString();
  return [{ kind: 'rsvp', ref: invitation.id, expiresAt }, { kind: 'my-data', ref: invitation.partnerId }];
}

/** The invitation's context with the partner's RSVP and my-data pages, for an e-mail. */
export async function withWebLinks(ports: { records: RecordStore; config: AppConfig }, ctx: InviteContext, now: Date): Promise<InviteContext> {
  const wanted = webLinkRequests(ctx.meeting, ctx.invitation, ports.config).map((w) => ({ ...w, partnerId: ctx.partner.id }));
  const [rsvp, myData] = await ports.records.transaction((tx) => issuePartnerLinks(tx, ports.config, wanted, now));
  return { ...ctx, web: { rsvp, myData } };
}

/** Issues the page links of every pending invitee who gets an e-mail in one transaction, before the sends; by invitation id. */
export async function issueWebLinks(ports: InvitePorts, meeting: Meeting, pending: Invitation[], now: Date): Promise<Map<string, InviteWebLinks>> {
  const wanted: (PartnerLinkRequest & { partnerId: string })[] = [];
  const emailed: string[] = [];
  for (const invitation of pending) {
    const partner = await ports.records.get('partners', invitation.partnerId);
    if (!partner || !(await inviteChannels(ports, partner)).channels.includes('email')) continue;
    emailed.push(invitation.id);
    wanted.push(...webLinkRequests(meeting, invitation, ports.config).map((w) => ({ ...w, partnerId: partner.id })));
  }
  if (wanted.length === 0) return new Map();
  const urls = await ports.records.transaction((tx) => issuePartnerLinks(tx, ports.config, wanted, now));
  // Two links per invitation, in the order of webLinkRequests.
  return new Map(emailed.map((id, n) => [id, { rsvp: urls[2 * n], myData: urls[2 * n + 1] }]));
}

/** Each invitation's .ics link exists and expires `links.expireAfterDays` after the meeting ends. */
export async function ensureIcsLinks(tx: RecordTransaction, config: AppConfig, meeting: Meeting, invitations: Invitation[]): Promise<void> {
  const expiresAt = new Date(Date.parse(meeting.endsAt) + config.links.expireAfterDays * DAY_MS).toISOString();
  for (const invitation of invitations) {
    const link = await tx.get('links', invitation.icsToken);
    if (link?.expiresAt === expiresAt) continue;
    await tx.put('links', { ...(link ?? { id: invitation.icsToken, kind: 'ics', ref: invitation.id }), expiresAt });
  }
}

/** True the first time it is asked for an office: tell its coordinators once that e-mail is not set up. */
export function claimNoEmailNotice(records: RecordStore, officeId: string, now: Date): Promise<boolean> {
  const key = `invites.noEmailNoticeShown.${officeId}`;
  return records.transaction(async (tx) => {
    if ((await tx.jobState(key)) !== undefined) return false;
    await tx.setJobState(key, now.toISOString());
    return true;
  });
}

// --- one run at a time -----------------------------------------------------

/** Invitations read at the same time (on PostgreSQL each read is a round trip); below the pool's 10 connections. */
export const READ_WORKERS = 8;

/** Runs `task` for 0…count-1, at most `workers` at a time, each index once in order of start. */
export async function withWorkers(count: number, workers: number, task: (n: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(workers, count) }, worker));
}

const runs = new WeakMap<object, Map<string, { tail: Promise<unknown>; waiting: number }>>();

/** Runs `task` after any earlier task with the same key has finished (per store: `owner`). */
export function oneAtATime<T>(owner: object, key: string, task: () => Promise<T>): Promise<T> {
  let queue = runs.get(owner);
  if (!queue) runs.set(owner, (queue = new Map()));
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

export const meetingRunKey = (meetingId: string) => `meeting:${meetingId}`;

/** True while a oneAtATime task with this key runs (or waits for the one before it). */
export function isRunning(owner: object, key: string): boolean {
  return runs.get(owner)?.has(key) ?? false;
}

/** True while invitations of the meeting are being sent (or a run waits for the one before it). */
export function isSending(records: RecordStore, meetingId: string): boolean {
  return isRunning(records, meetingRunKey(meetingId));
}
