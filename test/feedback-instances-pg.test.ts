// Feedback on several Sidos instances sharing one PostgreSQL database: the
// use cases that two instances can run at the same moment keep one record
// where one is meant (one answer per request, one request per attendee, one
// survey round per period), and both callers get the answer a second run gets.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseFeedbackInput } from '../bot/domain/feedback-input.js';
import type { Invitation, Meeting, Partner } from '../bot/domain/types.js';
import { createMeetingRequests } from '../bot/services/feedback-requests.js';
import { submitFeedback } from '../bot/services/feedback.js';
import { createSurvey, createSurveyRounds } from '../bot/services/surveys.js';
import type { RecordStore } from '../bot/store/records.js';
import { valueOf } from './harness/parse-results.js';
import { postgresSubject } from './harness/record-stores.js';
import { partnerFixture } from './harness/seed.js';

const settings = { reminderAfterDays: 3, maxReminders: 2, anonymityMinimum: 3 };
const offices = [{ id: 'uusimaa', name: 'Uusimaa', timeZone: 'Europe/Helsinki', locale: 'fi' as const, email: 'u@example.fi' }];
const ENDED = new Date('2027-03-02T13:00:00.000Z');
const input = (rating: string) => valueOf(parseFeedbackInput({ rating, works: 'Hyvä asialista.', change: '' }));
const partners: Partner[] = ['p-1', 'p-2', 'p-3'].map((id) => partnerFixture(id, { officeId: 'uusimaa', segment: 'municipalities' }));

const meeting: Meeting = {
  id: 'm',
  planId: 'plan',
  officeId: 'uusimaa',
  year: 2027,
  subTheme: 'Sub-theme',
  startsAt: new Date(ENDED.getTime() - 2 * 3600_000).toISOString(),
  endsAt: ENDED.toISOString(),
  segments: ['municipalities'],
  status: 'scheduled',
  sequence: 0,
  uid: 'm@sidos',
};
const invitation = (partnerId: string): Invitation => ({ id: `m-${partnerId}`, meetingId: 'm', partnerId, rsvp: 'accepted', sentSequence: 0, icsToken: `t-${partnerId}` });

describe('feedback on two instances of one PostgreSQL database', () => {
  const subject = postgresSubject();
  let a: RecordStore;
  let b: RecordStore;

  beforeAll(() => subject.setUp());
  afterAll(() => subject.clean());
  beforeEach(async () => {
    a = await subject.empty();
    b = await subject.reopen();
    await a.transaction(async (tx) => {
      for (const p of partners) await tx.put('partners', p);
      await tx.putInYear('meetings', 2027, meeting);
      for (const p of partners) await tx.putInYear('invitations', 2027, invitation(p.id));
    });
  });

  it('asks each attendee once when both instances run the job together', async () => {
    const now = new Date(ENDED.getTime() + 60_000);
    const [fromA, fromB] = await Promise.all([createMeetingRequests(a, settings, now), createMeetingRequests(b, settings, now)]);
    expect([...fromA, ...fromB].map((r) => r.partnerId).sort()).toEqual(['p-1', 'p-2', 'p-3']);
    const stored = await a.findBy('feedbackRequests', 'meetingId', 'm');
    expect(stored.map((r) => r.partnerId).sort()).toEqual(['p-1', 'p-2', 'p-3']);
  });

  it('keeps one answer when the same card is submitted on both at once; the other submission updates it', async () => {
    const requestId = '5d0f1e9a-3c1b-4d2e-9f8a-7b6c5d4e3f21';
    const submit = (store: RecordStore, rating: string) =>
      submitFeedback(store, settings, { requestId, partner: partners[0], input: input(rating), topic: { kind: 'general' }, now: ENDED });
    const results = await Promise.all([submit(a, '4'), submit(b, '5')]);
    expect(results.map((r) => r.ok && r.created).sort()).toEqual([false, true]);
    const answers = await b.findBy('feedback', 'requestId', requestId);
    expect(answers).toHaveLength(1);
    expect(await a.findBy('feedbackRequests', 'partnerId', 'p-1')).toEqual([expect.objectContaining({ id: requestId, status: 'answered' })]);
  });

  it('creates a survey round once when both instances find it due', async () => {
    const survey = await createSurvey(a, 'uusimaa', { segment: 'municipalities', topic: 'Neuvonta', cadence: 'monthly' }, 'aad-c', ENDED);
    const config = { offices, feedback: settings };
    const due = new Date('2027-03-03T05:00:00.000Z');
    const [fromA, fromB] = await Promise.all([createSurveyRounds(a, config, due), createSurveyRounds(b, config, due)]);
    expect([...fromA, ...fromB].map((r) => r.partnerId).sort()).toEqual(['p-1', 'p-2', 'p-3']);
    expect(await b.findBy('surveyRounds', 'surveyId', survey.id)).toHaveLength(1);
  });
});
