// The office's Teams channel network: a team channel (or shared channel)
// subscribes to the office's meetings and/or news. New meetings, their changes
// and cancellations are posted there once per version; announcements go through
// services/announcement-delivery.ts. A channel card never shows anyone's answer: RSVP
// from it is handled privately (see teams/channel-network.ts).
import { randomBytes } from 'node:crypto';
import { sendRecordOf, wasSent } from '../delivery/send-log.js';
import type { TeamsDelivery } from '../delivery/teams-delivery.js';
import type { Locale, Meeting } from '../domain/types.js';
import type { AppConfig } from '../config.js';
import type { Card } from '../cards.js';
import type { Store } from '../store/store.js';
import { subscribedChannels } from './announcements.js';

export type ChannelTopic = 'meetings' | 'news';

export interface ChannelSubscriber {
  conversationRecordId: string;
  officeId: string;
  by: string;
  locale: Locale;
}

export async function subscribeChannel(store: Store, topic: ChannelTopic, subscriber: ChannelSubscriber, now: Date): Promise<'subscribed' | 'already-subscribed'> {
  const same = (s: { topic: string; conversationRecordId: string; officeId?: string }) =>
    s.topic === topic && s.conversationRecordId === subscriber.conversationRecordId && s.officeId === subscriber.officeId;
  if (store.readShared((d) => d.subscriptions.some(same))) return 'already-subscribed';
  return store.updateShared((d) => {
    if (d.subscriptions.some(same)) return 'already-subscribed';
    d.subscriptions.push({ id: randomBytes(9).toString('base64url'), topic, ...subscriber, at: now.toISOString() });
    return 'subscribed';
  });
}

export async function unsubscribeChannel(store: Store, topic: ChannelTopic, conversationRecordId: string): Promise<boolean> {
  const matches = (s: { topic: string; conversationRecordId: string }) => s.topic === topic && s.conversationRecordId === conversationRecordId;
  if (!store.readShared((d) => d.subscriptions.some(matches))) return false;
  return store.updateShared((d) => {
    const before = d.subscriptions.length;
    d.subscriptions = d.subscriptions.filter((s) => !matches(s));
    return d.subscriptions.length < before;
  });
}

export interface ChannelMeetingPorts {
  store: Store;
  config: AppConfig;
  delivery: TeamsDelivery;
  log: (line: string) => void;
  /** The channel's card of a meeting version, in the channel's language. */
  meetingCard: (meeting: Meeting, theme: string, locale: Locale) => Card;
}

const meetingKey = (meetingId: string, sequence: number, conversationId: string) => `channel-meeting:${meetingId}:${sequence}:${conversationId}`;

/** True when some earlier version of the meeting was posted to the channel. */
function postedBefore(store: Store, meeting: Meeting, conversationId: string): boolean {
  for (let version = 0; version < meeting.sequence; version++) if (wasSent(store, meetingKey(meeting.id, version, conversationId))) return true;
  return false;
}

/**
 * Job: posts each meeting still ahead to the office's channels subscribed to
 * meetings, once per version (a change or a cancellation is a new version). A
 * cancellation goes only where the meeting was posted.
 */
export async function postMeetingsToChannels(ports: ChannelMeetingPorts, now: Date, signal?: AbortSignal): Promise<void> {
  const { store } = ports;
  for (const year of store.years()) {
    const meetings = store.readYear(year, (d) =>
      d.meetings.filter((m) => Date.parse(m.endsAt) > now.getTime()).map((m) => ({ meeting: { ...m }, theme: d.plans.find((p) => p.id === m.planId)?.theme ?? '' })),
    );
    for (const { meeting, theme } of meetings) {
      for (const channel of subscribedChannels(store, meeting.officeId, 'meetings')) {
        signal?.throwIfAborted();
        const key = meetingKey(meeting.id, meeting.sequence, channel.conversationId);
        if (wasSent(store, key)) continue;
        if (meeting.status === 'cancelled' && !postedBefore(store, meeting, channel.conversationId)) continue;
        const locale = channel.locale ?? ports.config.offices.find((o) => o.id === meeting.officeId)?.locale ?? 'fi';
        const what = `meeting ${meeting.id} SEQUENCE ${meeting.sequence} to channel`;
        const result = await ports.delivery.send(key, channel.conversationId, { card: ports.meetingCard(meeting, theme, locale) }, what);
        if (result === 'failed') ports.log(`channels.meetings: ${key}: ${sendRecordOf(store, key)?.lastError ?? 'failed'}`);
      }
    }
  }
}
