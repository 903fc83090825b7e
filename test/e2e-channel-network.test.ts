// Named contacts and the office's Teams channel network over HTTP: the
// coordinator names contacts per segment (bad lines refused, nothing saved), a
// partner's `contacts` and invitation show their segment's contacts; a channel
// subscribed to meetings gets each meeting version once, and an RSVP from the
// channel card is private (only the one who clicked sees it) and counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../bot/domain/types.js';
import { translator } from '../bot/i18n.js';
import { checkCard } from './harness/card-check.js';
import { FakeClock } from './harness/clock.js';
import { cardOf } from './harness/connector.js';
import { coordinator, partner as pekka, stranger, type TestUser } from './harness/people.js';
import { meetingFixture, partnerChat, partnerFixture } from './harness/seed.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { allRecords, sharedRecords, yearRecords } from './harness/read-records.js';

const CHANNEL = { kind: 'channel', teamId: '19:team-uusimaa', channelId: '19:meetings@thread.tacv2' } as const;
const MEETING = meetingFixture({ id: 'meeting-channel', uid: 'meeting-channel@sidos' });
const member = partnerFixture('pekka', { name: pekka.name, email: pekka.email, aadObjectId: pekka.aadObjectId });
const otherSegment = partnerFixture('landlord', { segment: 'rental-agencies', aadObjectId: 'aad-landlord' });
const userOf = (p: Partner): TestUser => ({ id: `29:${p.id}`, aadObjectId: p.aadObjectId!, name: p.name, email: p.email });
const inChannel = (conversationId: string) => conversationId.startsWith(CHANNEL.channelId);

describe('named contacts and the channel network', () => {
  let h: Harness;
  const clock = new FakeClock('2027-02-20T08:00:00.000Z');

  beforeAll(async () => {
    h = await Harness.start({ clock: clock.now });
    await h.restart((records) =>
      records.transaction(async (tx) => {
        for (const p of [member, otherSegment]) {
          await tx.put('partners', p);
          await tx.put('conversations', partnerChat(p, h.serviceUrl));
        }
        await tx.putInYear('meetings', 2027, { ...MEETING });
      }),
    );
  }, 60_000);
  afterAll(() => h.stop());

  it('lets the coordinator name contacts per segment, refusing a bad line without saving anything', async () => {
    const [form] = await h.say(coordinator, 'contacts');
    expect(checkCard(cardOf(form)!)).toEqual([]);
    const bad = await h.click(coordinator, 'contacts.save', { contacts_municipalities: 'Maija Meikäläinen <maija@office.example.fi>\nNo address here' });
    expect(cardText(bad.value)).toContain('"No address here" ei ole nimi ja sähköpostiosoite');
    expect(await allRecords(h.records, 'segmentContacts')).toEqual([]);
    const saved = await h.click(coordinator, 'contacts.save', {
      contacts_municipalities: 'Maija Meikäläinen <maija@office.example.fi>\nOlli Ohjaaja, olli@office.example.fi',
      'contacts_rental-agencies': '',
    });
    expect(cardText(saved.value)).toContain('Tallennettu.');
    expect(cardText(saved.value)).toContain('Olli Ohjaaja <olli@office.example.fi>');
  });

  it('shows a partner the contacts of their own office and segment, with a Teams chat link', async () => {
    const [reply] = await h.say(pekka, 'contacts');
    const card = cardOf(reply)!;
    expect(checkCard(card)).toEqual([]);
    expect(cardText(card)).toContain('Maija Meikäläinen');
    expect(JSON.stringify(card)).toContain('https://teams.microsoft.com/l/chat/0/0?users=maija%40office.example.fi');
    const [none] = await h.say(userOf(otherSegment), 'contacts');
    expect(none.activity.text).toContain('ei ole vielä nimennyt yhteyshenkilöitä');
  });

  it('refuses channel subscriptions outside a channel, and subscribes a channel to meetings once', async () => {
    const [personal] = await h.say(coordinator, 'subscribe meetings');
    expect(personal.activity.text).toContain('tiimin kanavalla');
    const [first] = await h.say(coordinator, 'subscribe meetings', { where: CHANNEL });
    expect(first.activity.text).toContain('uudet tapaamiset');
    const [again] = await h.say(coordinator, 'subscribe meetings', { where: CHANNEL });
    expect(again.activity.text).toContain('julkaistaan jo');
  });

  /** Runs the channel job twice and returns the one valid card it posted to the channel. */
  const channelCardPostedOnce = async () => {
    const from = h.connector.posted.length;
    await h.runJob('channels.meetings');
    await h.runJob('channels.meetings');
    const posts = h.connector.messages(from).filter((p) => inChannel(p.conversationId));
    expect(posts).toHaveLength(1);
    const card = cardOf(posts[0])!;
    expect(checkCard(card)).toEqual([]);
    return card;
  };

  it('posts each meeting to the subscribed channel once', async () => {
    const card = await channelCardPostedOnce();
    expect(cardText(card)).toContain('Sidosryhmätapaaminen: Hakemuksen liitteet');
    expect(cardText(card)).toContain('Vastauksesi on yksityinen');
  });

  it('takes an RSVP from the channel card privately, counts it, and sends the partner their own invitation with the contacts', async () => {
    const from = h.connector.posted.length;
    const updates = h.connector.updated.length;
    const answer = await h.click(pekka, 'channel.rsvp', { meetingId: MEETING.id, sequence: '0', response: 'accepted' }, { where: CHANNEL, replyToId: 'channel-card' });
    // A text answer to an Action.Execute is shown only to the one who clicked; the channel card is not replaced.
    expect(answer.value).toContain('Vastauksesi "osallistun"');
    expect(h.connector.updated.slice(updates)).toEqual([]);
    await h.idle();
    const stored = (await h.records.findBy('invitations', 'meetingId', MEETING.id)).find((i) => i.partnerId === member.id);
    expect(stored?.rsvp).toBe('accepted');
    const personal = h.connector.messages(from).filter((p) => p.conversationId === `a:chat-${member.id}`);
    expect(personal).toHaveLength(1);
    expect(h.connector.messages(from).filter((p) => inChannel(p.conversationId))).toEqual([]);
    const text = cardText(cardOf(personal[0]));
    expect(text).toContain('Yhteyshenkilöt');
    expect(text).toContain('Maija Meikäläinen (maija@office.example.fi)');
    const manage = await h.click(coordinator, 'invites.open', { meetingId: MEETING.id });
    expect(cardText(manage.value)).toContain("1 osallistuu, 0 ehkä, 0 ei osallistu, 0 ei vastannut");
  });

  it('tells someone outside the register or the meeting’s segments why their answer was not recorded', async () => {
    const unknown = await h.click(stranger, 'channel.rsvp', { meetingId: MEETING.id, sequence: '0', response: 'accepted' }, { where: CHANNEL });
    expect(unknown.value).toContain('Et ole vielä toimiston');
    const wrongSegment = await h.click(userOf(otherSegment), 'channel.rsvp', { meetingId: MEETING.id, sequence: '0', response: 'declined' }, { where: CHANNEL });
    expect(wrongSegment.value).toContain('toinen segmentti');
    const staff = await h.click(coordinator, 'channel.rsvp', { meetingId: MEETING.id, sequence: '0', response: 'declined' }, { where: CHANNEL });
    expect(staff.value).toContain('kumppaneille');
    const invitations = await h.records.findBy('invitations', 'meetingId', MEETING.id);
    expect(invitations).toHaveLength(1);
  });

  it('answers "card is outdated" to card data of the wrong type (an object or list where a text or id belongs) and changes nothing', async () => {
    // A turn records who wrote last in its conversation: Pekka's first in the channel comes before the snapshot.
    await h.say(pekka, 'help', { where: CHANNEL });
    await h.idle();
    const kept = async () => ({ shared: await sharedRecords(h.records), year: await yearRecords(h.records, 2027) });
    const before = await kept();
    const from = h.connector.posted.length;
    const crafted: [TestUser, string, Record<string, unknown>, { where?: typeof CHANNEL }][] = [
      [coordinator, 'contacts.save', { contacts_municipalities: ['Maija Meikäläinen <maija@office.example.fi>'] }, {}],
      [coordinator, 'contacts.save', { contacts_municipalities: '', 'contacts_rental-agencies': { name: 'Olli Ohjaaja' } }, {}],
      [pekka, 'channel.rsvp', { meetingId: [MEETING.id], sequence: '0', response: 'declined' }, { where: CHANNEL }],
      [pekka, 'channel.rsvp', { meetingId: MEETING.id, sequence: '0', response: ['declined'] }, { where: CHANNEL }],
    ];
    const outdated = translator('fi')('error.cardOutdated');
    for (const [user, verb, data, opts] of crafted) expect({ verb, answer: (await h.click(user, verb, data, opts)).value }).toEqual({ verb, answer: outdated });
    await h.idle();
    expect(await kept()).toEqual(before);
    expect(h.connector.messages(from)).toEqual([]);
  });

  it('posts a cancellation once where the meeting was posted', async () => {
    await h.restart((records) =>
      records.transaction(async (tx) => {
        const meeting = (await tx.get('meetings', MEETING.id))!;
        await tx.putInYear('meetings', 2027, { ...meeting, status: 'cancelled', sequence: meeting.sequence + 1 });
      }),
    );
    const card = await channelCardPostedOnce();
    expect(cardText(card)).toContain('Peruttu: Hakemuksen liitteet');
    expect((card.actions as any[]).some((a) => a.verb === 'channel.rsvp')).toBe(false);
  });
});
