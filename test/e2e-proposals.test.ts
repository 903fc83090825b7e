// Proposals moving through their statuses with the author told, and the
// office's feedback to partner organisations, over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proposal } from '../bot/domain/types.js';
import { translator } from '../bot/i18n.js';
import { FakeClock } from './harness/clock.js';
import { cardOf } from './harness/connector.js';
import { coordinator, national, partner, swedishCoordinator } from './harness/people.js';
import { meetingFixture, partnerFixture, partnerFor, seedMeeting } from './harness/seed.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { parseMail, startSmtpCapture, type CapturedMail, type SmtpCapture } from './harness/smtp.js';
import { allRecords } from './harness/read-records.js';
import { yearRecords } from './harness/read-records.js';
import { proposalChanges, proposalFixture } from './harness/record-fixtures.js';

const MEETING_ID = 'meeting-1';
const PEKKA_CHAT = `a:personal-${partner.aadObjectId}`;
const COORDINATOR_CHAT = `a:personal-${coordinator.aadObjectId}`;

// Pekka is the Teams user `partner` and reads Swedish; Liisa of the same organisation has only e-mail.
const pekka = partnerFor(partner, { id: 'p-pekka', organisation: 'Espoon kaupunki', locale: 'sv' });
const liisa = partnerFixture('p-liisa', { name: 'Liisa Laine', organisation: 'Espoon kaupunki', email: 'liisa@espoo.example.fi' });
const olli = partnerFixture('p-olli', { name: 'Olli Ojala', organisation: 'Vantaan kaupunki', email: 'olli@vantaa.example.fi' });

const meeting = meetingFixture({ id: MEETING_ID, endsAt: '2027-03-02T13:00:00.000Z' });

const proposal = (id: string, text: string, patch: Partial<Proposal>): Proposal =>
  proposalFixture(id, {
    feedbackId: `feedback-${id}`,
    text,
    level: 'local',
    justification: 'Asiakkaat kysyvät tätä joka viikko.',
    authorPartnerId: 'p-pekka',
    ...proposalChanges([['received', '2027-03-02T14:00:00.000Z']], 'p-pekka'),
    ...patch,
  });

const LOCAL_TEXT = 'Lähettäkää maksusuunnitelman malli jo ensimmäisen kirjeen mukana.';
const NATIONAL_TEXT = 'Muuttakaa ulosottokaaren määräaikoja.';
const ANON_TEXT = 'Päätökseen käsittelijän suora puhelinnumero.';
const DIRECT_TEXT = 'Neuvontapuhelin auki myös keskiviikkoiltaisin.';

describe('proposals and office feedback over HTTP', () => {
  const clock = new FakeClock('2027-03-03T09:00:00.000Z');
  let h: Harness;
  let smtp: SmtpCapture;
  let mails: CapturedMail[];

  /** The records of 2027 these tests look at, read through the running Sidos's RecordStore. */
  const year = async () => ({ officeFeedback: await h.records.inYear('officeFeedback', 2027) });
  const yearFile = () => yearRecords(h.records, 2027);

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    mails = smtp.mails;

    h = await Harness.start({
      clock: clock.now,
      env: { SMTP_URL: smtp.url },
      seedRecords: async (records) => {
        await seedMeeting(records, meeting, [[pekka, 'accepted'], [liisa, 'tentative'], [olli, 'declined']]);
        const proposals = [
          proposal('prop-local', LOCAL_TEXT, {}),
          proposal('prop-national', NATIONAL_TEXT, { level: 'national', createdAt: '2027-03-02T14:01:00.000Z' }),
          proposal('prop-anon', ANON_TEXT, { anonymous: true, authorPartnerId: 'p-olli', createdAt: '2027-03-02T14:02:00.000Z' }),
          proposal('prop-direct', DIRECT_TEXT, { createdAt: '2027-03-02T14:03:00.000Z' }),
        ];
        await records.transaction(async (tx) => {
          for (const p of proposals) await tx.putInYear('proposals', 2027, p);
        });
      },
    });
    // Personal chats exist once people have talked to the bot.
    await h.say(partner, 'help', { locale: 'sv-SE' });
    await h.say(coordinator, 'help', { locale: 'fi-FI' });
    await h.say(swedishCoordinator, 'help', { locale: 'sv-SE' });
  });

  afterAll(async () => {
    await h.stop();
    await smtp.close();
  });

  describe('proposals', () => {
    it('lists the coordinator’s local proposals, never the national ones, and never names an anonymous author', async () => {
      const [reply] = await h.say(coordinator, 'proposals');
      const text = cardText(cardOf(reply));
      expect(text).toContain(LOCAL_TEXT);
      expect(text).toContain(ANON_TEXT);
      expect(text).not.toContain(NATIONAL_TEXT);
      expect(text).toContain('Pekka Partner, Espoon kaupunki');
      expect(text).toContain('nimetön');
      expect(text).not.toContain('Olli');
      expect(text).not.toContain('Vantaan');
      expect(text).toContain('Asiakkaat kysyvät tätä joka viikko.');
      expect(text).toContain('Ota käsittelyyn');
    });

    it('moves a local proposal received → under review → planned → done, telling the author each time in their language', async () => {
      const open = await h.click(coordinator, 'proposal.status', { proposalId: 'prop-local', status: 'under-review', filter: '' });
      expect(cardText(open.value)).toContain('Uusi tila: käsittelyssä');

      let from = h.connector.posted.length;
      const reviewed = await h.click(coordinator, 'proposal.status.save', { proposalId: 'prop-local', status: 'under-review', reason: '', filter: '' });
      expect(cardText(reviewed.value)).toContain('Tila muutettu: käsittelyssä. Ehdottajalle kerrottiin Teamsissa.');
      let told = h.connector.messages(from);
      expect(told.map((m) => m.conversationId)).toEqual([PEKKA_CHAT]);
      expect(cardText(cardOf(told[0]))).toContain('Ditt förslag har nu status "under behandling"');
      expect(cardText(cardOf(told[0]))).toContain(LOCAL_TEXT);

      clock.advance(60_000);
      from = h.connector.posted.length;
      const plan = 'Lisäämme mallin ensimmäiseen kirjeeseen huhtikuussa.';
      const planned = await h.click(coordinator, 'proposal.status.save', { proposalId: 'prop-local', status: 'planned', reason: plan, filter: '' });
      expect(cardText(planned.value)).toContain('Tila muutettu: suunniteltu.');
      told = h.connector.messages(from);
      expect(told.map((m) => m.conversationId)).toEqual([PEKKA_CHAT]);
      const plannedText = cardText(cardOf(told[0]));
      expect(plannedText).toContain('Du föreslog');
      expect(plannedText).toContain('Vi har planerat en ändring.');
      expect(plannedText).toContain(plan);

      clock.advance(60_000);
      from = h.connector.posted.length;
      const did = 'Malli on nyt mukana jokaisessa ensimmäisessä kirjeessä.';
      await h.click(coordinator, 'proposal.status.save', { proposalId: 'prop-local', status: 'done', reason: did, filter: '' });
      told = h.connector.messages(from);
      expect(told).toHaveLength(1);
      expect(cardText(cardOf(told[0]))).toContain('Ändringen är gjord.');
      expect(cardText(cardOf(told[0]))).toContain(did);

      const stored = (await h.records.get('proposals', 'prop-local'))!;
      expect(stored.status).toBe('done');
      expect(stored.history.map((c: { status: string; reason?: string; by: string }) => [c.status, c.reason, c.by])).toEqual([
        ['received', undefined, 'p-pekka'],
        ['under-review', undefined, coordinator.aadObjectId],
        ['planned', plan, coordinator.aadObjectId],
        ['done', did, coordinator.aadObjectId],
      ]);
      const sends = (await allRecords(h.records, 'sends')).map((s) => s.id);
      expect(sends).toEqual(expect.arrayContaining(['proposal-status:prop-local:2', 'proposal-status:prop-local:3', 'proposal-status:prop-local:4']));

      // Done is final: the list offers no more actions for it.
      const [list] = await h.say(coordinator, 'proposals done');
      expect(cardText(cardOf(list))).toContain(LOCAL_TEXT);
      expect(JSON.stringify(cardOf(list))).not.toContain('proposal.status');
    });

    it('decides a received proposal "planned" in one click and tells the author once; the click replayed changes nothing', async () => {
      const [list] = await h.say(coordinator, 'proposals received');
      const offered = JSON.stringify(cardOf(list));
      expect(offered).toContain('"proposalId":"prop-direct","status":"planned"');
      expect(offered).toContain('"proposalId":"prop-direct","status":"done"');

      clock.advance(60_000);
      const from = h.connector.posted.length;
      const save = { proposalId: 'prop-direct', status: 'planned', reason: 'Kokeilemme keskiviikkoiltoja syksystä alkaen.', filter: '' };
      const planned = await h.click(coordinator, 'proposal.status.save', save);
      expect(cardText(planned.value)).toContain('Tila muutettu: suunniteltu. Ehdottajalle kerrottiin Teamsissa.');
      const replay = await h.click(coordinator, 'proposal.status.save', save);
      expect(replay.value).toBe('Ehdotusta, jonka tila on "suunniteltu", ei voi muuttaa tilaan "suunniteltu". Mitään ei muutettu.');

      const told = h.connector.messages(from);
      expect(told.map((m) => m.conversationId)).toEqual([PEKKA_CHAT]);
      expect(cardText(cardOf(told[0]))).toContain('Vi har planerat en ändring.');
      const stored = (await h.records.get('proposals', 'prop-direct'))!;
      expect(stored.history.map((c: { status: string }) => c.status)).toEqual(['received', 'planned']);
    });

    it('refuses an invalid move and a decline without a reason, changing nothing', async () => {
      const before = await yearFile();
      const from = h.connector.posted.length;
      const reopen = await h.click(coordinator, 'proposal.status.save', { proposalId: 'prop-local', status: 'planned', reason: 'Avataan tämä uudelleen.' });
      expect(reopen.value).toBe('Ehdotusta, jonka tila on "toteutettu", ei voi muuttaa tilaan "suunniteltu". Mitään ei muutettu.');

      const noReason = await h.click(coordinator, 'proposal.status.save', { proposalId: 'prop-anon', status: 'declined', reason: '  ' });
      const form = cardText(noReason.value);
      expect(form).toContain('Perustelu: kerro miksi');
      expect(form).toContain('Uusi tila: hylätty');

      expect(await yearFile()).toEqual(before);
      expect(h.connector.messages(from)).toEqual([]);
    });

    it('answers "card is outdated" to a status button or form with the wrong type of data, changing nothing', async () => {
      const outdated = translator('fi')('error.cardOutdated');
      const before = await yearFile();
      const from = h.connector.posted.length;
      const crafted = [
        // A list where the form has its reason input, an object where the button put the status.
        { verb: 'proposal.status.save', data: { proposalId: 'prop-anon', status: 'declined', reason: ['Ei resursseja tälle vuodelle.'] } },
        { verb: 'proposal.status', data: { proposalId: 'prop-anon', status: { to: 'planned' } } },
      ];
      for (const { verb, data } of crafted) {
        expect({ verb, answer: (await h.click(coordinator, verb, data)).value }).toEqual({ verb, answer: outdated });
      }
      expect(await yearFile()).toEqual(before);
      expect(h.connector.messages(from)).toEqual([]);
    });

    it('changes an anonymous proposal without telling anyone', async () => {
      const from = h.connector.posted.length;
      const res = await h.click(coordinator, 'proposal.status.save', { proposalId: 'prop-anon', status: 'under-review', reason: '' });
      const text = cardText(res.value);
      expect(text).toContain('Ehdotus on nimetön, joten kenellekään ei kerrottu.');
      expect(text).not.toContain('Olli');
      expect(h.connector.messages(from)).toEqual([]);
      expect((await h.records.get('proposals', 'prop-anon'))!.status).toBe('under-review');
      expect((await allRecords(h.records, 'sends')).some((s) => s.id.includes('prop-anon'))).toBe(false);
    });

    it('refuses a coordinator’s crafted invoke on a national proposal, and a partner’s, changing nothing', async () => {
      const before = await yearFile();
      const save = { proposalId: 'prop-national', status: 'under-review', reason: 'Katsotaan tätä paikallisesti.' };
      const refused = await h.click(coordinator, 'proposal.status.save', save);
      expect(refused.value).toContain('Tämä ehdotus ei ole sinun päätettävissäsi');
      expect((await h.click(coordinator, 'proposal.status', save)).value).toContain('Tämä ehdotus ei ole sinun päätettävissäsi');
      const otherOffice = await h.click(swedishCoordinator, 'proposal.status.save', { ...save, proposalId: 'prop-anon', status: 'planned' }, { locale: 'sv-SE' });
      expect(otherOffice.value).toContain('Det här förslaget är inte ditt att besluta om');
      // Pekka's register language (sv) wins over his English Teams client.
      expect((await h.click(partner, 'proposal.status.save', save, { locale: 'en-US' })).value).toContain('Tyvärr är det här bara för');
      expect(await yearFile()).toEqual(before);
    });

    it('lets national leadership decide the national proposal, and tells the author', async () => {
      const [list] = await h.say(national, 'proposals', { locale: 'en-US' });
      const text = cardText(cardOf(list));
      expect(text).toContain(NATIONAL_TEXT);
      expect(text).not.toContain(LOCAL_TEXT);
      expect(text).not.toContain(ANON_TEXT);

      const from = h.connector.posted.length;
      const reason = 'The ministry has been asked to change the deadlines.';
      const res = await h.click(national, 'proposal.status.save', { proposalId: 'prop-national', status: 'declined', reason }, { locale: 'en-US' });
      expect(cardText(res.value)).toContain('Status changed to "declined". The author was told in Teams.');
      const told = h.connector.messages(from);
      expect(told.map((m) => m.conversationId)).toEqual([PEKKA_CHAT]);
      expect(cardText(cardOf(told[0]))).toContain('Vi beslutade att inte genomföra förslaget.');
      expect(cardText(cardOf(told[0]))).toContain('den nationella ledningen');
      expect((await h.records.get('proposals', 'prop-national'))!.status).toBe('declined');
    });
  });

  describe('office feedback to partners', () => {
    /** The coordinator's feedback to Espoon kaupunki on the meeting, with the rating and suggestion given. */
    const submitToEspoo = (fields: { rating: string; couldDoDifferently: string }) =>
      h.click(coordinator, 'office-feedback.submit', { meetingId: MEETING_ID, organisation: 'Espoon kaupunki', works: 'Yhteyshenkilö vastaa nopeasti.', ...fields });

    it('prompts the office’s coordinators once per meeting, listing only organisations that attended', async () => {
      const prompts = await h.runJob('office-feedback.requests');
      expect(prompts.map((m) => m.conversationId)).toEqual([COORDINATOR_CHAT]);
      const text = cardText(cardOf(prompts[0]));
      expect(text).toContain('Palaute kumppaneille');
      expect(text).toContain('Hakemuksen liitteet, ti 2.3.2027 klo 13.00–15.00');
      expect(text).toContain('Espoon kaupunki');
      expect(text).toContain('osallistui: Pekka Partner, Liisa Laine');
      expect(text).not.toContain('Vantaan kaupunki');
      expect(JSON.stringify(cardOf(prompts[0]))).toContain('office-feedback.open');

      expect(await h.runJob('office-feedback.requests')).toEqual([]);
    });

    it('refuses an invalid rating with the errors shown, saving nothing', async () => {
      const open = await h.click(coordinator, 'office-feedback.open', { meetingId: MEETING_ID, organisation: 'Espoon kaupunki' });
      expect(cardText(open.value)).toContain('Palaute: Espoon kaupunki');

      const from = h.connector.posted.length;
      const res = await submitToEspoo({ rating: '7', couldDoDifferently: '' });
      const form = cardText(res.value);
      expect(form).toContain('Arvosana: sallittu 1–5.');
      expect(form).toContain('Yhteyshenkilö vastaa nopeasti.');
      expect((await year()).officeFeedback).toEqual([]);
      expect(h.connector.messages(from)).toEqual([]);
      expect(mails).toEqual([]);
    });

    it('answers "card is outdated" to office feedback card data of the wrong type, saving nothing', async () => {
      const outdated = translator('fi')('error.cardOutdated');
      const before = await yearFile();
      const from = h.connector.posted.length;
      const crafted = [
        // An object where the form has its rating input, a list where the button put the organisation, an object for the meeting id.
        { verb: 'office-feedback.submit', data: { meetingId: MEETING_ID, organisation: 'Espoon kaupunki', rating: { value: 4 }, works: 'Yhteyshenkilö vastaa nopeasti.', couldDoDifferently: '' } },
        { verb: 'office-feedback.open', data: { meetingId: MEETING_ID, organisation: ['Espoon kaupunki'] } },
        { verb: 'office-feedback.prompt', data: { meetingId: { id: MEETING_ID } } },
      ];
      for (const { verb, data } of crafted) {
        expect({ verb, answer: (await h.click(coordinator, verb, data)).value }).toEqual({ verb, answer: outdated });
      }
      expect(await yearFile()).toEqual(before);
      expect(h.connector.messages(from)).toEqual([]);
      expect(mails).toEqual([]);
    });

    it('saves valid feedback and delivers it to the organisation’s attendees: Teams and e-mail', async () => {
      const from = h.connector.posted.length;
      const res = await submitToEspoo({ rating: '4', couldDoDifferently: 'Liittäkää maksusuunnitelma hakemukseen.' });
      const confirmation = cardText(res.value);
      expect(confirmation).toContain('Palaute organisaatiolle Espoon kaupunki tallennettu. Lähetetty osallistujille: 1 Teamsissa, 1 sähköpostilla.');
      expect(confirmation).toContain('palaute annettu (4/5)');

      const delivered = h.connector.messages(from);
      expect(delivered.map((m) => m.conversationId)).toEqual([PEKKA_CHAT]);
      const card = cardText(cardOf(delivered[0]));
      expect(card).toContain('Respons från Nylands regionkontor');
      expect(card).toContain('4/5');
      expect(card).toContain('Yhteyshenkilö vastaa nopeasti.');
      expect(card).toContain('Liittäkää maksusuunnitelma hakemukseen.');

      expect(mails.map((m) => m.to)).toEqual([['liisa@espoo.example.fi']]);
      const mail = await parseMail(mails[0]);
      expect(mail.subject).toBe('Palautetta: Uudenmaan aluetoimisto');
      expect(mail.from?.value).toEqual([{ name: 'Uudenmaan aluetoimisto', address: 'sidos-uusimaa@example.fi' }]);
      expect(mail.html).toContain('<html lang="fi">');
      expect(mail.html).toContain('Liittäkää maksusuunnitelma hakemukseen.');
      expect(mail.text).toContain('Toimiston palaute organisaatiolle Espoon kaupunki tapaamisen jälkeen:');
      expect(mail.text).toContain('Liittäkää maksusuunnitelma hakemukseen.');

      const stored = (await year()).officeFeedback;
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({
        meetingId: MEETING_ID,
        officeId: 'uusimaa',
        organisation: 'Espoon kaupunki',
        rating: 4,
        givenBy: coordinator.aadObjectId,
      });
    });

    it('updates the same feedback on a second submission and sends the new version; an identical one sends nothing', async () => {
      const first = (await year()).officeFeedback[0];
      clock.advance(5 * 60_000);
      const changed = {
        meetingId: MEETING_ID,
        organisation: 'espoon kaupunki',
        rating: '5',
        works: 'Yhteyshenkilö vastaa nopeasti ja hakemukset ovat täydellisiä.',
        couldDoDifferently: '',
      };
      let from = h.connector.posted.length;
      await h.click(coordinator, 'office-feedback.submit', changed);
      expect(h.connector.messages(from)).toHaveLength(1);
      expect(mails).toHaveLength(2);
      const stored = (await year()).officeFeedback;
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ id: first.id, rating: 5, givenAt: first.givenAt, couldDoDifferently: '' });
      expect(stored[0].updatedAt).not.toBe(first.updatedAt);

      from = h.connector.posted.length;
      await h.click(coordinator, 'office-feedback.submit', changed);
      expect(h.connector.messages(from)).toEqual([]);
      expect(mails).toHaveLength(2);
    });

    it('refuses feedback to an organisation that did not attend, and to another office’s coordinator', async () => {
      const before = await yearFile();
      const valid = { meetingId: MEETING_ID, rating: '3', works: 'Hyvä yhteistyö.', couldDoDifferently: '' };
      const notAttended = 'Organisaatiosta Vantaan kaupunki ei osallistunut kukaan tähän tapaamiseen';
      expect((await h.click(coordinator, 'office-feedback.open', { ...valid, organisation: 'Vantaan kaupunki' })).value).toContain(notAttended);
      expect((await h.click(coordinator, 'office-feedback.submit', { ...valid, organisation: 'Vantaan kaupunki' })).value).toContain(notAttended);
      const otherOffice = await h.click(swedishCoordinator, 'office-feedback.submit', { ...valid, organisation: 'Espoon kaupunki' }, { locale: 'sv-SE' });
      expect(otherOffice.value).toContain('Endast koordinatorerna vid mötets kontor');
      expect(await yearFile()).toEqual(before);
    });
  });

  it('logged no failed sends or errors along the way', () => {
    expect(h.logs.filter((line) => /fail|error/i.test(line))).toEqual([]);
  });
});
