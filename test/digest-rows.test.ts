// The rows stage of the digest: tallies made into rows with metrics, traffic
// lights, the change from the period before, history and asked rounds.
import { describe, expect, it } from 'vitest';
import { countedPeriods } from '../bot/domain/digest-periods.js';
import { askedRounds, officeRows } from '../bot/domain/digest-rows.js';
import type { OfficeTallies, RoundTally, RowTallies, Tally } from '../bot/domain/digest-tally.js';
import { parsePeriodKey } from '../bot/domain/periods.js';
import { DIGEST_THRESHOLDS, officeFixture, tallyFixture as tally } from './harness/digest-fixtures.js';
import { meetingFixture } from './harness/seed.js';

/** A row whose slots are `periods` (this period first), the rest of the 8 empty. */
const row = (segment: string | null, fields: Partial<RowTallies> & { periods: Tally[] }): RowTallies => ({
  segment, targetGroupSize: 0, heldMeetings: [], officeFeedback: { count: 0, ratingSum: 0 },
  ...fields,
  periods: Array.from({ length: 8 }, (_, slot) => fields.periods[slot] ?? tally()),
});

const MARCH = parsePeriodKey('2027-03')!;
const held = (id: string, subTheme: string, startsAt: string) => meetingFixture({ id, subTheme, startsAt });

const total = row(null, {
  targetGroupSize: 10,
  heldMeetings: [held('b', 'Payment plans', '2027-03-10T11:00:00.000Z'), held('a', 'First letters', '2027-03-03T11:00:00.000Z'), held('c', 'First letters', '2027-03-17T11:00:00.000Z')],
  officeFeedback: { count: 2, ratingSum: 7 },
  periods: [
    tally({
      meetingsPlanned: 3, meetingsHeld: 2, invitations: 8, accepted: 5, invitedToHeld: 6, attended: 3, feedbackRequests: 10,
      requestsAnswered: 4, feedbackCount: 5, ratingSum: 19, positive: 3, critical: 1, respondents: ['a', 'b', 'c', 'd'],
    }),
    tally({ feedbackRequests: 4, feedbackCount: 4, ratingSum: 12, positive: 2, critical: 1, respondents: ['a', 'b'] }),
    tally(),
    tally({ feedbackCount: 2, ratingSum: 10, positive: 2, respondents: ['a'], suppressed: true }),
  ],
});
const municipalities = row('municipalities', {
  targetGroupSize: 4,
  periods: [tally({ feedbackRequests: 3, feedbackCount: 2, ratingSum: 9, positive: 2, respondents: ['a', 'b'], suppressed: true })],
});
const office: OfficeTallies = {
  office: officeFixture('uusimaa'),
  total,
  segments: [municipalities],
  rowsBySegment: new Map([['municipalities', [total, municipalities]]]),
  totalOnly: [total],
};

describe('digest rows', () => {
  const rows = officeRows(office, countedPeriods(MARCH), DIGEST_THRESHOLDS);

  it('gives a row the figures of its period, its metrics with traffic lights and the change from the period before', () => {
    const { metrics, previous, change, lights, ...figures } = rows.total;
    expect(figures).toEqual({
      officeId: 'uusimaa', segment: null, meetingsPlanned: 3, meetingsHeld: 2, invitations: 8, accepted: 5, invitedToHeld: 6, attended: 3,
      feedbackRequests: 10, requestsAnswered: 4, targetGroupSize: 10, respondents: 4, feedbackCount: 5, suppressed: false,
      split: { positive: 3, neutral: 1, critical: 1 }, subThemes: ['First letters', 'Payment plans'],
    });
    expect(metrics).toEqual({ responseRate: 0.4, attendanceRate: 0.5, averageRating: 3.8, positiveShare: 0.6, criticalShare: 0.2 });
    expect(lights).toEqual({ responseRate: 'yellow', attendanceRate: 'yellow', averageRating: 'yellow', positiveShare: 'green', criticalShare: 'yellow' });
    expect(previous).toEqual({
      feedbackCount: 4,
      suppressed: false,
      metrics: { responseRate: 0.2, attendanceRate: null, averageRating: 3, positiveShare: 0.5, criticalShare: 0.25 },
    });
    expect(change.attendanceRate).toBeNull();
    expect(change.responseRate).toBeCloseTo(0.2);
    expect(change.averageRating).toBeCloseTo(0.8);
    expect(change.positiveShare).toBeCloseTo(0.1);
    expect(change.criticalShare).toBeCloseTo(-0.05);
  });

  it('hides the rating metrics of a suppressed row but keeps its response rate', () => {
    const [segment] = rows.segments;
    expect(segment.segment).toBe('municipalities');
    expect(segment.suppressed).toBe(true);
    expect(segment.split).toBeNull();
    expect(segment.metrics).toEqual({ responseRate: 0.5, attendanceRate: null, averageRating: null, positiveShare: null, criticalShare: null });
    expect(segment.lights).toEqual({ responseRate: 'yellow', attendanceRate: 'none', averageRating: 'none', positiveShare: 'none', criticalShare: 'none' });
    // Nothing was held, asked or answered in February: no response rate, so no change either.
    expect(segment.previous.metrics.responseRate).toBeNull();
    expect(segment.change.responseRate).toBeNull();
  });

  it('gives the office total history oldest first, each period by its own slot', () => {
    expect(rows.history).toEqual([
      { periodKey: '2026-08', responseRate: null, positiveShare: null },
      { periodKey: '2026-09', responseRate: null, positiveShare: null },
      { periodKey: '2026-10', responseRate: null, positiveShare: null },
      { periodKey: '2026-11', responseRate: null, positiveShare: null },
      // Answered but hidden: a response rate without a positive share.
      { periodKey: '2026-12', responseRate: 0.1, positiveShare: null },
      { periodKey: '2027-01', responseRate: null, positiveShare: null },
      { periodKey: '2027-02', responseRate: 0.2, positiveShare: 0.5 },
      { periodKey: '2027-03', responseRate: 0.4, positiveShare: 0.6 },
    ]);
  });

  it('averages the office feedback to partners, none where none was given', () => {
    expect(rows.officeFeedback).toEqual({ count: 2, averageRating: 3.5, bySegment: [{ segment: 'municipalities', count: 0, averageRating: null }] });
  });
});

describe('digest asked rounds', () => {
  const round = (officeId: string, ref: string, firstSentAt: string, asked: string[], answered: string[]): RoundTally => ({
    officeId,
    round: { kind: 'meeting', ref, subTheme: `Topic of ${ref}`, firstSentAt },
    firstSent: Date.parse(firstSentAt),
    segments: new Set(['municipalities', 'debt-counsellors']),
    asked: new Set(asked),
    answered: new Set(answered),
  });

  it('rates each round over the partners it asked, per office oldest first', () => {
    const rounds = askedRounds(
      new Map([
        ['u-later', round('uusimaa', 'later', '2027-03-10T10:00:00.000Z', ['p1', 'p2', 'p3', 'p4'], ['p1'])],
        ['p-only', round('pohjanmaa', 'only', '2027-03-05T10:00:00.000Z', ['p5'], ['p5'])],
        ['u-earlier', round('uusimaa', 'earlier', '2027-03-02T10:00:00.000Z', ['p1', 'p2'], [])],
      ]),
    );
    expect([...rounds.keys()]).toEqual(['uusimaa', 'pohjanmaa']);
    expect(rounds.get('uusimaa')).toEqual([
      { kind: 'meeting', ref: 'earlier', subTheme: 'Topic of earlier', firstSentAt: '2027-03-02T10:00:00.000Z', segments: ['municipalities', 'debt-counsellors'], asked: 2, answered: 0, rate: 0 },
      { kind: 'meeting', ref: 'later', subTheme: 'Topic of later', firstSentAt: '2027-03-10T10:00:00.000Z', segments: ['municipalities', 'debt-counsellors'], asked: 4, answered: 1, rate: 0.25 },
    ]);
    expect(rounds.get('pohjanmaa')!.map((r) => r.rate)).toEqual([1]);
  });
});
