import { loadConfig } from '../bot/config.js';
import { EmailDelivery } from '../bot/delivery/email-delivery.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmailMessage, EmailSender } from '../bot/delivery/email.js';
import type { ConversationPort, OutgoingMessage } from '../bot/delivery/outgoing.js';
import { TeamsDelivery } from '../bot/delivery/teams-delivery.js';
import { parseFeedbackInput, type FeedbackInput } from '../bot/domain/feedback-input.js';
import { formatMeetingTime } from '../bot/domain/format.js';
import type { FeedbackRequest, Invitation, Meeting, Partner } from '../bot/domain/types.js';
import { translator } from '../bot/i18n.js';
import { deliverNewRequests, remindAndClose, type FeedbackPorts } from '../bot/services/feedback-delivery.js';
import { attendeeIds, createMeetingRequests } from '../bot/services/feedback-requests.js';
import { feedbackForStaff } from '../bot/services/feedback-view.js';
import { submitFeedback } from '../bot/services/feedback.js';
import { createSurvey, createSurveyRounds, roundAnswers, stopSurvey, surveyPeriodKey } from '../bot/services/surveys.js';
import type { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { executeActions } from './harness/card-inputs.js';
import { valueOf } from './harness/parse-results.js';
import { rsvpFixture as invitation } from './harness/record-fixtures.js';
import { meetingEndingAt, partnerFixture, personalChat } from './harness/seed.js';
import { cardText } from './harness/sidos-harness.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

const settings = { reminderAfterDays: 3, maxReminders: 2, anonymityMinimum: 3 };
const offices = [{ id: 'uusimaa', name: 'Uusimaa', timeZone: 'Europe/Helsinki', locale: 'fi' as const, email: 'u@example.fi' }];
const DAY = 86_400_000;
const ENDED = new Date('2027-03-02T13:00:00.000Z');
const at = (ms: number) => new Date(ENDED.getTime() + ms);

const partner = (n: number, patch: Partial<Partner> = {}): Partner =>
  partnerFixture(`p-${n}`, { name: `Partner ${n}`, organisation: `Org ${n}`, email: `p${n}@example.fi`, aadObjectId: `aad-${n}`, ...patch });

const meeting = (id: string, patch: Partial<Meeting> = {}): Meeting => meetingEndingAt(id, ENDED.toISOString(), { planId: 'plan-1', uid: `${id}@sidos`, ...patch });

const input = (fields: Record<string, string>): FeedbackInput => valueOf(parseFeedbackInput({ rating: '4', works: 'Hyvä asialista.', change: '', ...fields }));

/** Partner n's answer to a feedback request with the given form fields. */
const submitAs = (n: number, requestId: string, fields: Record<string, string>, now: Date) =>
  submitFeedback(records, settings, { requestId, partner: partner(n), input: input(fields), now });

let temp: TempRecords;
let records: LowdbRecordStore;
let teamsSends: { conversation: string; message: OutgoingMessage }[];
let emails: EmailMessage[];

const defaults = loadConfig({});
/** The default offices (Uusimaa's zone is Helsinki) with these tests' feedback settings. */
const config = { ...defaults, feedback: { ...defaults.feedback, ...settings } };

/** Sends recorded in teamsSends and, with a sender, e-mailed through it. */
function ports(sender: EmailSender | null): FeedbackPorts {
  const port: ConversationPort = {
    async send(reference, message) {
      teamsSends.push({ conversation: String((reference as { conversation: { id: string } }).conversation.id), message });
    },
  };
  return {
    records,
    config,
    delivery: new TeamsDelivery(records, port, () => ENDED, () => undefined),
    email: sender && new EmailDelivery(records, sender, () => ENDED, () => undefined),
  };
}

const fi = translator('fi');
const helsinkiTime = (instant: string) => formatMeetingTime(instant, 'Europe/Helsinki', 'fi');

/** What a feedback card sent in Teams stands for: the request its button answers, and its text. */
function sentForm(message: OutgoingMessage): { requestId: string; text: string } {
  const [submit] = executeActions(message.card!, 'feedback.submit');
  return { requestId: submit.data.requestId, text: cardText(message.card) };
}

const reminderBanner = (request: FeedbackRequest) => fi('feedback.reminder', { date: helsinkiTime(request.closesAt!) });

const recordingEmail: EmailSender = {
  async send(message) {
    emails.push(message);
  },
};

async function seed(partners: Partner[], meetings: Meeting[], invitations: Invitation[], chats: string[] = partners.map((p) => p.id)) {
  await records.transaction(async (tx) => {
    for (const p of partners) await tx.put('partners', p);
    for (const p of partners.filter((x) => chats.includes(x.id))) await tx.put('conversations', personalChat(`conv-${p.id}`, p.aadObjectId, ENDED));
    for (const m of meetings) await tx.putInYear('meetings', 2027, m);
    for (const i of invitations) await tx.putInYear('invitations', 2027, i);
  });
}

/** The records of 2027 these tests look at, read through the RecordStore. */
const year = async () => ({
  feedbackRequests: await records.inYear('feedbackRequests', 2027),
  feedback: await records.inYear('feedback', 2027),
  proposals: await records.inYear('proposals', 2027),
  surveyRounds: await records.inYear('surveyRounds', 2027),
});

beforeEach(async () => {
  temp = await tempRecords();
  ({ records } = temp);
  teamsSends = [];
  emails = [];
});

afterEach(async () => {
  await temp.cleanup();
});

describe('attendeeIds', () => {
  it('uses attendance where it was recorded for the meeting, else accepted or tentative RSVPs', () => {
    const rsvps = [invitation('m', 'a', 'accepted'), invitation('m', 'b', 'tentative'), invitation('m', 'c', 'declined'), invitation('m', 'd', 'needs-action')];
    expect(attendeeIds(rsvps)).toEqual(['a', 'b']);
    const recorded = [invitation('m', 'a', 'accepted', false), invitation('m', 'b', 'tentative'), invitation('m', 'c', 'declined', true)];
    expect(attendeeIds(recorded)).toEqual(['c']);
  });
});

describe('meeting feedback requests', () => {
  it('asks each attendee of a meeting that ended, once, with a closing time after the reminders', async () => {
    await seed(
      [partner(1), partner(2), partner(3)],
      [
        meeting('ended'),
        meeting('cancelled', { status: 'cancelled' }),
        meeting('later', { startsAt: at(DAY).toISOString(), endsAt: at(DAY + 3600_000).toISOString() }),
        meeting('long-ago', { endsAt: at(-15 * DAY).toISOString(), startsAt: at(-15 * DAY - 3600_000).toISOString() }),
      ],
      [
        invitation('ended', 'p-1', 'accepted'),
        invitation('ended', 'p-2', 'tentative'),
        invitation('ended', 'p-3', 'declined'),
        invitation('ended', 'p-removed', 'accepted'),
        invitation('cancelled', 'p-1', 'accepted'),
        invitation('later', 'p-1', 'accepted'),
        invitation('long-ago', 'p-1', 'accepted'),
      ],
    );
    const now = at(10 * 60_000);
    const created = await createMeetingRequests(records, settings, now);
    expect(created.map((r) => [r.meetingId, r.partnerId, r.kind, r.status])).toEqual([
      ['ended', 'p-1', 'meeting', 'open'],
      ['ended', 'p-2', 'meeting', 'open'],
    ]);
    expect(created[0]).toMatchObject({ officeId: 'uusimaa', segment: 'municipalities', sentAt: now.toISOString(), remindersSent: 0 });
    expect(created[0].closesAt).toBe(new Date(now.getTime() + 9 * DAY).toISOString());

    expect(await createMeetingRequests(records, settings, at(20 * 60_000))).toEqual([]);
    expect((await year()).feedbackRequests).toHaveLength(2);
  });

  it('sends each new request once: Teams when there is a chat, else e-mail, else records it as unreachable', async () => {
    await seed(
      [partner(1), partner(2), partner(3)],
      [meeting('m')],
      ['p-1', 'p-2', 'p-3'].map((id) => invitation('m', id, 'accepted')),
      ['p-1'],
    );
    const [r1, r2, r3] = await createMeetingRequests(records, settings, ENDED);
    expect(await deliverNewRequests(ports(recordingEmail), 'meeting', ENDED)).toEqual({ sent: 3, 'already-sent': 0, failed: 0, unreachable: 0 });
    expect(teamsSends.map((s) => [s.conversation, sentForm(s.message).requestId])).toEqual([['conv-p-1', r1.id]]);
    const [form] = teamsSends.map((s) => sentForm(s.message).text);
    expect(form).toContain(fi('feedback.intro.meeting', { name: 'Partner 1' }));
    expect(form).not.toContain(reminderBanner(r1));
    const subject = fi('feedback.email.subject', { subject: fi('feedback.subject.meeting', { subTheme: 'Sub-theme m', date: helsinkiTime(meeting('m').startsAt) }) });
    expect(emails.map((e) => [e.to, e.subject, e.idempotencyKey])).toEqual([
      ['p2@example.fi', subject, `feedback-request:${r2.id}`],
      ['p3@example.fi', subject, `feedback-request:${r3.id}`],
    ]);
    const sends = (await Promise.all([r1, r2].map((r) => records.get('sends', `feedback-request:${r.id}`)))).map((s) => [s?.id, s?.channel, s?.status]);
    expect(sends).toEqual(
      expect.arrayContaining([
        [`feedback-request:${r1.id}`, 'teams', 'sent'],
        [`feedback-request:${r2.id}`, 'email', 'sent'],
      ]),
    );

    expect(await deliverNewRequests(ports(recordingEmail), 'meeting', ENDED)).toEqual({ sent: 0, 'already-sent': 0, failed: 0, unreachable: 0 });
    expect(teamsSends).toHaveLength(1);
    expect(emails).toHaveLength(2);
  });

  it('e-mails a request as text and HTML in the partner’s language, from the partner’s office', async () => {
    await seed([partner(1, { locale: 'sv' })], [meeting('m', { subTheme: 'Liitteet & <b>muistio</b>' })], [invitation('m', 'p-1', 'accepted')], []);
    await createMeetingRequests(records, settings, ENDED);
    expect(await deliverNewRequests(ports(recordingEmail), 'meeting', ENDED)).toMatchObject({ sent: 1 });
    const [mail] = emails;
    expect(mail.sender).toEqual({ name: 'Nylands regionkontor', address: 'sidos-uusimaa@example.fi' });
    expect(mail.text).toContain('Liitteet & <b>muistio</b>');
    expect(mail.html).toContain('<html lang="sv">');
    expect(mail.html).toContain('Liitteet &amp; &lt;b&gt;muistio&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>');
  });

  it('without SMTP a partner without a Teams chat is recorded as unreachable, once', async () => {
    await seed([partner(1)], [meeting('m')], [invitation('m', 'p-1', 'accepted')], []);
    const [request] = await createMeetingRequests(records, settings, ENDED);
    expect(await deliverNewRequests(ports(null), 'meeting', ENDED)).toMatchObject({ unreachable: 1 });
    const record = await records.get('sends', `feedback-request:${request.id}`);
    expect(record).toMatchObject({ status: 'failed', lastError: expect.stringContaining('unreachable') });
    expect(await deliverNewRequests(ports(null), 'meeting', ENDED)).toMatchObject({ unreachable: 0 });
  });
});

describe('submitting feedback', () => {
  async function openRequest() {
    await seed([partner(1), partner(2)], [meeting('m')], [invitation('m', 'p-1', 'accepted'), invitation('m', 'p-2', 'accepted')]);
    return createMeetingRequests(records, settings, ENDED);
  }

  it('saves the answer with its proposals and marks the request answered', async () => {
    const [request] = await openRequest();
    const result = await submitAs(1, request.id, { rating: '2', justification: 'Kutsu tuli liian myöhään.', proposal_0: 'Kutsu kuukautta aiemmin', level_0: 'local', proposal_1: 'Lakimuutos', level_1: 'national' }, at(DAY));
    expect(result).toMatchObject({ ok: true, created: true });
    const data = (await year());
    expect(data.feedback).toEqual([
      expect.objectContaining({ requestId: request.id, kind: 'meeting', meetingId: 'm', partnerId: 'p-1', rating: 2, justification: 'Kutsu tuli liian myöhään.', anonymous: false }),
    ]);
    expect(data.proposals.map((p) => [p.text, p.level, p.status, p.feedbackId])).toEqual([
      ['Kutsu kuukautta aiemmin', 'local', 'received', data.feedback[0].id],
      ['Lakimuutos', 'national', 'received', data.feedback[0].id],
    ]);
    expect(data.proposals[0].history).toEqual([{ status: 'received', at: at(DAY).toISOString(), by: 'partner' }]);
    expect(data.feedbackRequests.find((r) => r.id === request.id)).toMatchObject({ status: 'answered', answeredAt: at(DAY).toISOString() });
  });

  it('an edit updates the same record: unhandled proposals are replaced, handled ones kept', async () => {
    const [request] = await openRequest();
    const first = await submitAs(1, request.id, { proposal_0: 'Handled', level_0: 'local', proposal_1: 'Dropped', level_1: 'local', proposal_2: 'Kept', level_2: 'local' }, at(DAY));
    if (!first.ok) throw new Error(first.code);
    const ids = Object.fromEntries(first.proposals.map((p) => [p.text, p.id]));
    await records.transaction(async (tx) => {
      const handled = first.proposals.find((p) => p.text === 'Handled')!;
      const history = [...handled.history, { status: 'under-review' as const, at: at(DAY).toISOString(), by: 'coordinator' }];
      await tx.putInYear('proposals', 2027, { ...handled, status: 'under-review', history });
    });

    const edit = await submitAs(1, request.id, { rating: '5', anonymous: 'true', proposal_0: 'Kept', level_0: 'national', proposal_1: 'New', level_1: 'local' }, at(2 * DAY));
    expect(edit).toMatchObject({ ok: true, created: false });
    const data = (await year());
    expect(data.feedback).toHaveLength(1);
    expect(data.feedback[0]).toMatchObject({ id: first.feedback.id, rating: 5, anonymous: true, submittedAt: at(DAY).toISOString(), updatedAt: at(2 * DAY).toISOString() });
    expect(data.proposals.map((p) => [p.text, p.level, p.status, p.anonymous])).toEqual([
      ['Handled', 'local', 'under-review', true],
      ['Kept', 'national', 'received', true],
      ['New', 'local', 'received', true],
    ]);
    expect(data.proposals.find((p) => p.text === 'Kept')!.id).toBe(ids.Kept);
    expect(data.feedbackRequests.find((r) => r.id === request.id)!.answeredAt).toBe(at(DAY).toISOString());
  });

  it('only the partner the request was sent to may answer, and only until it closes', async () => {
    const [request] = await openRequest();
    const before = JSON.stringify((await year()));
    expect(await submitAs(2, request.id, {}, at(DAY))).toEqual({ ok: false, code: 'not-yours' });
    expect(await submitAs(1, request.id, {}, at(9 * DAY + 60_000))).toEqual({ ok: false, code: 'closed' });
    expect(await submitAs(1, 'no-such', {}, at(DAY))).toEqual({ ok: false, code: 'not-found' });
    expect(JSON.stringify((await year()))).toBe(before);
  });

  it('feedback at any time starts an ad-hoc request under the card’s id; submitting the card again updates it', async () => {
    await seed([partner(1)], [meeting('m')], []);
    const requestId = '5d0f1e9a-3c1b-4d2e-9f8a-7b6c5d4e3f21';
    const topic = { kind: 'meeting' as const, meeting: meeting('m') };
    const first = await submitFeedback(records, settings, { requestId, partner: partner(1), input: input({}), topic, now: at(DAY) });
    expect(first).toMatchObject({ ok: true, created: true, request: { id: requestId, kind: 'adhoc', meetingId: 'm', status: 'answered' }, feedback: { kind: 'adhoc', topic: 'Sub-theme m', meetingId: 'm' } });
    const again = await submitFeedback(records, settings, { requestId, partner: partner(1), input: input({ rating: '3' }), topic, now: at(DAY + 1000) });
    expect(again).toMatchObject({ ok: true, created: false });
    expect((await year()).feedback.map((f) => f.rating)).toEqual([3]);
    expect((await year()).feedbackRequests).toHaveLength(1);
    expect(await submitFeedback(records, settings, { requestId: 'not-a-uuid', partner: partner(1), input: input({}), topic: { kind: 'general' }, now: at(DAY) })).toEqual({
      ok: false,
      code: 'not-found',
    });
  });
});

describe('reminders', () => {
  it('reminds the unanswered after reminderAfterDays, at most maxReminders times, then closes', async () => {
    await seed([partner(1), partner(2)], [meeting('m')], [invitation('m', 'p-1', 'accepted'), invitation('m', 'p-2', 'accepted')]);
    const [answered, silent] = await createMeetingRequests(records, settings, ENDED);
    await submitAs(1, answered.id, {}, at(DAY));
    const box = ports(null);

    expect(await remindAndClose(box, at(3 * DAY - 60_000))).toEqual({ closed: 0, reminded: 0 });
    expect(await remindAndClose(box, at(3 * DAY))).toEqual({ closed: 0, reminded: 1 });
    expect(teamsSends.map((s) => sentForm(s.message).requestId)).toEqual([silent.id]);
    expect(sentForm(teamsSends[0].message).text).toContain(reminderBanner(silent));
    expect(sentForm(teamsSends[0].message).text).toContain(fi('feedback.intro.meeting', { name: 'Partner 2' }));
    expect(await remindAndClose(box, at(4 * DAY))).toEqual({ closed: 0, reminded: 0 });
    expect(await remindAndClose(box, at(6 * DAY))).toEqual({ closed: 0, reminded: 1 });
    expect(await remindAndClose(box, at(9 * DAY - 60_000))).toEqual({ closed: 0, reminded: 0 });
    expect(teamsSends).toHaveLength(2);
    expect(await remindAndClose(box, at(9 * DAY))).toEqual({ closed: 1, reminded: 0 });

    const requests = (await year()).feedbackRequests;
    expect(requests.find((r) => r.id === silent.id)).toMatchObject({ status: 'closed', remindersSent: 2, lastReminderAt: at(6 * DAY).toISOString() });
    expect(requests.find((r) => r.id === answered.id)).toMatchObject({ status: 'answered', remindersSent: 0 });
    const reminders = await Promise.all([1, 2].map((n) => records.get('sends', `feedback-reminder:${silent.id}:${n}`)));
    expect(reminders.map((r) => r?.id)).toEqual([`feedback-reminder:${silent.id}:1`, `feedback-reminder:${silent.id}:2`]);
  });
});

describe('surveys', () => {
  it('period keys per cadence in the office zone', () => {
    const lateMarch = new Date('2027-03-31T21:30:00.000Z'); // 1 April 00:30 in Helsinki
    expect(surveyPeriodKey('quarterly', lateMarch, 'Europe/Helsinki')).toBe('2027-Q2');
    expect(surveyPeriodKey('monthly', lateMarch, 'Europe/Helsinki')).toBe('2027-04');
    expect(surveyPeriodKey('yearly', new Date('2026-12-31T22:30:00.000Z'), 'Europe/Helsinki')).toBe('2027');
    expect(surveyPeriodKey('quarterly', lateMarch, 'UTC')).toBe('2027-Q1');
  });

  it('sends the first round when promised and the next one a quarter later, not at the next calendar quarter', async () => {
    await seed([partner(1), partner(2), partner(3, { segment: 'debt-counsellors' }), partner(4, { officeId: 'pohjanmaa' })], [], []);
    // 29 June 13:00 in Helsinki: the card promises the first round at 07:00 the next morning.
    const created = new Date('2027-06-29T10:00:00.000Z');
    const survey = await createSurvey(records, 'uusimaa', { segment: 'municipalities', topic: 'Asiakaspalvelu', cadence: 'quarterly' }, 'aad-c', created);
    const config = { offices, feedback: settings };

    // A restart the same afternoon runs the job: nothing is due yet.
    expect(await createSurveyRounds(records, config, new Date('2027-06-29T11:00:00.000Z'))).toEqual([]);
    const first = await createSurveyRounds(records, config, new Date('2027-06-30T04:00:00.000Z'));
    expect(first.map((r) => [r.kind, r.partnerId])).toEqual([['survey', 'p-1'], ['survey', 'p-2']]);
    // 1 July starts a calendar quarter, but the next round is due on 30 September.
    expect(await createSurveyRounds(records, config, new Date('2027-07-01T04:00:00.000Z'))).toEqual([]);
    expect(await createSurveyRounds(records, config, new Date('2027-09-30T03:45:00.000Z'))).toEqual([]);
    const second = await createSurveyRounds(records, config, new Date('2027-09-30T04:00:00.000Z'));
    expect(second).toHaveLength(2);
    expect(await createSurveyRounds(records, config, new Date('2027-09-30T04:15:00.000Z'))).toEqual([]);

    const rounds = (await year()).surveyRounds;
    expect(rounds.map((r) => [r.surveyId, r.periodKey, r.sentAt])).toEqual([
      [survey.id, '2027-Q2', '2027-06-30T04:00:00.000Z'],
      [survey.id, '2027-Q3', '2027-09-30T04:00:00.000Z'],
    ]);
    expect(first.every((r) => r.surveyRoundId === rounds[0].id) && second.every((r) => r.surveyRoundId === rounds[1].id)).toBe(true);
  });

  it('never leaves two open requests of one survey with a partner, and counts answers per round', async () => {
    await seed([partner(1), partner(2)], [], []);
    // Answers stay open for 60 days, longer than a month between rounds.
    const config = { offices, feedback: { ...settings, reminderAfterDays: 20 } };
    const survey = await createSurvey(records, 'uusimaa', { segment: 'municipalities', topic: 'Neuvonta', cadence: 'monthly' }, 'aad-c', ENDED);
    const first = await createSurveyRounds(records, config, new Date('2027-03-03T05:00:00.000Z'));
    expect(first.map((r) => r.partnerId)).toEqual(['p-1', 'p-2']);
    await records.transaction(async (tx) => {
      const answered = first.find((r) => r.partnerId === 'p-2')!;
      await tx.putInYear('feedbackRequests', 2027, { ...answered, status: 'answered', answeredAt: '2027-03-04T10:00:00.000Z' });
    });

    // A month later p-1 still has the first round's request open, so only p-2 is asked again.
    const second = await createSurveyRounds(records, config, new Date('2027-04-03T04:00:00.000Z'));
    expect(second.map((r) => r.partnerId)).toEqual(['p-2']);
    expect((await roundAnswers(records, survey.id)).map((r) => [r.round.periodKey, r.answered, r.surveyed])).toEqual([
      ['2027-03', 1, 2],
      ['2027-04', 0, 1],
    ]);
  });

  it('stops a survey once; stopping it again says it is already stopped', async () => {
    const survey = await createSurvey(records, 'uusimaa', { segment: 'municipalities', topic: 'Asiakaspalvelu', cadence: 'quarterly' }, 'aad-c', ENDED);
    expect(await stopSurvey(records, survey.id, { role: 'coordinator', officeId: 'pohjanmaa' })).toEqual({ ok: false, code: 'other-office' });
    expect(await stopSurvey(records, survey.id, { role: 'coordinator', officeId: 'uusimaa' })).toMatchObject({ ok: true });
    expect(await stopSurvey(records, survey.id, { role: 'coordinator', officeId: 'uusimaa' })).toMatchObject({ ok: false, code: 'already-stopped', survey: { topic: 'Asiakaspalvelu' } });
    expect(await stopSurvey(records, 'no-such-survey', { role: 'admin', officeId: 'uusimaa' })).toEqual({ ok: false, code: 'not-found' });
    expect(await createSurveyRounds(records, { offices, feedback: settings }, new Date('2027-07-01T04:00:00.000Z'))).toEqual([]);
  });
});

describe('feedbackForStaff', () => {
  it('hides who gave anonymous answers and hides groups smaller than the minimum', async () => {
    const partners = [1, 2, 3, 4].map((n) => partner(n));
    await seed(
      partners,
      [meeting('big'), meeting('small', { startsAt: at(-DAY).toISOString(), endsAt: at(-DAY + 3600_000).toISOString() })],
      [...['p-1', 'p-2', 'p-3'].map((id) => invitation('big', id, 'accepted')), invitation('small', 'p-4', 'accepted')],
    );
    const requests = await createMeetingRequests(records, settings, at(60_000));
    const answer = (partnerId: string, fields: Record<string, string>) => {
      const request = requests.find((r) => r.partnerId === partnerId)!;
      return submitFeedback(records, settings, { requestId: request.id, partner: partners.find((p) => p.id === partnerId)!, input: input(fields), now: at(DAY) });
    };
    await answer('p-1', { rating: '5', works: 'A', anonymous: 'true', proposal_0: 'Idea', level_0: 'national' });
    await answer('p-2', { rating: '3', works: 'B' });
    await answer('p-3', { rating: '1', works: 'C', justification: 'Liian vähän aikaa.' });
    await answer('p-4', { rating: '4', works: 'D' });

    const groups = await feedbackForStaff(records, 'uusimaa', { year: 2027 }, 3);
    expect(groups.map((g) => [g.key, g.count, g.hidden, g.average])).toEqual([
      ['meeting:big', 3, false, 3],
      ['meeting:small', 1, true, null],
    ]);
    expect(groups[0].answers).toEqual([
      { anonymous: true, author: null, rating: 5, works: 'A', change: '', proposals: [{ text: 'Idea', level: 'national', status: 'received' }] },
      { anonymous: false, author: { name: 'Partner 2', organisation: 'Org 2' }, rating: 3, works: 'B', change: '', proposals: [] },
      { anonymous: false, author: { name: 'Partner 3', organisation: 'Org 3' }, rating: 1, works: 'C', change: '', justification: 'Liian vähän aikaa.', proposals: [] },
    ]);
    expect(JSON.stringify(groups)).not.toContain('Partner 1');
    expect(JSON.stringify(groups)).not.toContain('Partner 4');
    expect(groups[1].answers).toEqual([]);
    expect(await feedbackForStaff(records, 'pohjanmaa', { year: 2027 }, 3)).toEqual([]);
  });
});
