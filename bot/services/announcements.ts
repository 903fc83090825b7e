// Announcements: an office tells the partners of some of its segments about a
// change, a disruption or an event. Each partner gets it once — a Teams card
// when the bot has their personal chat, an e-mail otherwise — and each of the
// office's channels subscribed to news gets one post. A disruption marked
// resolved replaces the same Teams cards (no new message) and sends each
// e-mail recipient one follow-up. Every send has an idempotency key, so a
// double click, a retry or a restart never sends the same thing twice.
import type { AppConfig } from '../config.js';
import type { EmailDelivery } from '../delivery/email-delivery.js';
import { recordSend, sendRecordOf, wasSent } from '../delivery/send-log.js';
import type { SendResult, TeamsDelivery } from '../delivery/teams-delivery.js';
import type { AnnouncementInput } from '../domain/announcement-input.js';
import type { Announcement, Locale, Office, Partner, SentCardRef } from '../domain/types.js';
import type { SendRecord, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { announcementCard, announcementEmail } from './announcement-messages.js';
import { contactsFor } from './contacts.js';
import { personalConversation } from './conversations.js';
import { isRunning, oneAtATime } from './invites.js';
import { languageOf } from './people.js';

export interface AnnouncePorts {
  store: Store;
  config: AppConfig;
  delivery: TeamsDelivery;
  /** null when SMTP_URL is not set. */
  email: EmailDelivery | null;
  log: (line: string) => void;
  clock: Clock;
}

export type AnnounceErrorCode = 'no-recipients' | 'not-found' | 'other-office' | 'not-disruption' | 'already-resolved' | 'not-recipient';

export type AnnounceChannel = 'teams' | 'email';

/** Deliveries running at the same time in one run; the send queue paces the sends themselves. */
const WORKERS = 32;
/** The job catches up announcements this young (sends cut short by a restart, failures). */
const CATCH_UP_DAYS = 7;
const DAY_MS = 86_400_000;

const partnerKey = (id: string, partnerId: string, channel: AnnounceChannel) => `announce:${id}:${partnerId}:${channel}`;
const channelKey = (id: string, conversationId: string) => `announce:${id}:channel:${conversationId}`;
const resolvedKey = (sentKey: string) => `${sentKey}:resolved`;
const versionKey = (sentKey: string, version: number) => `${sentKey}:v${version}`;
const runKey = (id: string) => `announcement:${id}`;

// --- lookups ---------------------------------------------------------------

export function findAnnouncement(store: Store, id: string): Announcement | undefined {
  return store.readShared((d) => {
    const found = d.announcements.find((a) => a.id === id);
    return found && structuredClone(found);
  });
}

/** The office's announcements, newest first. */
export function officeAnnouncements(store: Store, officeId: string): Announcement[] {
  return store.readShared((d) =>
    d.announcements
      .filter((a) => a.officeId === officeId)
      .map((a) => structuredClone(a))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
  );
}

/** The office's partners in the segments. */
function partnersIn(store: Store, officeId: string, segments: readonly string[]): Partner[] {
  return store.readShared((d) => d.partners.filter((p) => p.officeId === officeId && segments.includes(p.segment)).map((p) => ({ ...p })));
}

/** The office's channels subscribed to `topic`. */
export function subscribedChannels(store: Store, officeId: string, topic: 'meetings' | 'news'): { conversationId: string; locale?: Locale }[] {
  return store.readShared((d) =>
    d.subscriptions
      .filter((s) => s.topic === topic && s.officeId === officeId)
      .map((s) => ({ conversationId: s.conversationRecordId, ...(s.locale ? { locale: s.locale } : {}) })),
  );
}

/** How a partner is reached: Teams when the bot has their personal chat, else e-mail when set up. */
function channelFor(ports: Pick<AnnouncePorts, 'store' | 'email'>, partner: Partner): { channel: AnnounceChannel; conversationId?: string } | null {
  const chat = personalConversation(ports.store, partner.aadObjectId);
  if (chat) return { channel: 'teams', conversationId: chat.id };
  return ports.email ? { channel: 'email' } : null;
}

export interface Reach {
  teams: number;
  email: number;
  unreachable: number;
  channels: number;
}

/** Whom an announcement to these segments would reach now: the preview's counts. */
export function reachOf(ports: Pick<AnnouncePorts, 'store' | 'email'>, officeId: string, segments: readonly string[]): Reach {
  const reach: Reach = { teams: 0, email: 0, unreachable: 0, channels: subscribedChannels(ports.store, officeId, 'news').length };
  for (const partner of partnersIn(ports.store, officeId, segments)) {
    const way = channelFor(ports, partner);
    if (way) reach[way.channel] += 1;
    else reach.unreachable += 1;
  }
  return reach;
}

// --- create, acknowledge, resolve ------------------------------------------

/**
 * Stores the announcement under `id` (the id the preview card carries, so a
 * second click on Send finds the first instead of creating another), with its
 * recipients fixed: the office's partners in the segments and its news channels.
 */
export async function createAnnouncement(
  store: Store,
  id: string,
  officeId: string,
  input: AnnouncementInput,
  meta: { locale: Locale; by: string },
  now: Date,
): Promise<{ ok: true; announcement: Announcement; created: boolean } | { ok: false; code: AnnounceErrorCode }> {
  const existing = findAnnouncement(store, id);
  if (existing) return existing.officeId === officeId ? { ok: true, announcement: existing, created: false } : { ok: false, code: 'other-office' };
  const recipients = partnersIn(store, officeId, input.segments).map((p) => p.id);
  if (recipients.length === 0) return { ok: false, code: 'no-recipients' };
  const channels = subscribedChannels(store, officeId, 'news').map((c) => c.conversationId);
  return store.updateShared((d) => {
    const again = d.announcements.find((a) => a.id === id);
    if (again) return { ok: true as const, announcement: structuredClone(again), created: false };
    const announcement: Announcement = {
      id,
      officeId,
      ...input,
      locale: meta.locale,
      createdBy: meta.by,
      createdAt: now.toISOString(),
      recipients,
      channels,
      acknowledgements: [],
    };
    d.announcements.push(announcement);
    return { ok: true as const, announcement: structuredClone(announcement), created: true };
  });
}

/** A recipient's Acknowledge: recorded once, the first time counts. */
export async function acknowledge(store: Store, id: string, partnerId: string, now: Date): Promise<{ ok: true; announcement: Announcement } | { ok: false; code: AnnounceErrorCode }> {
  const found = findAnnouncement(store, id);
  if (!found) return { ok: false, code: 'not-found' };
  if (!found.recipients.includes(partnerId)) return { ok: false, code: 'not-recipient' };
  if (found.acknowledgements.some((a) => a.partnerId === partnerId)) return { ok: true, announcement: found };
  return store.updateShared((d) => {
    const stored = d.announcements.find((a) => a.id === id);
    if (!stored) return { ok: false as const, code: 'not-found' as const };
    if (!stored.acknowledgements.some((a) => a.partnerId === partnerId)) stored.acknowledgements.push({ partnerId, at: now.toISOString() });
    return { ok: true as const, announcement: structuredClone(stored) };
  });
}

/** Changes an open disruption of the office (`officeId` null: any office, for admins); the cards follow via deliverAnnouncement. */
async function changeDisruption(
  store: Store,
  id: string,
  officeId: string | null,
  change: (a: Announcement) => void,
): Promise<{ ok: true; announcement: Announcement } | { ok: false; code: AnnounceErrorCode }> {
  const problem = (a: Announcement | undefined): AnnounceErrorCode | undefined => {
    if (!a) return 'not-found';
    if (officeId !== null && a.officeId !== officeId) return 'other-office';
    if (a.kind !== 'disruption') return 'not-disruption';
    if (a.resolvedAt) return 'already-resolved';
    return undefined;
  };
  const early = problem(findAnnouncement(store, id));
  if (early) return { ok: false, code: early };
  return store.updateShared((d) => {
    const stored = d.announcements.find((a) => a.id === id);
    const code = problem(stored);
    if (code || !stored) return { ok: false as const, code: code ?? 'not-found' };
    change(stored);
    return { ok: true as const, announcement: structuredClone(stored) };
  });
}

/** New text for an open disruption: the Teams cards (chats and channels) show it, replaced in place; e-mail waits for the resolution. */
export function updateDisruption(store: Store, id: string, officeId: string | null, text: string, now: Date) {
  return changeDisruption(store, id, officeId, (a) => {
    a.text = text;
    a.version = (a.version ?? 0) + 1;
    a.updatedAt = now.toISOString();
  });
}

/** Marks a disruption resolved (once), with an optional note; the follow-ups are sent by deliverAnnouncement. */
export function resolveDisruption(store: Store, id: string, officeId: string | null, resolution: string, now: Date) {
  return changeDisruption(store, id, officeId, (a) => {
    a.resolvedAt = now.toISOString();
    if (resolution) a.resolution = resolution;
  });
}

/** Remembers the coordinator's card, to show the final counts on it when the sends end. */
export async function rememberStatusCard(store: Store, id: string, card: SentCardRef): Promise<void> {
  await store.updateShared((d) => {
    const stored = d.announcements.find((a) => a.id === id);
    if (stored) stored.statusCard = card;
  });
}

// --- delivery --------------------------------------------------------------

export const isDelivering = (store: Store, id: string) => isRunning(store, runKey(id));

/** The record of how the partner got the announcement, if they did. */
function deliveredTo(store: Store, id: string, partnerId: string): { channel: AnnounceChannel; record: SendRecord } | undefined {
  for (const channel of ['teams', 'email'] as const) {
    const record = sendRecordOf(store, partnerKey(id, partnerId, channel));
    if (record?.status === 'sent') return { channel, record };
  }
  return undefined;
}

/**
 * A first delivery made after the disruption was updated or resolved already
 * shows that: those follow-ups are recorded as done with it, so none is sent.
 */
async function settleFollowUp(ports: AnnouncePorts, a: Announcement, sentKey: string, result: SendResult): Promise<SendResult> {
  const first = result === 'sent' ? sendRecordOf(ports.store, sentKey) : undefined;
  if (!first) return result;
  const at = ports.clock().toISOString();
  const settled = [...(a.version ? [versionKey(sentKey, a.version)] : []), ...(a.resolvedAt ? [resolvedKey(sentKey)] : [])];
  for (const key of settled) await recordSend(ports.store, { ...first, id: key, what: `${first.what} (included)`, attempts: 0, at });
  return result;
}

/** The key of the card replacement still owed for a first delivery, if any: the resolution, else the latest update. */
function owedReplacement(store: Store, a: Announcement, sentKey: string): string | null {
  const key = a.resolvedAt ? resolvedKey(sentKey) : a.version ? versionKey(sentKey, a.version) : null;
  return key && !wasSent(store, key) ? key : null;
}

function officeOf(config: AppConfig, a: Announcement): Office {
  return config.offices.find((o) => o.id === a.officeId) ?? config.offices[0];
}

export interface DeliverySummary {
  sent: number;
  failed: number;
}

/**
 * Sends what is not sent yet: the announcement to every recipient and channel,
 * and for a resolved disruption the card replacements and e-mail follow-ups.
 * Runs for the same announcement wait for each other, so a double click sends once.
 */
export function deliverAnnouncement(ports: AnnouncePorts, id: string): Promise<DeliverySummary> {
  return oneAtATime(ports.store, runKey(id), () => deliverNow(ports, id));
}

async function deliverNow(ports: AnnouncePorts, id: string): Promise<DeliverySummary> {
  const summary: DeliverySummary = { sent: 0, failed: 0 };
  const a = findAnnouncement(ports.store, id);
  if (!a) return summary;
  const office = officeOf(ports.config, a);
  const count = (result: SendResult | null) => {
    if (result === 'sent') summary.sent += 1;
    else if (result === 'failed') summary.failed += 1;
  };
  const tasks: (() => Promise<SendResult | null>)[] = [
    ...a.recipients.map((partnerId) => () => deliverToPartner(ports, a, office, partnerId)),
    ...a.channels.map((conversationId) => () => deliverToChannel(ports, a, office, conversationId)),
  ];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) count(await tasks[next++]());
  };
  await Promise.all(Array.from({ length: Math.min(WORKERS, tasks.length) }, worker));
  return summary;
}

async function deliverToPartner(ports: AnnouncePorts, a: Announcement, office: Office, partnerId: string): Promise<SendResult | null> {
  const partner = ports.store.readShared((d) => d.partners.find((p) => p.id === partnerId));
  if (!partner) return null;
  const locale = languageOf(partner);
  const view = { announcement: a, office, locale, contacts: contactsFor(ports.store, a.officeId, partner.segment) };
  const acknowledged = a.acknowledgements.some((ack) => ack.partnerId === partnerId);
  const card = () => announcementCard(view, { acknowledged, inChannel: false });
  const delivered = deliveredTo(ports.store, a.id, partnerId);
  if (delivered) {
    const what = `announcement ${a.id} ${a.resolvedAt ? 'resolved' : `version ${a.version}`} to partner ${partnerId}`;
    if (delivered.channel === 'teams') {
      const key = owedReplacement(ports.store, a, delivered.record.id);
      if (!key || !delivered.record.activityId) return null;
      return ports.delivery.update(key, delivered.record.target, delivered.record.activityId, { card: card() }, what);
    }
    // E-mail recipients get no message per update, one when it is resolved.
    const key = resolvedKey(delivered.record.id);
    if (!a.resolvedAt || !ports.email || wasSent(ports.store, key)) return null;
    return ports.email.send(key, partnerId, { to: partner.email, ...announcementEmail(view, partner.name, true) }, what);
  }
  const way = channelFor(ports, partner);
  if (!way) return null;
  const key = partnerKey(a.id, partnerId, way.channel);
  const what = `announcement ${a.id} to partner ${partnerId}`;
  const result =
    way.channel === 'teams'
      ? await ports.delivery.send(key, way.conversationId!, { card: card() }, what)
      : await ports.email!.send(key, partnerId, { to: partner.email, ...announcementEmail(view, partner.name, false) }, what);
  return settleFollowUp(ports, a, key, result);
}

async function deliverToChannel(ports: AnnouncePorts, a: Announcement, office: Office, conversationId: string): Promise<SendResult | null> {
  const locale = ports.store.readShared((d) => d.subscriptions.find((s) => s.conversationRecordId === conversationId && s.topic === 'news')?.locale) ?? office.locale;
  const message = { card: announcementCard({ announcement: a, office, locale, contacts: [] }, { acknowledged: false, inChannel: true }) };
  const key = channelKey(a.id, conversationId);
  const record = sendRecordOf(ports.store, key);
  if (record?.status !== 'sent') return settleFollowUp(ports, a, key, await ports.delivery.send(key, conversationId, message, `announcement ${a.id} to channel`));
  const replacement = owedReplacement(ports.store, a, key);
  if (!replacement || !record.activityId) return null;
  return ports.delivery.update(replacement, conversationId, record.activityId, message, `announcement ${a.id} replaced in channel`);
}

/**
 * Job: finishes the sends of recent announcements (cut short by a restart, or
 * failed); `sent` is told about each announcement it sent something for.
 */
export async function deliverPendingAnnouncements(ports: AnnouncePorts, now: Date, signal?: AbortSignal, sent?: (id: string) => Promise<void>): Promise<void> {
  const since = now.getTime() - CATCH_UP_DAYS * DAY_MS;
  const recent = ports.store.readShared((d) =>
    d.announcements.filter((a) => [a.createdAt, a.updatedAt, a.resolvedAt].some((at) => at && Date.parse(at) >= since)).map((a) => a.id),
  );
  for (const id of recent) {
    signal?.throwIfAborted();
    const summary = await deliverAnnouncement(ports, id);
    if (summary.sent + summary.failed === 0) continue;
    ports.log(`announcements.sync: ${id}: sent ${summary.sent}, ${summary.failed} failed`);
    await sent?.(id);
  }
}

// --- counts ----------------------------------------------------------------

export interface AnnouncementCounts {
  recipients: number;
  teams: { sent: number; failed: number };
  email: { sent: number; failed: number };
  channels: { sent: number; failed: number };
  /** Partners with no Teams chat with the bot while e-mail is not set up. */
  unreachable: number;
  /** Teams recipients who pressed Acknowledge. */
  acknowledged: number;
  /** Follow-ups of a resolved disruption: Teams cards replaced and e-mails sent. */
  followUps: number;
}

export function announcementCounts(ports: Pick<AnnouncePorts, 'store' | 'email'>, a: Announcement): AnnouncementCounts {
  const { store } = ports;
  const counts: AnnouncementCounts = {
    recipients: a.recipients.length,
    teams: { sent: 0, failed: 0 },
    email: { sent: 0, failed: 0 },
    channels: { sent: 0, failed: 0 },
    unreachable: 0,
    acknowledged: a.acknowledgements.length,
    followUps: 0,
  };
  const tally = (bucket: { sent: number; failed: number }, record: SendRecord | undefined) => {
    if (record?.status === 'sent') bucket.sent += 1;
    else if (record?.status === 'failed') bucket.failed += 1;
  };
  for (const partnerId of a.recipients) {
    const delivered = deliveredTo(store, a.id, partnerId);
    if (delivered) {
      counts[delivered.channel].sent += 1;
      if (wasSent(store, resolvedKey(delivered.record.id))) counts.followUps += 1;
      continue;
    }
    const failed = (['teams', 'email'] as const).find((c) => sendRecordOf(store, partnerKey(a.id, partnerId, c))?.status === 'failed');
    if (failed) counts[failed].failed += 1;
    const partner = store.readShared((d) => d.partners.find((p) => p.id === partnerId));
    if (!failed && partner && !channelFor(ports, partner)) counts.unreachable += 1;
  }
  for (const conversationId of a.channels) tally(counts.channels, sendRecordOf(store, channelKey(a.id, conversationId)));
  return counts;
}
