// Sending announcements. Each partner gets one once — a Teams card when the bot
// has their personal chat, an e-mail otherwise — and each of the office's
// channels subscribed to news gets one post. A disruption updated or marked
// resolved replaces the same Teams cards (no new message); each e-mail
// recipient gets one follow-up when it is resolved. Every send has an
// idempotency key, so a double click, a retry or a restart never sends the
// same thing twice. The records themselves are announcements.ts.
import type { Card } from '../cards.js';
import type { AppConfig } from '../config.js';
import type { CardUpdatePort } from '../delivery/outgoing.js';
import { isSent, recordIncludedSends, sendOf } from '../delivery/send-log.js';
import type { SendResult } from '../delivery/teams-delivery.js';
import type { Announcement, Office } from '../domain/types.js';
import type { StoredSend } from '../store/record-kinds.js';
import type { RecordReader } from '../store/records.js';
import { announcementCard, announcementEmail, announcementStatusCard, type StatusCardViewer } from './announcement-messages.js';
import { channelFor, channelsFor, findAnnouncement, type AnnounceChannel, type AnnouncePorts } from './announcements.js';
import { segmentContactsOf } from './contacts.js';
import { isRunning, oneAtATime } from './invites.js';
import { languageOf } from './people.js';
import { officeOrFirst } from '../domain/office-name.js';

/** Deliveries running at the same time in one run; the send queue paces the sends themselves. */
const WORKERS = 32;
/** The job catches up announcements this young (sends cut short by a restart, failures). */
const CATCH_UP_DAYS = 7;
const DAY_MS = 86_400_000;

/** The channels of a partner's first delivery, in the order their send records are looked up. */
const CHANNELS = ['teams', 'email'] as const;
const partnerKey = (id: string, partnerId: string, channel: AnnounceChannel) => `announce:${id}:${partnerId}:${channel}`;
const channelKey = (id: string, conversationId: string) => `announce:${id}:channel:${conversationId}`;
const resolvedKey = (sentKey: string) => `${sentKey}:resolved`;
const versionKey = (sentKey: string, version: number) => `${sentKey}:v${version}`;
const runKey = (id: string) => `announcement:${id}`;

export const isDelivering = (ports: Pick<AnnouncePorts, 'records'>, id: string) => isRunning(ports.records, runKey(id));

/** The record of how the partner got the announcement, if they did. */
async function deliveredTo(reader: RecordReader, id: string, partnerId: string): Promise<{ channel: AnnounceChannel; record: StoredSend } | undefined> {
  for (const channel of CHANNELS) {
    const record = await sendOf(reader, partnerKey(id, partnerId, channel));
    if (record?.status === 'sent') return { channel, record };
  }
  return undefined;
}

/**
 * A first delivery made after the disruption was updated or resolved already
 * shows that: those follow-ups are recorded as done with it, so none is sent.
 */
async function settleFollowUp(ports: AnnouncePorts, a: Announcement, sentKey: string, result: SendResult): Promise<SendResult> {
  const first = result === 'sent' ? await sendOf(ports.records, sentKey) : undefined;
  if (!first) return result;
  const at = ports.clock().toISOString();
  const settled = [...(a.version ? [versionKey(sentKey, a.version)] : []), ...(a.resolvedAt ? [resolvedKey(sentKey)] : [])];
  await recordIncludedSends(ports.records, settled.map((key) => ({ ...first, status: 'sent', id: key, what: `${first.what} (included)`, attempts: 0, at })));
  return result;
}

/** The key of the card replacement still owed for a first delivery, if any: the resolution, else the latest update. */
async function owedReplacement(reader: RecordReader, a: Announcement, sentKey: string): Promise<string | null> {
  const key = a.resolvedAt ? resolvedKey(sentKey) : a.version ? versionKey(sentKey, a.version) : null;
  return key && !(await isSent(reader, key)) ? key : null;
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
  return oneAtATime(ports.records, runKey(id), () => deliverNow(ports, id));
}

async function deliverNow(ports: AnnouncePorts, id: string): Promise<DeliverySummary> {
  const summary: DeliverySummary = { sent: 0, failed: 0 };
  const a = await findAnnouncement(ports.records, id);
  if (!a) return summary;
  const office = officeOrFirst(ports.config.offices, a.officeId);
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
  const partner = await ports.records.get('partners', partnerId);
  if (!partner) return null;
  const locale = languageOf(partner);
  const view = { announcement: a, office, locale, contacts: await segmentContactsOf(ports.records, a.officeId, partner.segment) };
  const acknowledged = a.acknowledgements.some((ack) => ack.partnerId === partnerId);
  const card = () => announcementCard(view, { acknowledged, inChannel: false });
  const delivered = await deliveredTo(ports.records, a.id, partnerId);
  if (delivered) {
    const what = `announcement ${a.id} ${a.resolvedAt ? 'resolved' : `version ${a.version}`} to partner ${partnerId}`;
    if (delivered.channel === 'teams') {
      const key = await owedReplacement(ports.records, a, delivered.record.id);
      if (!key || !delivered.record.activityId) return null;
      return ports.delivery.update(key, delivered.record.target, delivered.record.activityId, { card: card() }, what);
    }
    // E-mail recipients get no message per update, one when it is resolved.
    const key = resolvedKey(delivered.record.id);
    if (!a.resolvedAt || !ports.email || (await isSent(ports.records, key))) return null;
    return ports.email.send(key, partnerId, { to: partner.email, ...announcementEmail(view, partner.name, true) }, what);
  }
  const way = await channelFor(ports, partner);
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
  const subscriptions = await ports.records.findBy('subscriptions', 'conversationRecordId', conversationId);
  const locale = subscriptions.find((s) => s.topic === 'news')?.locale ?? office.locale;
  const message = { card: announcementCard({ announcement: a, office, locale, contacts: [] }, { acknowledged: false, inChannel: true }) };
  const key = channelKey(a.id, conversationId);
  const record = await sendOf(ports.records, key);
  if (record?.status !== 'sent') return settleFollowUp(ports, a, key, await ports.delivery.send(key, conversationId, message, `announcement ${a.id} to channel`));
  const replacement = await owedReplacement(ports.records, a, key);
  if (!replacement || !record.activityId) return null;
  return ports.delivery.update(replacement, conversationId, record.activityId, message, `announcement ${a.id} replaced in channel`);
}

/** The ids of the offices' announcements created, updated or resolved since then. */
async function recentAnnouncements(reader: RecordReader, config: AppConfig, since: number): Promise<string[]> {
  const ids: string[] = [];
  for (const office of config.offices) {
    for (const a of await reader.findBy('announcements', 'officeId', office.id)) {
      if ([a.createdAt, a.updatedAt, a.resolvedAt].some((at) => at && Date.parse(at) >= since)) ids.push(a.id);
    }
  }
  return ids;
}

/**
 * Job: finishes the sends of recent announcements (cut short by a restart, or
 * failed); the coordinator's status card of each one it sent something for
 * shows the new counts.
 */
export async function deliverPendingAnnouncements(ports: StatusCardPorts, now: Date, signal?: AbortSignal): Promise<void> {
  const since = now.getTime() - CATCH_UP_DAYS * DAY_MS;
  const recent = await recentAnnouncements(ports.records, ports.config, since);
  for (const id of recent) {
    signal?.throwIfAborted();
    const summary = await deliverAnnouncement(ports, id);
    if (summary.sent + summary.failed === 0) continue;
    ports.log(`announcements.sync: ${id}: sent ${summary.sent}, ${summary.failed} failed`);
    await updateStatusCard(ports, id);
  }
}

// --- the coordinator's status card -------------------------------------------

export type StatusCardPorts = AnnouncePorts & {
  /** Replaces a card the bot sent; without it the status card stays as it was. */
  cards?: CardUpdatePort;
};

/** The status card of the announcement as it is now: its counts, and whether its sends still go on. */
export async function statusCardOf(ports: Pick<AnnouncePorts, 'records' | 'email' | 'config'>, viewer: StatusCardViewer, a: Announcement, results: string[] = []): Promise<Card> {
  const progress = { counts: await announcementCounts(ports, a), sending: isDelivering(ports, a.id) };
  return announcementStatusCard(ports.config, viewer, a, progress, results);
}

/** Replaces the coordinator's status card (remembered when they pressed Send) with the counts now. */
export async function updateStatusCard(ports: StatusCardPorts, id: string): Promise<void> {
  const announcement = await findAnnouncement(ports.records, id);
  const card = announcement?.statusCard;
  const conversation = card && (await ports.records.get('conversations', card.conversationId));
  if (!announcement || !card || !conversation || !ports.cards) return;
  const viewer = { locale: card.locale, refreshUserIds: card.userId ? [card.userId] : [] };
  try {
    await ports.cards.update(conversation.reference, card.activityId, { card: await statusCardOf(ports, viewer, announcement) });
  } catch (err) {
    ports.log(`updating the card of announcement ${id} failed: ${(err as Error).message}`);
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

/**
 * The counts of an announcement in a constant number of queries however many
 * recipients it has: every send they depend on in one, and, when e-mail is not
 * set up, the partners without any send and their personal chats.
 */
export async function announcementCounts(ports: Pick<AnnouncePorts, 'records' | 'email'>, a: Announcement): Promise<AnnouncementCounts> {
  const counts: AnnouncementCounts = {
    recipients: a.recipients.length,
    teams: { sent: 0, failed: 0 },
    email: { sent: 0, failed: 0 },
    channels: { sent: 0, failed: 0 },
    unreachable: 0,
    acknowledged: a.acknowledgements.length,
    followUps: 0,
  };
  const firstKeys = a.recipients.flatMap((partnerId) => CHANNELS.map((channel) => partnerKey(a.id, partnerId, channel)));
  const channelKeys = a.channels.map((conversationId) => channelKey(a.id, conversationId));
  const sends = new Map((await ports.records.getMany('sends', [...firstKeys, ...firstKeys.map(resolvedKey), ...channelKeys])).map((s) => [s.id, s.status]));
  const withStatus = (partnerId: string, status: StoredSend['status']) => CHANNELS.find((channel) => sends.get(partnerKey(a.id, partnerId, channel)) === status);
  const unsent: string[] = [];
  for (const partnerId of a.recipients) {
    const delivered = withStatus(partnerId, 'sent');
    if (delivered) {
      counts[delivered].sent += 1;
      if (sends.get(resolvedKey(partnerKey(a.id, partnerId, delivered))) === 'sent') counts.followUps += 1;
      continue;
    }
    // A send that failed on one channel and was not made on another.
    const failed = withStatus(partnerId, 'failed');
    if (failed) counts[failed].failed += 1;
    else unsent.push(partnerId);
  }
  if (!ports.email && unsent.length > 0) {
    const ways = await channelsFor(ports, await ports.records.getMany('partners', unsent));
    for (const way of ways.values()) if (!way) counts.unreachable += 1;
  }
  for (const key of channelKeys) {
    const status = sends.get(key);
    if (status === 'sent') counts.channels.sent += 1;
    else if (status === 'failed') counts.channels.failed += 1;
  }
  return counts;
}
