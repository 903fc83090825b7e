// The one language rule over HTTP: a registered partner reads the register's
// language whatever their Teams client says, in replies and in proactive
// invitations and e-mails alike, and can change it with "language"; staff and
// unregistered senders read their Teams language, else the office default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../bot/domain/types.js';
import type { RecordStore } from '../bot/store/records.js';
import { FakeClock } from './harness/clock.js';
import { cardOf, type PostedActivity } from './harness/connector.js';
import { coordinator, partner as pekka, stranger, swedishCoordinator, type TestUser } from './harness/people.js';
import { meetingFixture, partnerFor, seedPlannedMeeting } from './harness/seed.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { parseMail, startSmtpCapture, type SmtpCapture } from './harness/smtp.js';
import { allRecords } from './harness/read-records.js';

const maija: TestUser = {
  id: '29:user-7',
  aadObjectId: '00000000-0000-4000-8000-000000000007',
  name: 'Maija Meikäläinen',
  email: 'maija@velkaneuvonta.example.fi',
};

const PEKKA = partnerFor(pekka, { organisation: 'Helsingin kaupunki' }); // fi in the register
const MAIJA = partnerFor(maija, { organisation: 'Velkaneuvonta ry', locale: 'sv' });
const STINA = partnerFor({ name: 'Stina Sundberg', email: 'stina@borga.example.fi' }, { organisation: 'Borgå stad', locale: 'sv' }); // e-mail only
const MEETING = meetingFixture();

const seed = (records: RecordStore, partners: Partner[]) => seedPlannedMeeting(records, MEETING, partners, coordinator.aadObjectId);

const personal = (user: TestUser) => `a:personal-${user.aadObjectId}`;
const cardTo = (posted: PostedActivity[], user: TestUser) => cardText(cardOf(posted.find((p) => p.conversationId === personal(user))));
const textOf = (posted: PostedActivity[]) => posted.map((p) => p.activity.text ?? cardText(cardOf(p))).join('\n');

const HELP_INTRO = { fi: 'Voit tehdä näin.', sv: 'Det här kan du göra.', en: 'Here is what you can do.' };

describe('one language rule end to end', () => {
  let smtp: SmtpCapture;
  let h: Harness;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    h = await Harness.start({
      clock: new FakeClock('2027-02-20T08:00:00.000Z').now,
      seedRecords: (records) => seed(records, [PEKKA, MAIJA, STINA]),
      env: { SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://sidos.example.fi' },
    });
  });
  afterAll(async () => {
    await h.stop();
    await smtp.close();
  });

  it('answers a partner in the register language (sv), not in their Teams language (fi-FI)', async () => {
    const reply = textOf(await h.say(maija, 'help', { locale: 'fi-FI' }));
    expect(reply).toContain(HELP_INTRO.sv);
    expect(reply).not.toContain(HELP_INTRO.fi);
  });

  it('lets a partner choose their language with "language", and refuses anything but fi, sv or en', async () => {
    expect(textOf(await h.say(pekka, 'language de', { locale: 'fi-FI' }))).toBe(
      'Kirjoita "language" ja fi, sv tai en, esimerkiksi "language sv". Mitään ei muutettu.',
    );
    expect((await h.records.get('partners', PEKKA.id))?.locale).toBe('fi');

    expect(textOf(await h.say(pekka, 'language SV', { locale: 'fi-FI' }))).toBe(
      'Från och med nu skriver jag till dig på svenska: svar, inbjudningar och e-post.',
    );
    expect((await h.records.get('partners', PEKKA.id))?.locale).toBe('sv');
    expect(textOf(await h.say(pekka, 'help', { locale: 'fi-FI' }))).toContain(HELP_INTRO.sv);
  });

  it('sends proactive invitations in the register language: Teams cards and e-mail', async () => {
    const from = h.connector.posted.length;
    const selection = { meetingId: MEETING.id, [`invite_${PEKKA.id}`]: 'true', [`invite_${MAIJA.id}`]: 'true', [`invite_${STINA.id}`]: 'true' };
    const sent = await h.click(coordinator, 'invites.send', selection);
    expect(cardText(sent.value)).toMatch(/\d \/ 3 kutsua lähetetty/);
    await h.idle();
    expect(cardText((await h.click(coordinator, 'invites.open', { meetingId: MEETING.id })).value)).toContain('Lähetetty: 2 Teamsissa, 1 sähköpostilla.');

    const posted = h.connector.messages(from);
    expect(cardTo(posted, maija)).toContain('Inbjudan: Hakemuksen liitteet');
    expect(cardTo(posted, pekka)).toContain('Inbjudan: Hakemuksen liitteet'); // chosen with "language sv"
    expect(smtp.mails.map((m) => m.to)).toEqual([[STINA.email]]);
    const mail = await parseMail(smtp.mails[0]);
    expect(mail.subject).toMatch(/^Inbjudan: Hakemuksen liitteet/);
    expect(mail.text).toContain('Hej Stina Sundberg,');
  });

  it('answers a partner’s click in the register language too', async () => {
    const [invitation] = await h.records.findBy('invitations', 'partnerId', MAIJA.id);
    const res = await h.click(maija, 'invite.rsvp', { invitationId: invitation.id, response: 'declined' }, { locale: 'fi-FI' });
    expect(cardText(res.value)).toContain('Ditt svar: jag deltar inte');
  });

  it('answers staff and unregistered senders in their Teams language, else in the office default', async () => {
    expect(textOf(await h.say(coordinator, 'help', { locale: 'en-US' }))).toContain(HELP_INTRO.en);
    expect(textOf(await h.say(coordinator, 'help', { locale: 'de-DE' }))).toContain(HELP_INTRO.fi); // Uusimaa: fi
    expect(textOf(await h.say(swedishCoordinator, 'help', { locale: 'de-DE' }))).toContain(HELP_INTRO.sv); // Pohjanmaa: sv
    expect(textOf(await h.say(stranger, 'help', { locale: 'sv-SE' }))).toContain(HELP_INTRO.sv);
    expect(textOf(await h.say(stranger, 'help', { locale: 'de-DE' }))).toContain(HELP_INTRO.fi); // the default office
  });

  it('tells an unregistered sender that the language follows Teams, and staff that the command is for partners', async () => {
    const before = await allRecords(h.records, 'partners');
    expect(textOf(await h.say(stranger, 'language sv', { locale: 'en-US' }))).toBe(
      'I write to you in your Teams language until the office adds you to its partner register; then you can choose the language here. Nothing was changed.',
    );
    expect(textOf(await h.say(coordinator, 'language sv', { locale: 'en-US' }))).toContain('Nothing was changed.');
    expect(await allRecords(h.records, 'partners')).toEqual(before);
  });
});
