// The partner → office feedback loop over HTTP: the card after a meeting,
// refused and accepted submissions, an edit, reminders, anonymity in what
// staff see, survey rounds, and feedback at any time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeActions, feedbackSubmission, inputElements } from './harness/card-inputs.js';
import { translator } from '../bot/i18n.js';
import { FakeClock } from './harness/clock.js';
import { cardOf, type PostedActivity } from './harness/connector.js';
import { coordinator, partner, stranger, type TestUser } from './harness/people.js';
import { meetingFixture, partnerFor, seedMeeting } from './harness/seed.js';
import { cardText, Harness } from './harness/sidos-harness.js';

const MEETING_ID = 'meeting-1';

// A second partner with Teams, who does not answer the meeting request.
const liisaUser: TestUser = {
  id: '29:user-7',
  aadObjectId: '00000000-0000-4000-8000-000000000007',
  name: 'Liisa Laine',
  email: 'liisa@vantaa.example.fi',
};

const pekka = partnerFor(partner, { id: 'p-pekka', organisation: 'Espoon kaupunki' });
const liisa = partnerFor(liisaUser, { id: 'p-liisa', organisation: 'Vantaan kaupunki' });
// Declined the meeting and is in another segment: asked neither after the meeting nor in the survey.
const olliUser: TestUser = { id: '29:user-8', aadObjectId: '00000000-0000-4000-8000-000000000008', name: 'Olli Ojala', email: 'olli@perinta.example.fi' };
const olli = partnerFor(olliUser, { id: 'p-olli', organisation: 'Perintä Oy', segment: 'collection-agencies' });

const meeting = meetingFixture({
  id: MEETING_ID,
  subTheme: 'Perinnän ensimmäiset viikot',
  endsAt: '2027-03-02T13:00:00.000Z',
  segments: ['municipalities', 'collection-agencies'],
});

const chatOf = (user: TestUser) => `a:personal-${user.aadObjectId}`;

const submitAction = (card: any) => card.actions.find((a: any) => a.verb === 'feedback.submit');

describe('partner feedback over HTTP', () => {
  const clock = new FakeClock('2027-03-02T13:10:00.000Z');
  let h: Harness;
  let pekkaRequestId: string;
  let liisaRequestId: string;
  /** The records of 2027 these tests look at, read through the running Sidos's RecordStore. */
  const year = async () => ({
    feedbackRequests: await h.records.inYear('feedbackRequests', 2027),
    feedback: await h.records.inYear('feedback', 2027),
    proposals: await h.records.inYear('proposals', 2027),
    surveyRounds: await h.records.inYear('surveyRounds', 2027),
  });

  beforeAll(async () => {
    h = await Harness.start({
      clock: clock.now,
      seedRecords: async (records) => {
        await seedMeeting(records, meeting, [[pekka, 'accepted'], [liisa, 'tentative'], [olli, 'declined']]);
        // The office's named contact for municipalities is shown with the feedback request.
        const contacts = [{ name: 'Maija Meikäläinen', email: 'maija@office.example.fi' }];
        await records.transaction((tx) => tx.put('segmentContacts', { id: 'uusimaa:municipalities', officeId: 'uusimaa', segment: 'municipalities', contacts, updatedBy: 'test', updatedAt: '2027-01-01T00:00:00.000Z' }));
      },
      config: { feedback: { reminderAfterDays: 3, maxReminders: 2, anonymityMinimum: 2 } },
    });
    // The partners have talked to the bot, so their personal chats are known.
    await h.say(partner, 'help');
    await h.say(liisaUser, 'help');
  });

  afterAll(() => h.stop());

  it('after the meeting ends, each attendee gets a feedback card once', async () => {
    const sent = await h.runJob('feedback.requests');
    expect(sent.map((m) => m.conversationId).sort()).toEqual([chatOf(partner), chatOf(liisaUser)].sort());

    const requests = (await year()).feedbackRequests;
    expect(requests.map((r: any) => [r.partnerId, r.kind, r.meetingId, r.status])).toEqual([
      ['p-pekka', 'meeting', MEETING_ID, 'open'],
      ['p-liisa', 'meeting', MEETING_ID, 'open'],
    ]);
    pekkaRequestId = requests[0].id;
    liisaRequestId = requests[1].id;

    const card = cardOf(sent.find((m) => m.conversationId === chatOf(partner)));
    const text = cardText(card);
    expect(text).toContain('Tapaaminen: Perinnän ensimmäiset viikot, ti 2.3.2027 klo 13.00');
    expect(text).toContain('Hei Pekka Partner!');
    expect(text).toContain('Jos arvio on 1 tai 2, kirjoita perustelu (vähintään 10 merkkiä)');
    expect(text).toContain('Voit muokata vastaustasi to 11.3.2027 klo 15.10 asti.');
    expect(text).toContain('Yhteyshenkilösi: Maija Meikäläinen (maija@office.example.fi)');
    const fields = inputElements(card);
    expect([...fields.keys()]).toEqual([
      'rating', 'works', 'change', 'justification',
      'proposal_0', 'level_0', 'proposalJustification_0',
      'proposal_1', 'level_1', 'proposalJustification_1',
      'proposal_2', 'level_2', 'proposalJustification_2',
      'anonymous',
    ]);
    expect(fields.get('rating').choices.map((c: any) => c.value)).toEqual(['1', '2', '3', '4', '5']);
    expect(fields.get('rating').choices[4].title).toBe('5 – erinomainen');
    expect(fields.get('works').isMultiline).toBe(true);
    expect(fields.get('level_0').choices.map((c: any) => [c.value, c.title])).toEqual([
      ['local', 'Paikallinen toimisto voi korjata'],
      ['national', 'Vaatii valtakunnallisen tason'],
    ]);
    expect(fields.get('anonymous')).toMatchObject({ type: 'Input.Toggle', valueOn: 'true', valueOff: 'false' });
    expect(submitAction(card).data).toEqual({ requestId: pekkaRequestId, topic: '' });

    expect(await h.runJob('feedback.requests')).toEqual([]);
    expect((await year()).feedbackRequests).toHaveLength(2);
  });

  it('refuses an answer from anyone but the partner the request was sent to', async () => {
    const byLiisa = await h.click(liisaUser, 'feedback.submit', feedbackSubmission(pekkaRequestId, { rating: '5' }));
    expect(byLiisa.value).toBe('Tämä palautepyyntö on lähetetty toiselle henkilölle, joten et voi vastata siihen. Mitään ei muutettu.');
    const byStranger = await h.click(stranger, 'feedback.submit', feedbackSubmission(pekkaRequestId, { rating: '5' }));
    expect(byStranger.value).toContain('Palautteen antaminen edellyttää, että toimisto on lisännyt sinut kumppanirekisteriinsä.');
    const data = await year();
    expect(data.feedback).toEqual([]);
    expect(data.feedbackRequests.every((r: any) => r.status === 'open')).toBe(true);
  });

  it('refuses a low rating without a justification, says why in Finnish, keeps the values and saves nothing', async () => {
    const res = await h.click(partner, 'feedback.submit', feedbackSubmission(pekkaRequestId, { rating: '2', works: 'Asialista tuli ajoissa.', proposal_0: 'Kutsut kuukautta aiemmin', level_0: 'local' }));
    expect(res.type).toBe('application/vnd.microsoft.card.adaptive');
    const text = cardText(res.value);
    expect(text).toContain('Palautetta ei tallennettu. Korjaa nämä:');
    expect(text).toContain(
      'Perustelu (pakollinen, jos arvio on 1 tai 2): arvio 1 tai 2 vaatii perustelun (vähintään 10 merkkiä): kritiikkiä ilman perustelua ei voida käsitellä.',
    );
    expect(inputElements(res.value).get('works').value).toBe('Asialista tuli ajoissa.');
    expect(inputElements(res.value).get('rating').value).toBe('2');
    const data = await year();
    expect(data.feedback).toEqual([]);
    expect(data.proposals).toEqual([]);
    expect(data.feedbackRequests.find((r: any) => r.id === pekkaRequestId)!.status).toBe('open');
  });

  it('answers "card is outdated" to feedback card data of the wrong type, and changes nothing', async () => {
    const outdated = translator('fi')('error.cardOutdated');
    const before = await year();
    const posted = h.connector.posted.length;
    const crafted = [
      // An object where the form has a text input, a list where the card put the request's id.
      { verb: 'feedback.submit', data: { ...feedbackSubmission(pekkaRequestId, { rating: '4' }), works: { text: 'Asialista tuli ajoissa.' } } },
      { verb: 'feedback.submit', data: { ...feedbackSubmission(pekkaRequestId, { rating: '4', works: 'Asialista tuli ajoissa.' }), requestId: [pekkaRequestId] } },
      { verb: 'feedback.topic', data: { topic: { kind: 'general' } } },
    ];
    for (const { verb, data } of crafted) {
      expect({ verb, answer: (await h.click(partner, verb, data)).value }).toEqual({ verb, answer: outdated });
    }
    expect(await year()).toEqual(before);
    expect(h.connector.posted.length).toBe(posted);
  });

  it('saves a valid answer with its proposals and their levels', async () => {
    clock.advance(60 * 60_000);
    const res = await h.click(partner, 'feedback.submit', feedbackSubmission(pekkaRequestId, {
      rating: '2',
      works: 'Asialista tuli ajoissa.',
      change: 'Enemmän aikaa keskustelulle.',
      justification: 'Puolet ajasta kului esityksiin.',
      proposal_0: 'Kutsut kuukautta aiemmin',
      level_0: 'local',
      proposal_1: 'Määräaikojen pidennys lakiin',
      level_1: 'national',
      proposalJustification_1: 'Velallisilla ei ole aikaa reagoida.',
    }));
    const text = cardText(res.value);
    expect(text).toContain('Kiitos! Palautteesi on tallennettu.');
    expect(submitAction(res.value)).toMatchObject({ title: 'Tallenna muutokset', data: { requestId: pekkaRequestId } });

    const data = await year();
    expect(data.feedback).toHaveLength(1);
    expect(data.feedback[0]).toMatchObject({
      requestId: pekkaRequestId,
      kind: 'meeting',
      meetingId: MEETING_ID,
      partnerId: 'p-pekka',
      rating: 2,
      justification: 'Puolet ajasta kului esityksiin.',
      anonymous: false,
    });
    expect(data.proposals.map((p: any) => [p.text, p.level, p.status, p.justification ?? null])).toEqual([
      ['Kutsut kuukautta aiemmin', 'local', 'received', null],
      ['Määräaikojen pidennys lakiin', 'national', 'received', 'Velallisilla ei ole aikaa reagoida.'],
    ]);
    expect(data.feedbackRequests.find((r: any) => r.id === pekkaRequestId)).toMatchObject({ status: 'answered' });
  });

  it('an edit updates the same record and never adds another', async () => {
    const before = (await year()).feedback[0];
    clock.advance(60 * 60_000);
    const res = await h.click(partner, 'feedback.submit', feedbackSubmission(pekkaRequestId, { rating: '4', works: 'Asialista tuli ajoissa.', proposal_0: 'Kutsut kuukautta aiemmin', level_0: 'national' }));
    expect(cardText(res.value)).toContain('Muutoksesi on tallennettu.');
    const data = await year();
    expect(data.feedback).toHaveLength(1);
    expect(data.feedback[0]).toMatchObject({ id: before.id, rating: 4, submittedAt: before.submittedAt, updatedAt: clock.now().toISOString() });
    expect(data.feedback[0]).not.toHaveProperty('justification');
    expect(data.proposals.map((p: any) => [p.text, p.level])).toEqual([['Kutsut kuukautta aiemmin', 'national']]);
  });

  it('reminds the partner who has not answered, at most maxReminders times, then closes the request', async () => {
    clock.set('2027-03-05T13:10:00.000Z');
    const sent = await h.runJob('feedback.reminders');
    expect(sent.map((m) => m.conversationId)).toEqual([chatOf(liisaUser)]);
    expect(cardText(cardOf(sent[0]))).toContain('Muistutus: palautettasi odotetaan vielä. Vastausaika päättyy to 11.3.2027 klo 15.10.');
    expect(submitAction(cardOf(sent[0])).data.requestId).toBe(liisaRequestId);

    expect(await h.runJob('feedback.reminders')).toEqual([]);

    clock.set('2027-03-08T13:10:00.000Z');
    expect((await h.runJob('feedback.reminders')).map((m) => m.conversationId)).toEqual([chatOf(liisaUser)]);

    clock.set('2027-03-11T13:10:00.000Z');
    expect(await h.runJob('feedback.reminders')).toEqual([]);
    const requests = (await year()).feedbackRequests;
    expect(requests.find((r: any) => r.id === liisaRequestId)).toMatchObject({ status: 'closed', remindersSent: 2 });
    expect(requests.find((r: any) => r.id === pekkaRequestId)).toMatchObject({ status: 'answered', remindersSent: 0 });

    const late = await h.click(liisaUser, 'feedback.submit', feedbackSubmission(liisaRequestId, { rating: '5' }));
    expect(late.value).toContain('Tämän palautepyynnön vastausaika on päättynyt');
    expect((await year()).feedback).toHaveLength(1);
  });

  let surveyCards: PostedActivity[] = [];

  it('a coordinator schedules a quarterly survey; a bad form saves nothing; partners may not', async () => {
    const [reply] = await h.say(coordinator, 'survey');
    expect(cardText(cardOf(reply))).toContain('Ei käynnissä olevia kyselyitä.');

    const bad = await h.click(coordinator, 'survey.create', { segment: 'municipalities', topic: '  ', cadence: 'quarterly' });
    expect(cardText(bad.value)).toContain('Aihe: pakollinen tieto.');
    expect((await h.records.findBy('surveys', 'officeId', 'uusimaa'))).toEqual([]);

    const denied = await h.click(partner, 'survey.create', { segment: 'municipalities', topic: 'Oma kysely', cadence: 'monthly' });
    expect(denied.value).toContain('Valitettavasti tämä on vain rooleille');

    // Thursday 11 March 15:10 in Helsinki: the first round goes out the next morning at 07:00.
    const ok = await h.click(coordinator, 'survey.create', { segment: 'municipalities', topic: 'Asiakaspalvelu', cadence: 'quarterly' });
    const text = cardText(ok.value);
    expect(text).toContain('Kysely "Asiakaspalvelu" on ajoitettu. Ensimmäinen kierros lähtee pe 12.3.2027 klo 07.00.');
    expect(text).toContain('Asiakaspalvelu – Kunnat, neljännesvuosittain');
    expect(text).toContain('Ei vielä kierroksia; ensimmäinen lähtee pe 12.3.2027 klo 07.00.');
    expect((await h.records.findBy('surveys', 'officeId', 'uusimaa'))).toEqual([
      expect.objectContaining({ officeId: 'uusimaa', segment: 'municipalities', topic: 'Asiakaspalvelu', cadence: 'quarterly', active: true }),
    ]);
  });

  it('answers "card is outdated" to a survey form with a list where a text belongs, and creates nothing', async () => {
    const before = await h.records.findBy('surveys', 'officeId', 'uusimaa');
    const res = await h.click(coordinator, 'survey.create', { segment: 'municipalities', topic: ['Asiakaspalvelu'], cadence: 'quarterly' });
    expect(res.value).toBe(translator('fi')('error.cardOutdated'));
    expect(await h.records.findBy('surveys', 'officeId', 'uusimaa')).toEqual(before);
  });

  it('the survey job sends round 2027-Q1 once to the segment’s partners, when promised and not at a restart before', async () => {
    expect(await h.runJob('feedback.surveys')).toEqual([]);
    await h.restart();
    expect(await h.runJob('feedback.surveys')).toEqual([]);

    clock.set('2027-03-12T05:00:00.000Z');
    surveyCards = await h.runJob('feedback.surveys');
    expect(surveyCards.map((m) => m.conversationId).sort()).toEqual([chatOf(partner), chatOf(liisaUser)].sort());
    expect(cardText(cardOf(surveyCards[0]))).toContain('Kysely: Asiakaspalvelu (2027-Q1)');

    expect(await h.runJob('feedback.surveys')).toEqual([]);
    const data = await year();
    expect(data.surveyRounds.map((r: any) => r.periodKey)).toEqual(['2027-Q1']);
    expect(data.feedbackRequests.filter((r: any) => r.kind === 'survey').map((r: any) => r.partnerId).sort()).toEqual(['p-liisa', 'p-pekka']);
  });

  it('staff see anonymous answers without a name, and a group under the minimum hidden', async () => {
    const requestFor = (user: TestUser) => submitAction(cardOf(surveyCards.find((m) => m.conversationId === chatOf(user)))).data.requestId;
    const anonymous = await h.click(partner, 'feedback.submit', feedbackSubmission(requestFor(partner), { rating: '5', works: 'Nopeat vastaukset.', anonymous: 'true' }));
    expect(cardText(anonymous.value)).toContain('Kiitos! Palautteesi on tallennettu.');
    await h.click(liisaUser, 'feedback.submit', feedbackSubmission(requestFor(liisaUser), { rating: '3', change: 'Jonotusajat ovat pitkiä.' }));

    const [reply] = await h.say(coordinator, 'feedback');
    const text = cardText(cardOf(reply));
    expect(text).toContain('Saatu palaute 2027');
    expect(text).toContain('Kysely: Asiakaspalvelu (2027-Q1)');
    expect(text).toContain('Vastauksia: 2, keskiarvo 4,0');
    expect(text).toContain('Nimetön · arvio 5/5');
    expect(text).toContain('Toimii: Nopeat vastaukset.');
    expect(text).toContain('Liisa Laine, Vantaan kaupunki · arvio 3/5');
    // Pekka's meeting answer is the only one of its group: below the minimum of 2.
    expect(text).toContain('Tapaaminen: Perinnän ensimmäiset viikot, ti 2.3.2027 klo 13.00');
    expect(text).toContain('Alle 2 vastausta – piilotettu vastaajien nimettömyyden suojaamiseksi.');
    expect(text).not.toContain('Pekka');
    expect(text).not.toContain('Espoon kaupunki');
    expect(text).not.toContain('Asialista tuli ajoissa.');

    const data = await year();
    expect(data.feedback.find((f: any) => f.partnerId === 'p-pekka' && f.kind === 'survey')).toMatchObject({ anonymous: true, rating: 5 });
  });

  it('the next round goes a quarter after the first, not at the calendar quarter; answers are kept per round', async () => {
    clock.set('2027-04-01T05:00:00.000Z');
    expect(await h.runJob('feedback.surveys')).toEqual([]);
    clock.set('2027-06-12T04:00:00.000Z');
    const sent = await h.runJob('feedback.surveys');
    expect(sent).toHaveLength(2);
    const card = cardOf(sent.find((m) => m.conversationId === chatOf(partner)));
    expect(cardText(card)).toContain('Kysely: Asiakaspalvelu (2027-Q2)');
    await h.click(partner, 'feedback.submit', feedbackSubmission(submitAction(card).data.requestId, { rating: '4' }));

    const data = await year();
    expect(data.surveyRounds.map((r: any) => r.periodKey)).toEqual(['2027-Q1', '2027-Q2']);
    const surveyAnswers = data.feedback.filter((f: any) => f.kind === 'survey' && f.partnerId === 'p-pekka');
    const roundKey = (f: any) => data.surveyRounds.find((r: any) => r.id === f.surveyRoundId)!.periodKey;
    expect(surveyAnswers.map((f: any) => [roundKey(f), f.rating])).toEqual([
      ['2027-Q1', 5],
      ['2027-Q2', 4],
    ]);
  });

  it('the coordinator sees each round’s answers, and stopping the survey twice says it is already stopped', async () => {
    const [reply] = await h.say(coordinator, 'survey');
    const card = cardOf(reply)!;
    expect(cardText(card)).toContain('Kierrokset: 2027-Q2 vastasi 1/2 · 2027-Q1 vastasi 2/2');

    const stop = executeActions(card, 'survey.stop')[0];
    const stopped = await h.click(coordinator, 'survey.stop', stop.data);
    expect(cardText(stopped.value)).toContain('Kysely "Asiakaspalvelu" on lopetettu');
    const again = await h.click(coordinator, 'survey.stop', stop.data);
    expect(cardText(again.value)).toContain('Kysely "Asiakaspalvelu" oli jo lopetettu; mitään ei muutettu.');
    expect((await h.records.findBy('surveys', 'officeId', 'uusimaa'))).toEqual([expect.objectContaining({ topic: 'Asiakaspalvelu', active: false })]);
  });

  it('a partner gives feedback at any time on a topic they choose; the same card submitted twice updates', async () => {
    const [reply] = await h.say(partner, 'feedback');
    const topics = inputElements(cardOf(reply)).get('topic').choices;
    // The Q2 answer is still editable; the meeting and Q1 requests have closed, so the meeting is offered as a topic.
    expect(topics.map((c: any) => c.title)).toEqual([
      'Muokkaa vastaustasi – Kysely: Asiakaspalvelu (2027-Q2)',
      'Tapaaminen: Perinnän ensimmäiset viikot, ti 2.3.2027 klo 13.00',
      'Yleinen palaute',
    ]);
    expect(topics.map((c: any) => c.value)).toEqual([expect.stringMatching(/^request:/), `meeting:${MEETING_ID}`, 'general']);

    const form = await h.click(partner, 'feedback.topic', { topic: 'general' });
    expect(cardText(form.value)).toContain('Yleinen palaute');
    const data = submitAction(form.value).data;
    expect(data).toMatchObject({ topic: 'general', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const first = await h.click(partner, 'feedback.submit', { ...feedbackSubmission(data.requestId, { rating: '5', works: 'Hyvä yhteistyö.' }), ...data });
    expect(cardText(first.value)).toContain('Kiitos! Palautteesi on tallennettu.');
    const second = await h.click(partner, 'feedback.submit', { ...feedbackSubmission(data.requestId, { rating: '4', works: 'Hyvä yhteistyö.' }), ...data });
    expect(cardText(second.value)).toContain('Muutoksesi on tallennettu.');
    const stored = await year();
    expect(stored.feedback.filter((f: any) => f.kind === 'adhoc').map((f: any) => [f.topic, f.rating])).toEqual([['general', 4]]);
    expect(stored.feedbackRequests.filter((r: any) => r.kind === 'adhoc')).toEqual([expect.objectContaining({ id: data.requestId, status: 'answered' })]);

    const [unregistered] = await h.say(stranger, 'feedback');
    expect(unregistered.activity.text).toContain('Palautteen antaminen edellyttää, että toimisto on lisännyt sinut kumppanirekisteriinsä.');
  });
});
