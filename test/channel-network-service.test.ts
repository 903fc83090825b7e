// The channel job as a use case on a real lowdb store: postMeetingsToChannels
// needs no card from the Teams layer; it renders the channel card itself
// (services/channel-messages.ts) in the channel's language, once per version.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/config.js';
import type { OutgoingMessage } from '../bot/delivery/outgoing.js';
import { TeamsDelivery } from '../bot/delivery/teams-delivery.js';
import { translator } from '../bot/i18n.js';
import { postMeetingsToChannels, subscribeChannel } from '../bot/services/channel-network.js';
import type { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { checkCard } from './harness/card-check.js';
import { planFixture } from './harness/record-fixtures.js';
import { meetingFixture } from './harness/seed.js';
import { cardText } from './harness/sidos-harness.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

const NOW = new Date('2027-02-20T08:00:00.000Z');
const CHANNEL_ID = 'a:channel-sv';
const MEETING = meetingFixture({ id: 'meeting-sv' });
const sv = translator('sv');

describe('posting meetings to subscribed channels', () => {
  let temp: TempRecords;
  let records: LowdbRecordStore;
  let posted: { reference: Record<string, unknown>; message: OutgoingMessage }[];
  const config = loadConfig({});

  beforeEach(async () => {
    temp = await tempRecords();
    ({ records } = temp);
    posted = [];
    await records.transaction(async (tx) => {
      await tx.put('conversations', { id: CHANNEL_ID, kind: 'channel', conversationId: CHANNEL_ID, reference: { channel: 'sv' }, updatedAt: NOW.toISOString() });
      await tx.putInYear('plans', 2027, planFixture(MEETING.planId, { theme: 'Perintäasian ensimmäiset viikot' }));
      await tx.putInYear('meetings', 2027, MEETING);
    });
    await subscribeChannel(records, 'meetings', { conversationRecordId: CHANNEL_ID, officeId: MEETING.officeId, by: 'aad-coordinator', locale: 'sv' }, NOW);
  });
  afterEach(() => temp.cleanup());

  const post = () => {
    const port = { send: async (reference: Record<string, unknown>, message: OutgoingMessage) => void posted.push({ reference, message }) };
    return postMeetingsToChannels({ records, config, delivery: new TeamsDelivery(records, port, () => NOW, () => undefined), log: () => undefined }, NOW);
  };

  it('renders the meeting card in the channel’s language and posts each version once', async () => {
    await post();
    await post();
    expect(posted).toHaveLength(1);
    const card = posted[0].message.card!;
    expect(posted[0].reference).toEqual({ channel: 'sv' });
    expect(checkCard(card)).toEqual([]);
    expect(cardText(card)).toContain(sv('channel.meeting.title.new', { subTheme: MEETING.subTheme }));
    expect(cardText(card)).toContain('Perintäasian ensimmäiset viikot');
    expect((card.actions as { title: string; verb?: string }[]).filter((a) => a.verb === 'channel.rsvp').map((a) => a.title)).toEqual(
      ['accepted', 'tentative', 'declined'].map((answer) => sv(`invite.rsvp.${answer}`)),
    );

    await records.transaction((tx) => tx.putInYear('meetings', 2027, { ...MEETING, status: 'cancelled', sequence: 1 }));
    await post();
    expect(posted).toHaveLength(2);
    const cancelled = posted[1].message.card!;
    expect(checkCard(cancelled)).toEqual([]);
    expect(cardText(cancelled)).toContain(sv('channel.meeting.title.cancel', { subTheme: MEETING.subTheme }));
    expect((cancelled.actions as { verb?: string }[] | undefined)?.some((a) => a.verb === 'channel.rsvp') ?? false).toBe(false);
  });
});
