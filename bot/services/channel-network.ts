// The office's Teams channel network: a team channel (or shared channel)
// subscribes to the office's meetings and/or news. New meetings, their changes
// and cancellations are posted there once per version; announcements go through
// services/announcement-delivery.ts. A channel card never shows anyone's answer: RSVP
// from it is handled privately (see teams/channel-network.ts).
import type { TeamsDelivery } from '../delivery/teams-delivery.js';
import type { Locale, Meeting } from '../domain/types.js';
import type { AppConfig } from '../config.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import { subscribedChannels } from './announcements.js';
import { channelMeetingCard } from './channel-messages.js';
import { isSent, sendOf } from '../delivery/send-log.js';
import { subscribe, unsubscribe, type SubscribeResult } from './subscriptions.js';

export type ChannelTopic = 'meetings' | 'news';

export interface ChannelSubscriber {
  conversationRecordId: string;
  officeId: string;
  by: string;
  locale: Locale;
}

export function subscribeChannel(records: RecordStore, topic: ChannelTopic, subscriber: ChannelSubscriber, now: Date): Promise<SubscribeResult> {
  return subscribe(records, { topic, ...subscriber, at: now.toISOString() });
}

/** Ends the channel's subscriptions to the topic (of every office); false when it had none. */
export function unsubscribeChannel(records: RecordStore, topic: ChannelTopic, conversationRecordId: string): Promise<boolean> {
  return unsubscribe(records, topic, conversationRecordId);
}

export interface ChannelMeetingPorts {
  records: RecordStore;
  config: AppConfig;
  delivery: TeamsDelivery;
  log: (line: string) => void;
}

const meetingKey = (meetingId: string, sequence: number, conversationId: string) => `channel-meeting:${meetingId}:${sequence}:${conversationId}`;

/** True when some earlier version of the meeting was posted to the channel. */
async function postedBefore(reader: RecordReader, meeting: Meeting, conversationId: string): Promise<boolean> {
  for (let version = 0; version < meeting.sequence; version++) if (await isSent(reader, meetingKey(meeting.id, version, conversationId))) return true;
  return false;
}

/** The office's meetings still ahead, earliest first, each with its plan's theme. */
async function meetingsAhead(reader: RecordReader, officeId: string, now: Date): Promise<{ meeting: Meeting; theme: string }[]> {
  const ahead = (await reader.findBy('meetings', 'officeId', officeId))
    .filter((m) => Date.parse(m.endsAt) > now.getTime())
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
  const themes = new Map<string, string>();
  for (const meeting of ahead) {
    if (!themes.has(meeting.planId)) themes.set(meeting.planId, (await reader.get('plans', meeting.planId))?.theme ?? '');
  }
  return ahead.map((meeting) => ({ meeting, theme: themes.get(meeting.planId) ?? '' }));
}

/**
 * Job: posts each meeting still ahead to the office's channels subscribed to
 * meetings, once per version (a change or a cancellation is a new version). A
 * cancellation goes only where the meeting was posted.
 */
export async function postMeetingsToChannels(ports: ChannelMeetingPorts, now: Date, signal?: AbortSignal): Promise<void> {
  const { records } = ports;
  // Only offices some channel follows have meetings to post.
  const offices = new Set((await records.findBy('subscriptions', 'topic', 'meetings')).flatMap((s) => (s.officeId ? [s.officeId] : [])));
  for (const officeId of offices) {
    const channels = await subscribedChannels(records, officeId, 'meetings');
    for (const { meeting, theme } of await meetingsAhead(records, officeId, now)) {
      for (const channel of channels) {
        signal?.throwIfAborted();
        const key = meetingKey(meeting.id, meeting.sequence, channel.conversationId);
        if (await isSent(records, key)) continue;
        if (meeting.status === 'cancelled' && !(await postedBefore(records, meeting, channel.conversationId))) continue;
        const locale = channel.locale ?? ports.config.offices.find((o) => o.id === meeting.officeId)?.locale ?? 'fi';
        const what = `meeting ${meeting.id} SEQUENCE ${meeting.sequence} to channel`;
        const result = await ports.delivery.send(key, channel.conversationId, { card: channelMeetingCard(ports.config, meeting, theme, locale) }, what);
        if (result === 'failed') ports.log(`channels.meetings: ${key}: ${(await sendOf(records, key))?.lastError ?? 'failed'}`);
      }
    }
  }
}
