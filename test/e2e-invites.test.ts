// Invitations over HTTP: the coordinator's card, Teams invite cards, e-mail
// through a real SMTP server, the .ics download, RSVP, a change, a restart,
// reminders and a cancellation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting, Partner } from '../bot/domain/types.js';
import { translator } from '../bot/i18n.js';
import type { RecordStore } from '../bot/store/records.js';
import { FakeClock } from './harness/clock.js';
import { cardOf, type PostedActivity } from './harness/connector.js';
import { coordinator, partner as pekka, stranger, swedishCoordinator, type TestUser } from './harness/people.js';
import { icsEvent } from './harness/ics.js';
import { meetingFixture, partnerFor, seedPlannedMeeting } from './harness/seed.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { parseMail, startSmtpCapture, type CapturedMail, type SmtpCapture } from './harness/smtp.js';
import { sharedRecords, yearRecords } from './harness/read-records.js';

const maija: TestUser = {
  id: '29:user-7',
  aadObjectId: '00000000-0000-4000-8000-000000000007',
  name: 'Maija Meikäläinen',
  email: 'maija@velkaneuvonta.example.fi',
};

const PEKKA = partnerFor(pekka, { organisation: 'Helsingin kaupunki' });
const MAIJA = partnerFor(maija, { organisation: 'Velkaneuvonta ry', segment: 'debt-counsellors', locale: 'sv' });
const ERKKI = partnerFor({ name: 'Erkki Esimerkki', email: 'erkki@vantaa.example.fi' }, { organisation: 'Vantaan kaupunki', locale: 'sv' });
const OUTSIDER = partnerFor({ name: 'Olli Perintä', email: 'olli@perinta.example.fi' }, { organisation: 'Organisaatio', segment: 'collection-agencies' });

// Markup in the sub-theme must reach the HTML e-mail as text.
const SUB_THEME = 'Hakemuksen liitteet & <b>muistio</b>';
const SUB_THEME_HTML = 'Hakemuksen liitteet &amp; &lt;b&gt;muistio&lt;/b&gt;';
/** The organising office, named in Swedish for Erkki and Maija. */
const OFFICE_SV = { name: 'Nylands regionkontor', address: 'sidos-uusimaa@example.fi' };

const MEETING = meetingFixture({
  subTheme: SUB_THEME,
  segments: ['municipalities', 'debt-counsellors'],
  onlineUrl: 'https://teams.microsoft.com/l/meetup-join/abc',
  uid: 'meeting-1@sidos',
});

const seed = (records: RecordStore, partners: Partner[]) => seedPlannedMeeting(records, MEETING, partners, coordinator.aadObjectId);

/** Changes the meeting while Sidos is stopped, as an edit does: with the next SEQUENCE. */
const changeMeeting = (change: Partial<Meeting>) => (records: RecordStore) =>
  records.transaction(async (tx) => {
    const meeting = (await tx.get('meetings', MEETING.id))!;
    await tx.putInYear('meetings', 2027, { ...meeting, ...change, sequence: meeting.sequence + 1 });
  });

/** What an invitee's calendar shows of an invite: exactly these fields, so assertions can be complete. */
function parseIcs(content: string) {
  const { method, uid, sequence, start, organizer, attendees } = icsEvent(content);
  return { method, uid, sequence, start, organizer, attendees };
}

/** The Content-Types of a raw mail's MIME parts, in order. */
const partTypes = (raw: string) => [...raw.matchAll(/^Content-Type: ([\w/-]+)/gm)].map((m) => m[1]);

async function mailOf(mail: CapturedMail) {
  const parsed = await parseMail(mail);
  return {
    subject: parsed.subject,
    from: parsed.from?.value,
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    ics: parsed.calendar && parseIcs(parsed.calendar),
  };
}

type Action = { type: string; verb?: string; url?: string; title: string; data?: Record<string, string> };
const actionsOf = (card: any): Action[] => card.actions ?? [];
const personal = (user: TestUser) => `a:personal-${user.aadObjectId}`;
const to = (posted: PostedActivity[], user: TestUser) => posted.filter((p) => p.conversationId === personal(user));

describe('invitations end to end', () => {
  let smtp: SmtpCapture;
  let received: CapturedMail[];
  let h: Harness;
  const clock = new FakeClock('2027-02-20T08:00:00.000Z');

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    received = smtp.mails;
    h = await Harness.start({
      clock: clock.now,
      seedRecords: (records) => seed(records, [PEKKA, MAIJA, ERKKI, OUTSIDER]),
      env: { SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://sidos.example.fi' },
    });
    // Pekka and Maija have talked to the bot, so it can reach them in Teams.
    await h.say(pekka, 'help');
    await h.say(maija, 'help', { locale: 'sv-SE' });
  });
  afterAll(async () => {
    await h.stop();
    await smtp.close();
  });

  const invitations = async () => (await h.records.findBy('invitations', 'meetingId', MEETING.id)).sort((a, b) => a.id.localeCompare(b.id));
  const invitationOf = async (partnerId: string) => (await invitations()).find((i) => i.partnerId === partnerId)!;
  const icsPath = (card: any) => new URL(actionsOf(card).find((a) => a.url?.includes('/files/'))!.url!).pathname;
  let pekkaCard: any;

  it('shows the coordinator whom to invite and how each partner can be reached', async () => {
    const res = await h.click(coordinator, 'invites.open', { meetingId: MEETING.id });
    expect(res.type).toBe('application/vnd.microsoft.card.adaptive');
    const text = cardText(res.value);
    expect(text).toContain('Kutsut: Hakemuksen liitteet');
    expect(text).toContain('ti 2.3.2027 klo 13.00–14.30');
    expect(text).toContain('Pekka Partner, Helsingin kaupunki – Teams');
    expect(text).toContain('Maija Meikäläinen, Velkaneuvonta ry – Teams');
    expect(text).toContain('Erkki Esimerkki, Vantaan kaupunki – sähköposti');
    expect(text).not.toContain('Olli');
    expect(text).toContain('Ketään ei ole vielä kutsuttu.');
    const toggles = JSON.stringify(res.value).match(/"id":"invite_[^"]+","title":"[^"]+","value":"true"/g);
    expect(toggles).toHaveLength(3);
  });

  it('refuses a coordinator of another office', async () => {
    const res = await h.click(swedishCoordinator, 'invites.open', { meetingId: MEETING.id }, { locale: 'en-US' });
    expect(res.value).toBe('This meeting belongs to another office. Nothing was sent.');
  });

  it('sends a Teams card to partners in Teams and an e-mail invite to the one without, once on a double click', async () => {
    const from = h.connector.posted.length;
    const selection = {
      meetingId: MEETING.id,
      [`invite_${PEKKA.id}`]: 'true',
      [`invite_${MAIJA.id}`]: 'true',
      [`invite_${ERKKI.id}`]: 'true',
    };
    const clicks = await Promise.all([h.click(coordinator, 'invites.send', selection), h.click(coordinator, 'invites.send', selection)]);
    // Both clicks are answered with the card showing the progress; the sends go on in the background, once.
    for (const click of clicks) expect(cardText(click.value)).toMatch(/\d \/ 3 kutsua lähetetty, 0 epäonnistui/);
    await h.idle();
    expect(await invitations()).toHaveLength(3);
    const text = cardText((await h.click(coordinator, 'invites.open', { meetingId: MEETING.id })).value);
    expect(text).toContain('3 / 3 kutsua lähetetty, 0 epäonnistui');
    expect(text).toContain('Lähetetty: 2 Teamsissa, 1 sähköpostilla.');
    expect(text).toContain('0 osallistuu, 0 ehkä, 0 ei osallistu, 3 ei vastannut');
    expect(text).toContain('Pekka Partner, Helsingin kaupunki: ei vastannut · toimitettu (Teams)');
    expect(text).toContain('Erkki Esimerkki, Vantaan kaupunki: ei vastannut · toimitettu (sähköposti)');

    const posted = h.connector.messages(from);
    expect(posted.map((p) => p.conversationId).sort()).toEqual([personal(pekka), personal(maija)].sort());
    pekkaCard = cardOf(to(posted, pekka)[0]);
    const pekkaText = cardText(pekkaCard);
    expect(pekkaText).toContain('Kutsu: Hakemuksen liitteet');
    expect(pekkaText).toContain('ti 2.3.2027 klo 13.00–14.30');
    expect(pekkaText).toContain('Pasila');
    expect(pekkaText).toContain('Perintäasian ensimmäiset viikot');
    const invitation = await invitationOf(PEKKA.id);
    expect(actionsOf(pekkaCard).filter((a) => a.verb === 'invite.rsvp').map((a) => [a.title, a.data])).toEqual([
      ['Osallistun', { invitationId: invitation.id, response: 'accepted' }],
      ['Ehkä', { invitationId: invitation.id, response: 'tentative' }],
      ['En osallistu', { invitationId: invitation.id, response: 'declined' }],
    ]);
    expect(actionsOf(pekkaCard).map((a) => a.url)).toEqual(
      expect.arrayContaining([MEETING.onlineUrl, `https://sidos.example.fi/files/${invitation.icsToken}`]),
    );
    expect(pekkaText).toContain('Uudenmaan aluetoimisto');
    const maijaText = cardText(cardOf(to(posted, maija)[0]));
    expect(maijaText).toContain('Inbjudan: Hakemuksen liitteet');
    expect(maijaText).toContain('tis 2.3.2027 kl. 13.00–14.30');
    expect(maijaText).toContain('Nylands regionkontor');

    expect(received.map((m) => m.to)).toEqual([[ERKKI.email]]);
    // Text, HTML and the calendar REQUEST as alternatives (Outlook, Gmail), plus the .ics attached.
    expect(partTypes(received[0].raw)).toEqual(['multipart/mixed', 'multipart/alternative', 'text/plain', 'text/html', 'text/calendar', 'application/ics']);
    expect(received[0].raw).toMatch(/^Content-Type: text\/calendar; charset=utf-8; method=REQUEST/m);
    expect(received[0].from).toBe(OFFICE_SV.address);
    const mail = await mailOf(received[0]);
    expect(mail.subject).toBe(`Inbjudan: ${SUB_THEME} – tis 2.3.2027 kl. 13.00–14.30`);
    expect(mail.from).toEqual([OFFICE_SV]);
    expect(mail.text).toContain('Hej Erkki Esimerkki,');
    expect(mail.text).toContain('Nylands regionkontor');
    expect(mail.html).toContain('<html lang="sv">');
    expect(mail.html).toContain(`<h1 style="font-size:22px;line-height:1.3;margin:0 0 16px;">Inbjudan: ${SUB_THEME_HTML}</h1>`);
    expect(mail.html).toContain(`<td style="padding:4px 0;">${SUB_THEME_HTML}</td>`);
    expect(mail.html).not.toContain('<b>');
    expect(mail.html).toContain('Nylands regionkontor');
    expect(mail.html).toContain(`<a href="${MEETING.onlineUrl}" style="color:#0f5ea8;">`);
    expect(mail.ics).toEqual({
      method: 'REQUEST',
      uid: MEETING.uid,
      sequence: 0,
      start: MEETING.startsAt,
      organizer: { address: `mailto:${OFFICE_SV.address}`, name: OFFICE_SV.name },
      attendees: [`mailto:${ERKKI.email}`],
    });
  });

  it('serves the .ics behind the card link over HTTP, and 404 for an unknown token', async () => {
    const res = await fetch(`${h.sidos.url}${icsPath(pekkaCard)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8; method=REQUEST');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="sidos-2027-03-02-meeting-1.ics"');
    expect(parseIcs(await res.text())).toEqual({
      method: 'REQUEST',
      uid: MEETING.uid,
      sequence: 0,
      start: MEETING.startsAt,
      organizer: { address: 'mailto:sidos-uusimaa@example.fi', name: 'Uudenmaan aluetoimisto' },
      attendees: [`mailto:${PEKKA.email}`],
    });
    expect((await fetch(`${h.sidos.url}/files/${'x'.repeat(32)}`)).status).toBe(404);
  });

  it('sends nothing again on another click or after a restart', async () => {
    const from = h.connector.posted.length;
    const mails = received.length;
    await h.restart();
    await h.runJob('invites.sync');
    const again = await h.click(coordinator, 'invites.send', { meetingId: MEETING.id });
    expect(cardText(again.value)).toContain('Ei uutta lähetettävää');
    expect(h.connector.messages(from)).toEqual([]);
    expect(received).toHaveLength(mails);
  });

  it('records the invitee’s RSVP from the card and shows the coordinator the counts', async () => {
    const rsvp = actionsOf(pekkaCard).find((a) => a.data?.response === 'accepted')!;
    const res = await h.click(pekka, 'invite.rsvp', rsvp.data!);
    expect(cardText(res.value)).toContain('Vastauksesi: osallistun');
    const maijaInvitation = await invitationOf(MAIJA.id);
    const declined = await h.click(maija, 'invite.rsvp', { invitationId: maijaInvitation.id, response: 'declined' }, { locale: 'sv-SE' });
    expect(cardText(declined.value)).toContain('Ditt svar: jag deltar inte');

    const list = cardText((await h.click(coordinator, 'invites.open', { meetingId: MEETING.id })).value);
    expect(list).toContain('1 osallistuu, 0 ehkä, 1 ei osallistu, 1 ei vastannut');
    expect(list).toContain('Pekka Partner, Helsingin kaupunki: osallistuu · toimitettu (Teams)');
    expect(list).toContain('Toimistosi kaikki kumppanit tapaamisen sidosryhmistä on jo kutsuttu.');
  });

  it('refuses an RSVP for someone else’s invitation and changes nothing', async () => {
    const before = await invitations();
    const invitation = await invitationOf(PEKKA.id);
    const res = await h.click(stranger, 'invite.rsvp', { invitationId: invitation.id, response: 'declined' }, { locale: 'en-US' });
    expect(res.value).toBe('This invitation is not for you, so nothing was changed.');
    // Maija's register language is sv: her English Teams client does not change it.
    const other = await h.click(maija, 'invite.rsvp', { invitationId: invitation.id, response: 'declined' }, { locale: 'en-US' });
    expect(other.value).toBe('Den här inbjudan är inte till dig, så ingenting ändrades.');
    expect(await invitations()).toEqual(before);
  });

  it('answers "card is outdated" to card data of the wrong type (an object or list where a text, id or toggle belongs) and changes nothing', async () => {
    const kept = async () => ({ shared: await sharedRecords(h.records), year: await yearRecords(h.records, 2027) });
    const before = await kept();
    const from = h.connector.posted.length;
    const mails = received.length;
    const invitation = await invitationOf(PEKKA.id);
    const crafted: [TestUser, string, Record<string, unknown>][] = [
      [coordinator, 'invites.open', { meetingId: [MEETING.id] }],
      [coordinator, 'invites.send', { meetingId: MEETING.id, inviteAll: ['true'] }],
      [coordinator, 'invites.send', { meetingId: MEETING.id, [`invite_${ERKKI.id}`]: { checked: true } }],
      [coordinator, 'invites.retry', { meetingId: { id: MEETING.id } }],
      [pekka, 'invite.rsvp', { invitationId: [invitation.id], response: 'declined' }],
      [pekka, 'invite.rsvp', { invitationId: invitation.id, response: { value: 'declined' } }],
    ];
    const outdated = translator('fi')('error.cardOutdated');
    for (const [user, verb, data] of crafted) expect({ verb, answer: (await h.click(user, verb, data)).value }).toEqual({ verb, answer: outdated });
    await h.idle();
    expect(await kept()).toEqual(before);
    expect(h.connector.messages(from)).toEqual([]);
    expect(received).toHaveLength(mails);
  });

  it('re-sends a changed meeting with the same UID and SEQUENCE 1, once, also across a restart', async () => {
    const from = h.connector.posted.length;
    const mails = received.length;
    await h.restart(changeMeeting({ startsAt: '2027-03-09T11:00:00.000Z', endsAt: '2027-03-09T12:30:00.000Z' }));
    await h.runJob('invites.sync');
    await h.runJob('invites.sync');
    await h.restart();
    await h.runJob('invites.sync');

    const posted = h.connector.messages(from);
    expect(posted.map((p) => p.conversationId).sort()).toEqual([personal(pekka), personal(maija)].sort());
    const updated = cardText(cardOf(to(posted, pekka)[0]));
    expect(updated).toContain('Muuttunut kutsu: Hakemuksen liitteet');
    expect(updated).toContain('ti 9.3.2027 klo 13.00–14.30');
    expect(updated).toContain('Vastauksesi: osallistun');

    expect(received.slice(mails).map((m) => m.to)).toEqual([[ERKKI.email]]);
    const mail = await mailOf(received[mails]);
    expect(mail.subject).toBe(`Ändrad inbjudan: ${SUB_THEME} – tis 9.3.2027 kl. 13.00–14.30`);
    expect(mail.html).toContain(`Ändrad inbjudan: ${SUB_THEME_HTML}`);
    expect(mail.ics).toMatchObject({ method: 'REQUEST', uid: MEETING.uid, sequence: 1, start: '2027-03-09T11:00:00.000Z' });

    const ics = parseIcs(await (await fetch(`${h.sidos.url}${icsPath(pekkaCard)}`)).text());
    expect(ics).toMatchObject({ uid: MEETING.uid, sequence: 1, start: '2027-03-09T11:00:00.000Z' });
  });

  it('reminds the accepted and the silent once before the meeting, not the one who declined', async () => {
    const from = h.connector.posted.length;
    const mails = received.length;
    clock.set('2027-03-08T08:00:00.000Z'); // 27 hours before
    await h.runJob('invites.reminders');
    expect(h.connector.messages(from)).toEqual([]);

    clock.set('2027-03-08T12:00:00.000Z'); // 23 hours before
    await h.runJob('invites.reminders');
    await h.runJob('invites.reminders');
    const posted = h.connector.messages(from);
    expect(posted.map((p) => p.conversationId)).toEqual([personal(pekka)]);
    expect(cardText(cardOf(posted[0]))).toContain('Muistutus: Hakemuksen liitteet');
    expect(received.slice(mails).map((m) => m.to)).toEqual([[ERKKI.email]]);
    const reminder = await mailOf(received[mails]);
    expect(reminder.subject).toBe(`Påminnelse: ${SUB_THEME} – tis 9.3.2027 kl. 13.00–14.30`);
    expect(reminder.html).toContain(`Påminnelse: ${SUB_THEME_HTML}`);
    expect(reminder.from).toEqual([OFFICE_SV]);
    expect(partTypes(received[mails].raw)).toEqual(['multipart/alternative', 'text/plain', 'text/html']);
  });

  it('sends METHOD:CANCEL with the same UID when the meeting is cancelled, and no longer takes answers', async () => {
    const from = h.connector.posted.length;
    const mails = received.length;
    await h.restart(changeMeeting({ status: 'cancelled' }));
    await h.runJob('invites.sync');
    await h.runJob('invites.sync');

    const posted = h.connector.messages(from);
    expect(posted.map((p) => p.conversationId).sort()).toEqual([personal(pekka), personal(maija)].sort());
    const cancelled = cardOf(to(posted, pekka)[0]);
    expect(cardText(cancelled)).toContain('Peruttu: Hakemuksen liitteet');
    expect(actionsOf(cancelled).some((a) => a.verb === 'invite.rsvp')).toBe(false);

    expect(received.slice(mails).map((m) => m.to)).toEqual([[ERKKI.email]]);
    expect(received[mails].raw).toMatch(/^Content-Type: text\/calendar; charset=utf-8; method=CANCEL/m);
    expect(partTypes(received[mails].raw)).toEqual(['multipart/mixed', 'multipart/alternative', 'text/plain', 'text/html', 'text/calendar', 'application/ics']);
    const cancellation = await mailOf(received[mails]);
    expect(cancellation.ics).toMatchObject({ method: 'CANCEL', uid: MEETING.uid, sequence: 2, organizer: { address: `mailto:${OFFICE_SV.address}`, name: OFFICE_SV.name } });
    expect(cancellation.html).toContain(`Inställt: ${SUB_THEME_HTML}`);
    expect(cancellation.from).toEqual([OFFICE_SV]);

    const res = await fetch(`${h.sidos.url}${icsPath(pekkaCard)}`);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8; method=CANCEL');

    const rsvp = actionsOf(pekkaCard).find((a) => a.data?.response === 'tentative')!;
    expect((await h.click(pekka, 'invite.rsvp', rsvp.data!)).value).toBe('Tapaaminen on peruttu, joten vastaustasi ei tallennettu.');
    expect((await invitationOf(PEKKA.id)).rsvp).toBe('accepted');
    expect(cardText((await h.click(coordinator, 'invites.open', { meetingId: MEETING.id })).value)).toContain(
      'Tapaaminen on peruttu; peruutus lähtee kaikille kutsutuille.',
    );
  });
});

describe('invitations without SMTP', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start({ clock: new FakeClock('2027-02-20T08:00:00.000Z').now, seedRecords: (records) => seed(records, [PEKKA, ERKKI]) });
    await h.say(pekka, 'help');
  });
  afterAll(() => h.stop());

  it('delivers in Teams, names who was not reached and says once that e-mail is not set up', async () => {
    const from = h.connector.posted.length;
    const open = cardText((await h.click(coordinator, 'invites.open', { meetingId: MEETING.id }, { locale: 'en-US' })).value);
    expect(open).toContain('Erkki Esimerkki, Vantaan kaupunki – cannot be reached (no Teams, and e-mail is not set up)');

    const first = cardText(
      (await h.click(coordinator, 'invites.send', { meetingId: MEETING.id, [`invite_${PEKKA.id}`]: 'true', [`invite_${ERKKI.id}`]: 'true' }, { locale: 'en-US' })).value,
    );
    expect(first).toContain('Could not reach: Erkki Esimerkki (Vantaan kaupunki).');
    expect(first).toContain('E-mail is not set up (SMTP_URL)');
    expect(first).toContain('Erkki Esimerkki, Vantaan kaupunki: no answer · cannot be reached');
    await h.idle();
    expect(h.connector.messages(from).map((p) => p.conversationId)).toEqual([personal(pekka)]);
    const done = cardText((await h.click(coordinator, 'invites.open', { meetingId: MEETING.id }, { locale: 'en-US' })).value);
    expect(done).toContain('1 / 2 invitations sent, 0 failed');
    expect(done).toContain('Sent: 1 in Teams, 0 by e-mail.');

    const again = cardText((await h.click(coordinator, 'invites.send', { meetingId: MEETING.id }, { locale: 'en-US' })).value);
    expect(again).toContain('Could not reach: Erkki Esimerkki (Vantaan kaupunki).');
    expect(again).not.toContain('E-mail is not set up');
    await h.idle();
    expect(h.connector.messages(from)).toHaveLength(1);
    expect(await h.records.jobState('invites.noEmailNoticeShown.uusimaa')).toBeDefined();
  });
});
