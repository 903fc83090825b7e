// One meeting's whole life through the cards only: register a partner, plan
// and confirm the year, invite, RSVP, change the meeting, cancel it. Every
// update reaches the invitee right after the coordinator's click.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../bot/i18n.js';
import { FakeClock } from './harness/clock.js';
import { cardOf, type PostedActivity } from './harness/connector.js';
import { executeActions, inputsOf, submission } from './harness/card-inputs.js';
import { icsEvent } from './harness/ics.js';
import { coordinator, partner } from './harness/people.js';
import { cardText, Harness } from './harness/sidos-harness.js';

const personalChat = `a:personal-${partner.aadObjectId}`;

describe('a meeting from plan to cancellation, through the cards', () => {
  const clock = new FakeClock('2026-12-01T10:00:00Z');
  let h: Harness;
  let meetingId: string;
  let icsUrl: string;

  beforeAll(async () => {
    h = await Harness.start({ clock: clock.now });
  });
  afterAll(async () => {
    await h.stop();
  });

  const toPartner = (from: number): PostedActivity[] => h.connector.messages(from).filter((p) => p.conversationId === personalChat);

  it('registers the partner, who then talks to the bot', async () => {
    const form = (await h.click(coordinator, 'partner.add', {})).value;
    const saved = await h.click(coordinator, 'partner.save', submission(form, 'partner.save', {
      name: partner.name,
      organisation: 'Helsingin kaupunki',
      email: partner.email,
      segment: 'municipalities',
      locale: 'fi',
      aadObjectId: partner.aadObjectId,
    }));
    expect(cardText(saved.value)).toContain(partner.name);
    await h.say(partner, 'help');
    expect(await h.records.get('conversations', personalChat)).toBeDefined();
  });

  it('plans and confirms the year', async () => {
    const [reply] = await h.say(coordinator, 'plan 2027');
    const form = cardOf(reply)!;
    const preview = (await h.click(coordinator, 'plan.preview', submission(form, 'plan.preview', {
      theme: 'Perintäasian ensimmäiset viikot',
      subThemes: 'Vireilletulo\nMaksusuunnitelmat',
      count: '2',
      segments: 'municipalities',
      place: 'Kokoushuone Aurora',
    }))).value;
    const confirmed = await h.click(coordinator, 'plan.confirm', submission(preview, 'plan.confirm', { date_0: '2027-03-02' }));
    expect(cardText(confirmed.value)).toContain('ti 2.3.2027 klo 13.00–15.00');
    meetingId = (await h.records.inYear('meetings', 2027)).find((m) => m.subTheme === 'Vireilletulo')!.id;
  });

  it('invites the partner, who accepts', async () => {
    const from = h.connector.posted.length;
    const manage = (await h.click(coordinator, 'invites.open', { meetingId })).value;
    expect(inputsOf(manage)).toHaveProperty(Object.keys(inputsOf(manage)).find((k) => k.startsWith('invite_'))!, 'true');
    await h.click(coordinator, 'invites.send', submission(manage, 'invites.send'));
    await h.idle(); // the sends go out in the background, after the click is answered
    const [invite] = toPartner(from);
    const card = cardOf(invite)!;
    expect(cardText(card)).toContain('Kutsu: Vireilletulo');
    icsUrl = (card.actions as any[]).find((a) => a.url?.includes('/files/')).url;
    const accept = executeActions(card, 'invite.rsvp').find((a) => a.data.response === 'accepted')!;
    await h.click(partner, 'invite.rsvp', accept.data);
    const [list] = await h.say(coordinator, 'meetings');
    expect(cardText(cardOf(list))).toContain('1 kutsuttu · tulee 1 · ehkä 0 · ei tule 0 · ei vastannut 0');
  });

  it('sends the change at once when the coordinator moves the meeting', async () => {
    const from = h.connector.posted.length;
    const [list] = await h.say(coordinator, 'meetings');
    const editButton = executeActions(cardOf(list)!, 'meeting.edit').findIndex((a) => a.data.meetingId === meetingId);
    const form = (await h.click(coordinator, 'meeting.edit', submission(cardOf(list)!, 'meeting.edit', {}, editButton))).value;
    // The connector holds every post: the click is answered without waiting for the update to go out.
    h.connector.hold();
    const saved = await h.click(coordinator, 'meeting.save', submission(form, 'meeting.save', { time: '10:00' }));
    expect(saved.statusCode).toBe(200);
    // The update goes out with the click: the coordinator is not asked to send it again.
    expect(cardText(saved.value)).toContain('"Vireilletulo" on päivitetty. Päivitetty kutsu lähetetään sen kutsutuille (1).');
    expect(toPartner(from)).toEqual([]);
    h.connector.release();
    await h.idle();

    const [update] = toPartner(from);
    expect(cardText(cardOf(update))).toContain('Muuttunut kutsu: Vireilletulo');
    expect(cardText(cardOf(update))).toContain('ti 2.3.2027 klo 10.00–12.00');
    const ics = icsEvent(await (await fetch(`${h.sidos.url}${new URL(icsUrl).pathname}`)).text());
    expect(ics).toMatchObject({ method: 'REQUEST', uid: `${meetingId}@sidos`, sequence: 1, start: '2027-03-02T08:00:00.000Z' });
  });

  it('answers "card is outdated" to meeting card data of the wrong type, and changes nothing', async () => {
    const outdated = translator('fi')('error.cardOutdated');
    const before = await h.records.inYear('meetings', 2027);
    const [list] = await h.say(coordinator, 'meetings');
    const editButton = executeActions(cardOf(list)!, 'meeting.edit').findIndex((a) => a.data.meetingId === meetingId);
    const form = (await h.click(coordinator, 'meeting.edit', submission(cardOf(list)!, 'meeting.edit', {}, editButton))).value;
    const shown = h.connector.posted.length;
    const crafted = [
      // The meeting id the buttons carry, as a list or an object.
      { verb: 'meeting.edit', data: { meetingId: [meetingId] } },
      { verb: 'meeting.cancel', data: { meetingId: { id: meetingId } } },
      { verb: 'meeting.cancel.confirm', data: { meetingId: [meetingId] } },
      // An object where the edit form has a time input.
      { verb: 'meeting.save', data: { ...submission(form, 'meeting.save'), time: { hours: 11, minutes: 0 } } },
    ];
    for (const { verb, data } of crafted) {
      expect({ verb, answer: (await h.click(coordinator, verb, data)).value }).toEqual({ verb, answer: outdated });
    }
    expect(await h.records.inYear('meetings', 2027)).toEqual(before);
    expect(h.connector.posted.length).toBe(shown);
  });

  it('sends the cancellation at once when the coordinator cancels, and nothing more later', async () => {
    const from = h.connector.posted.length;
    const [list] = await h.say(coordinator, 'meetings');
    const index = executeActions(cardOf(list)!, 'meeting.cancel').findIndex((a) => a.data.meetingId === meetingId);
    const ask = (await h.click(coordinator, 'meeting.cancel', submission(cardOf(list)!, 'meeting.cancel', {}, index))).value;
    const done = await h.click(coordinator, 'meeting.cancel.confirm', submission(ask, 'meeting.cancel.confirm'));
    expect(cardText(done.value)).toContain('"Vireilletulo" on peruttu. Peruutus lähetetään sen kutsutuille (1).');
    await h.idle(); // the sends go out in the background, after the click is answered

    const [cancellation] = toPartner(from);
    expect(cardText(cardOf(cancellation))).toContain('Peruttu: Vireilletulo');
    const ics = icsEvent(await (await fetch(`${h.sidos.url}${new URL(icsUrl).pathname}`)).text());
    expect(ics).toMatchObject({ method: 'CANCEL', uid: `${meetingId}@sidos`, sequence: 2 });

    const replay = await h.click(coordinator, 'meeting.cancel.confirm', submission(ask, 'meeting.cancel.confirm'));
    expect(cardText(replay.value)).toContain('"Vireilletulo" oli jo peruttu; mitään ei lähetetty uudelleen.');
    await h.runJob('invites.sync');
    await h.restart();
    await h.runJob('invites.sync');
    expect(toPartner(from)).toHaveLength(1);
  });
});
