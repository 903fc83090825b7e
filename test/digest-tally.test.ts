// The first stages of the digest: which periods it counts (by slot) and the
// tally that puts every record in its office's rows and its period's slot.
import { describe, expect, it } from 'vitest';
import { countedPeriods, periodSlots, slotOf } from '../bot/domain/digest-periods.js';
import { tallyDigest, targetGroupSize } from '../bot/domain/digest-tally.js';
import { periodKey } from '../bot/domain/periods.js';
import type { FeedbackRequest } from '../bot/domain/types.js';
import { digestInput, tallyFixture as tally } from './harness/digest-fixtures.js';
import { feedbackFixture, invitationFixture, officeFeedbackFixture, requestFixture } from './harness/record-fixtures.js';
import { meetingFixture, partnerFixture } from './harness/seed.js';

const MUN = 'municipalities';
const DEBT = 'debt-counsellors';
const RENTAL = 'rental-agencies'; // not a digest segment: counts in office totals only
const MARCH_START = '2027-02-28T22:00:00.000Z';
const MARCH_END = '2027-03-31T21:00:00.000Z';
const ms = Date.parse;

describe('digest periods', () => {
  it('counts the period and the seven before it, each cut off where the later one starts or at now', () => {
    const input = digestInput();
    expect(countedPeriods(input.period).map(periodKey)).toEqual(['2027-03', '2027-02', '2027-01', '2026-12', '2026-11', '2026-10', '2026-09', '2026-08']);
    const slots = periodSlots(input);
    expect(slots.bounds).toEqual({ start: MARCH_START, end: MARCH_END });
    expect(slots.cutoffs[0]).toBe(ms(input.now));
    expect(slots.cutoffs[1]).toBe(ms(MARCH_START));
    expect(slots.cutoffs[7]).toBe(ms('2026-08-31T21:00:00.000Z'));
    // A past period is cut off at its end.
    expect(periodSlots({ ...input, now: '2027-04-05T05:00:00.000Z' }).cutoffs[0]).toBe(ms(MARCH_END));
  });

  it('puts an instant in the slot of its period, and outside the counted periods in none', () => {
    const slots = periodSlots(digestInput());
    expect(slotOf(slots, ms(MARCH_START))).toBe(0);
    expect(slotOf(slots, ms(MARCH_END) - 1)).toBe(0);
    expect(slotOf(slots, ms(MARCH_END))).toBe(-1);
    expect(slotOf(slots, ms(MARCH_START) - 1)).toBe(1);
    expect(slotOf(slots, ms('2026-07-31T21:00:00.000Z'))).toBe(7);
    expect(slotOf(slots, ms('2026-07-31T20:59:59.999Z'))).toBe(-1);
  });

  it('refuses a now that is not an instant', () => {
    expect(() => periodSlots(digestInput({ now: 'yesterday' }))).toThrow(RangeError);
  });
});

const survey = (id: string, overrides: Partial<FeedbackRequest>): FeedbackRequest => {
  const { meetingId: _meeting, ...request } = requestFixture(id, overrides);
  return { ...request, kind: 'survey' };
};

const partners = [
  partnerFixture('p1'),
  partnerFixture('p2'),
  partnerFixture('p3', { segment: DEBT }),
  partnerFixture('p4', { segment: RENTAL }),
  partnerFixture('p5', { officeId: 'elsewhere' }),
];
const meetings = [
  // Held (ended before now); a segment named twice counts once.
  meetingFixture({ id: 'held', segments: [MUN, MUN, DEBT], subTheme: 'Held topic', startsAt: '2027-03-02T11:00:00.000Z', endsAt: '2027-03-02T12:30:00.000Z' }),
  meetingFixture({ id: 'coming', startsAt: '2027-03-25T11:00:00.000Z', endsAt: '2027-03-25T12:30:00.000Z' }),
  meetingFixture({ id: 'rental', segments: [RENTAL], startsAt: '2027-03-05T11:00:00.000Z', endsAt: '2027-03-05T12:30:00.000Z' }),
  meetingFixture({ id: 'february', startsAt: '2027-02-10T11:00:00.000Z', endsAt: '2027-02-10T12:30:00.000Z' }),
  meetingFixture({ id: 'cancelled', status: 'cancelled', startsAt: '2027-03-03T11:00:00.000Z', endsAt: '2027-03-03T12:30:00.000Z' }),
  meetingFixture({ id: 'elsewhere', officeId: 'elsewhere', startsAt: '2027-03-03T11:00:00.000Z', endsAt: '2027-03-03T12:30:00.000Z' }),
];
const invitations = [
  // "held" has attendance recorded, so only attended === true counts there; "rental" has none, so accepted RSVPs stand in.
  invitationFixture('i1', { meetingId: 'held', partnerId: 'p1', rsvp: 'accepted', attended: true }),
  invitationFixture('i2', { meetingId: 'held', partnerId: 'p3', rsvp: 'accepted', attended: false }),
  invitationFixture('i3', { meetingId: 'held', partnerId: 'p2', rsvp: 'declined' }),
  invitationFixture('i4', { meetingId: 'coming', partnerId: 'p1', rsvp: 'accepted' }),
  invitationFixture('i5', { meetingId: 'rental', partnerId: 'p4', rsvp: 'accepted' }),
  invitationFixture('i6', { meetingId: 'cancelled', partnerId: 'p1', rsvp: 'accepted' }),
];
const feedbackRequests = [
  requestFixture('r1', { meetingId: 'held', partnerId: 'p1', sentAt: '2027-03-02T14:00:00.000Z', status: 'answered' }),
  requestFixture('r2', { meetingId: 'held', partnerId: 'p2', sentAt: '2027-03-02T13:00:00.000Z', status: 'open' }),
  requestFixture('r3', { meetingId: 'held', partnerId: 'p1', sentAt: '2027-03-03T10:00:00.000Z', status: 'answered' }),
  survey('r4', { surveyRoundId: 'round-1', partnerId: 'p3', segment: DEBT, sentAt: '2027-03-10T10:00:00.000Z', status: 'closed' }),
  requestFixture('r5', { meetingId: 'february', partnerId: 'p1', sentAt: '2027-02-11T10:00:00.000Z', status: 'answered' }),
  requestFixture('r6', { meetingId: 'elsewhere', officeId: 'elsewhere', partnerId: 'p5', sentAt: '2027-03-04T10:00:00.000Z' }),
];
const feedback = [
  feedbackFixture('f1', { partnerId: 'p1', rating: 5, submittedAt: '2027-03-03T10:00:00.000Z' }),
  feedbackFixture('f2', { partnerId: 'p2', rating: 2, anonymous: true, submittedAt: '2027-03-04T10:00:00.000Z' }),
  // A partner of another segment, and one of another office: counted, but no respondents of the row.
  feedbackFixture('f3', { partnerId: 'p3', rating: 3, submittedAt: '2027-03-05T10:00:00.000Z' }),
  feedbackFixture('f4', { partnerId: 'p5', rating: 4, submittedAt: '2027-03-06T10:00:00.000Z' }),
  feedbackFixture('f5', { partnerId: 'p1', rating: 4, submittedAt: '2027-02-15T10:00:00.000Z' }),
  feedbackFixture('f6', { partnerId: 'p2', rating: 1, anonymous: true, submittedAt: '2026-07-01T10:00:00.000Z' }),
];
const officeFeedback = [
  officeFeedbackFixture('o1', { rating: 4, givenAt: '2027-03-10T10:00:00.000Z' }),
  officeFeedbackFixture('o2', { segment: RENTAL, rating: 2, givenAt: '2027-03-11T10:00:00.000Z' }),
  officeFeedbackFixture('o3', { rating: 1, givenAt: '2027-02-10T10:00:00.000Z' }),
];

describe('digest tally', () => {
  const input = digestInput({ partners, meetings, invitations, feedbackRequests, feedback, officeFeedback });
  const tallies = tallyDigest(input, periodSlots(input));
  const uusimaa = tallies.offices.get('uusimaa')!;
  const [municipalities, debt] = uusimaa.segments;

  it('counts partners in the target group of their office total and segment', () => {
    expect([uusimaa.total.targetGroupSize, municipalities.targetGroupSize, debt.targetGroupSize]).toEqual([4, 2, 1]);
    expect(targetGroupSize(tallies, 'uusimaa', MUN)).toBe(2);
    expect(targetGroupSize(tallies, 'uusimaa', RENTAL)).toBe(0);
    expect(tallies.offices.get('pohjanmaa')!.total.targetGroupSize).toBe(0);
  });

  it('counts every record of the period in slot 0 of its rows', () => {
    expect(uusimaa.total.periods[0]).toEqual(
      tally({
        meetingsPlanned: 3, meetingsHeld: 2, invitations: 5, accepted: 4, invitedToHeld: 4, attended: 2, feedbackRequests: 4,
        requestsAnswered: 2, feedbackCount: 4, ratingSum: 14, positive: 2, critical: 1, respondents: ['p1', 'p2', 'p3'],
      }),
    );
    expect(municipalities.periods[0]).toEqual(
      tally({
        meetingsPlanned: 2, meetingsHeld: 1, invitations: 3, accepted: 2, invitedToHeld: 2, attended: 1, feedbackRequests: 3,
        requestsAnswered: 2, feedbackCount: 4, ratingSum: 14, positive: 2, critical: 1, respondents: ['p1', 'p2'],
      }),
    );
    expect(debt.periods[0]).toEqual(tally({ meetingsPlanned: 1, meetingsHeld: 1, invitations: 1, accepted: 1, invitedToHeld: 1, feedbackRequests: 1 }));
    expect(uusimaa.total.heldMeetings.map((m) => m.id)).toEqual(['held', 'rental']);
    expect(municipalities.heldMeetings.map((m) => m.id)).toEqual(['held']);
  });

  it('counts the period before in slot 1, hiding its small group, and leaves other offices and older periods empty', () => {
    const february = { meetingsPlanned: 1, meetingsHeld: 1, feedbackRequests: 1, requestsAnswered: 1, feedbackCount: 1, ratingSum: 4, positive: 1 };
    expect(uusimaa.total.periods[1]).toEqual(tally({ ...february, respondents: ['p1'], suppressed: true }));
    expect(municipalities.periods[1]).toEqual(tally({ ...february, respondents: ['p1'], suppressed: true }));
    expect(uusimaa.total.periods.slice(2)).toEqual(Array.from({ length: 6 }, () => tally()));
    expect(tallies.offices.get('pohjanmaa')!.total.periods).toEqual(Array.from({ length: 8 }, () => tally()));
    expect([...tallies.offices.keys()]).toEqual(['uusimaa', 'pohjanmaa']);
  });

  it('sums office feedback to partners of the period per row', () => {
    expect([uusimaa.total.officeFeedback, municipalities.officeFeedback, debt.officeFeedback]).toEqual([
      { count: 2, ratingSum: 6 },
      { count: 1, ratingSum: 4 },
      { count: 0, ratingSum: 0 },
    ]);
  });

  it('gathers the asked rounds of the period and the anonymous feedback of any time', () => {
    expect([...tallies.rounds.values()]).toEqual([
      {
        officeId: 'uusimaa',
        round: { kind: 'meeting', ref: 'held', subTheme: 'Held topic', firstSentAt: '2027-03-02T13:00:00.000Z' },
        firstSent: ms('2027-03-02T13:00:00.000Z'),
        segments: new Set([MUN]),
        asked: new Set(['p1', 'p2']),
        answered: new Set(['p1']),
      },
      {
        officeId: 'uusimaa',
        round: { kind: 'survey', ref: 'round-1', subTheme: null, firstSentAt: '2027-03-10T10:00:00.000Z' },
        firstSent: ms('2027-03-10T10:00:00.000Z'),
        segments: new Set([DEBT]),
        asked: new Set(['p3']),
        answered: new Set(),
      },
    ]);
    expect(tallies.anonymousFeedback).toEqual(new Set(['f2', 'f6']));
  });

  it('hides small groups, and the smallest visible ones while the total would reveal them', () => {
    const answers = (segment: string, count: number) =>
      Array.from({ length: count }, (_, i) => feedbackFixture(`${segment}-${i}`, { segment, submittedAt: '2027-03-03T10:00:00.000Z' }));
    const suppressed = (records: ReturnType<typeof answers>) => {
      const small = digestInput({ partners, feedback: records });
      const office = tallyDigest(small, periodSlots(small)).offices.get('uusimaa')!;
      return [office.total, ...office.segments].map((row) => row.periods[0].suppressed);
    };
    // Debt counsellors (2) are hidden; the 3 hidden answers (with the rental one) cannot be told apart.
    expect(suppressed([...answers(MUN, 4), ...answers(DEBT, 2), ...answers(RENTAL, 1)])).toEqual([false, false, true]);
    // Without the rental answer the total minus municipalities would reveal the 2, so municipalities are hidden too.
    expect(suppressed([...answers(MUN, 4), ...answers(DEBT, 2)])).toEqual([false, true, true]);
    expect(suppressed(answers(MUN, 2))).toEqual([true, true, false]);
  });
});
