// Announcements: an office tells the partners of some of its segments about a
// change, a disruption or an event. This module keeps the records: whom one
// reaches, creating it with its recipients fixed, acknowledgements, and a
// disruption's updates and resolution. Sending them is announcement-delivery.ts.
import type { AppConfig } from '../config.js';
import type { EmailDelivery } from '../delivery/email-delivery.js';
import type { TeamsDelivery } from '../delivery/teams-delivery.js';
import type { AnnouncementInput } from '../domain/announcement-input.js';
import type { Announcement, Locale, Partner, SentCardRef } from '../domain/types.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { personalConversation } from './conversations.js';

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
export function channelFor(ports: Pick<AnnouncePorts, 'store' | 'email'>, partner: Partner): { channel: AnnounceChannel; conversationId?: string } | null {
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
