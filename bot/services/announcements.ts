// Announcements: an office tells the partners of some of its segments about a
// change, a disruption or an event. This module keeps the records: whom one
// reaches, creating it with its recipients fixed, acknowledgements, and a
// disruption's updates and resolution. Sending them is announcement-delivery.ts.
import type { AppConfig } from '../config.js';
import type { EmailDelivery } from '../delivery/email-delivery.js';
import type { TeamsDelivery } from '../delivery/teams-delivery.js';
import type { AnnouncementInput } from '../domain/announcement-input.js';
import { handlesOffice } from '../domain/office-access.js';
import type { Viewer } from '../domain/proposal-rules.js';
import type { Announcement, Locale, Partner, SentCardRef } from '../domain/types.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import type { Clock } from './clock.js';
import { personalChatsOf } from './conversations.js';
import { retryOnConflict } from './retry-on-conflict.js';

export interface AnnouncePorts {
  records: RecordStore;
  config: AppConfig;
  delivery: TeamsDelivery;
  /** null when SMTP_URL is not set. */
  email: EmailDelivery | null;
  log: (line: string) => void;
  clock: Clock;
}

export type AnnounceErrorCode = 'no-recipients' | 'not-found' | 'other-office' | 'not-disruption' | 'already-resolved' | 'not-recipient';

export type AnnounceChannel = 'teams' | 'email';

// --- lookups ---------------------------------------------------------------

export function findAnnouncement(reader: RecordReader, id: string): Promise<Announcement | undefined> {
  return reader.get('announcements', id);
}

/** The announcement, if the viewer handles its office's announcements. */
export async function staffAnnouncement(reader: RecordReader, id: string, viewer: Viewer): Promise<{ ok: true; announcement: Announcement } | { ok: false; code: AnnounceErrorCode }> {
  const announcement = await findAnnouncement(reader, id);
  if (!announcement) return { ok: false, code: 'not-found' };
  return handlesOffice(viewer, announcement.officeId) ? { ok: true, announcement } : { ok: false, code: 'other-office' };
}

/** The office's announcements, newest first. */
export async function officeAnnouncements(reader: RecordReader, officeId: string): Promise<Announcement[]> {
  return (await reader.findBy('announcements', 'officeId', officeId)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The office's partners in the segments. */
async function partnersIn(reader: RecordReader, officeId: string, segments: readonly string[]): Promise<Partner[]> {
  return (await reader.findBy('partners', 'officeId', officeId)).filter((p) => segments.includes(p.segment));
}

/** The office's channels subscribed to `topic`. */
export async function subscribedChannels(reader: RecordReader, officeId: string, topic: 'meetings' | 'news'): Promise<{ conversationId: string; locale?: Locale }[]> {
  return (await reader.findBy('subscriptions', 'officeId', officeId))
    .filter((s) => s.topic === topic)
    .map((s) => ({ conversationId: s.conversationRecordId, ...(s.locale ? { locale: s.locale } : {}) }));
}

export type AnnounceWay = { channel: AnnounceChannel; conversationId?: string } | null;

/** How a partner is reached: Teams when the bot has their personal chat, else e-mail when set up. */
export async function channelFor(ports: Pick<AnnouncePorts, 'records' | 'email'>, partner: Partner): Promise<AnnounceWay> {
  return (await channelsFor(ports, [partner])).get(partner.id)!;
}

/** channelFor of each partner, by partner id, with one query for all of their personal chats. */
export async function channelsFor(ports: Pick<AnnouncePorts, 'records' | 'email'>, partners: readonly Partner[]): Promise<Map<string, AnnounceWay>> {
  const chats = await personalChatsOf(ports.records, partners.flatMap((p) => (p.aadObjectId ? [p.aadObjectId] : [])));
  const email: AnnounceWay = ports.email ? { channel: 'email' } : null;
  return new Map(
    partners.map((p) => {
      const chat = p.aadObjectId === undefined ? undefined : chats.get(p.aadObjectId);
      return [p.id, chat ? { channel: 'teams', conversationId: chat.id } : email];
    }),
  );
}

export interface Reach {
  teams: number;
  email: number;
  unreachable: number;
  channels: number;
}

/** Whom an announcement to these segments would reach now: the preview's counts. */
export async function reachOf(ports: Pick<AnnouncePorts, 'records' | 'email'>, officeId: string, segments: readonly string[]): Promise<Reach> {
  const reach: Reach = { teams: 0, email: 0, unreachable: 0, channels: (await subscribedChannels(ports.records, officeId, 'news')).length };
  for (const way of (await channelsFor(ports, await partnersIn(ports.records, officeId, segments))).values()) {
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
 * `created` is true for exactly one of any number of clicks, on any instance:
 * one that loses the race to add it runs again and finds the winner's.
 */
export function createAnnouncement(
  records: RecordStore,
  id: string,
  officeId: string,
  input: AnnouncementInput,
  meta: { locale: Locale; by: string },
  now: Date,
): Promise<{ ok: true; announcement: Announcement; created: boolean } | { ok: false; code: AnnounceErrorCode }> {
  return retryOnConflict(() => records.transaction(async (tx) => {
    const existing = await tx.get('announcements', id);
    if (existing) return existing.officeId === officeId ? { ok: true, announcement: existing, created: false } : { ok: false, code: 'other-office' };
    const recipients = (await partnersIn(tx, officeId, input.segments)).map((p) => p.id);
    if (recipients.length === 0) return { ok: false, code: 'no-recipients' };
    const channels = (await subscribedChannels(tx, officeId, 'news')).map((c) => c.conversationId);
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
    await tx.insert('announcements', announcement);
    return { ok: true, announcement, created: true };
  }));
}

/** A recipient's Acknowledge: recorded once, the first time counts. */
export function acknowledge(records: RecordStore, id: string, partnerId: string, now: Date): Promise<{ ok: true; announcement: Announcement } | { ok: false; code: AnnounceErrorCode }> {
  return records.transaction(async (tx) => {
    const stored = await tx.get('announcements', id);
    if (!stored) return { ok: false, code: 'not-found' };
    if (!stored.recipients.includes(partnerId)) return { ok: false, code: 'not-recipient' };
    if (stored.acknowledgements.some((a) => a.partnerId === partnerId)) return { ok: true, announcement: stored };
    stored.acknowledgements.push({ partnerId, at: now.toISOString() });
    await tx.put('announcements', stored);
    return { ok: true, announcement: stored };
  });
}

/** Changes an open disruption of an office the viewer handles; the cards follow via deliverAnnouncement. */
function changeDisruption(
  records: RecordStore,
  id: string,
  viewer: Viewer,
  change: (a: Announcement) => void,
): Promise<{ ok: true; announcement: Announcement } | { ok: false; code: AnnounceErrorCode }> {
  return records.transaction(async (tx) => {
    const stored = await tx.get('announcements', id);
    if (!stored) return { ok: false, code: 'not-found' };
    if (!handlesOffice(viewer, stored.officeId)) return { ok: false, code: 'other-office' };
    if (stored.kind !== 'disruption') return { ok: false, code: 'not-disruption' };
    if (stored.resolvedAt) return { ok: false, code: 'already-resolved' };
    change(stored);
    await tx.put('announcements', stored);
    return { ok: true, announcement: stored };
  });
}

/** New text for an open disruption: the Teams cards (chats and channels) show it, replaced in place; e-mail waits for the resolution. */
export function updateDisruption(records: RecordStore, id: string, viewer: Viewer, text: string, now: Date) {
  return changeDisruption(records, id, viewer, (a) => {
    a.text = text;
    a.version = (a.version ?? 0) + 1;
    a.updatedAt = now.toISOString();
  });
}

/** Marks a disruption resolved (once), with an optional note; the follow-ups are sent by deliverAnnouncement. */
export function resolveDisruption(records: RecordStore, id: string, viewer: Viewer, resolution: string, now: Date) {
  return changeDisruption(records, id, viewer, (a) => {
    a.resolvedAt = now.toISOString();
    if (resolution) a.resolution = resolution;
  });
}

/** Remembers the coordinator's card, to show the final counts on it when the sends end. */
export async function rememberStatusCard(records: RecordStore, id: string, card: SentCardRef): Promise<void> {
  await records.transaction(async (tx) => {
    const stored = await tx.get('announcements', id);
    if (!stored) return;
    stored.statusCard = card;
    await tx.put('announcements', stored);
  });
}
