// The digest's trend (each office's response rate and positive share over the
// last HISTORY_PERIODS periods) is tallied in the same pass as the digest's own
// period. Here it is checked against the definition: the digest built
// separately for each charted period, on seeded data with several offices,
// segments (one not configured), meeting and survey requests, periods with
// too few answers to show and periods without any data.
import { describe, expect, it } from 'vitest';
import { buildDigest, countedPeriods, HISTORY_PERIODS, type DigestInput } from '../bot/domain/digest.js';
import { partnerCountsOf } from '../bot/domain/partner-counts.js';
import { parsePeriodKey, periodKey } from '../bot/domain/periods.js';
import type { Feedback, FeedbackRequest, Invitation, Meeting, Office, Partner } from '../bot/domain/types.js';
import { prng } from '../scripts/bench/prng.js';
import { DIGEST_THRESHOLDS } from './harness/digest-fixtures.js';

const T0 = '2026-01-01T00:00:00.000Z';
const SEGMENTS = ['municipalities', 'debt-counsellors', 'collection-agencies'];
// "rental-agencies" is not configured: it counts in office totals only.
const PARTNER_SEGMENTS = [...SEGMENTS, 'rental-agencies'];
// Busy, medium, a small office (few answers: hidden rating figures) and one quiet in the autumn (periods without data);
// "elsewhere" is not a configured office, so its records are left out.
const OFFICE_WEIGHTS: [string, number][] = [['uusimaa', 0.45], ['pirkanmaa', 0.3], ['lappi', 0.04], ['pohjanmaa', 0.16], ['elsewhere', 0.05]];
const QUIET_FROM = Date.parse('2026-09-01T00:00:00.000Z');
const QUIET_UNTIL = Date.parse('2026-12-01T00:00:00.000Z');

/** Records from June 2026 to April 2027 (so some fall before the charted periods and some after `now`). */
function seededInput(seed: number, period: string, now: string): DigestInput {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const pickOffice = () => {
    let r = random();
    for (const [id, weight] of OFFICE_WEIGHTS) if ((r -= weight) < 0) return id;
    return OFFICE_WEIGHTS[0][0];
  };
  const from = Date.parse('2026-06-01T00:00:00.000Z');
  const span = Date.parse('2027-04-15T00:00:00.000Z') - from;
  const instant = (officeId: string): string | null => {
    const ms = from + Math.floor(random() * span);
    return officeId === 'pohjanmaa' && ms >= QUIET_FROM && ms < QUIET_UNTIL ? null : new Date(ms).toISOString();
  };
  const offices: Office[] = OFFICE_WEIGHTS.filter(([id]) => id !== 'elsewhere').map(([id]) => ({
    id, name: id, timeZone: 'Europe/Helsinki', locale: 'fi', email: `${id}@example.fi`,
  }));
  const partners: Partner[] = Array.from({ length: 120 }, (_, i) => ({
    id: `partner-${i}`, name: `Partner ${i}`, organisation: `Org ${i % 30}`, segment: pick(PARTNER_SEGMENTS), officeId: pickOffice(),
    email: `partner-${i}@example.fi`, locale: 'fi', createdAt: T0, updatedAt: T0,
  }));
  const meetings: Meeting[] = [];
  for (let i = 0; i < 60; i++) {
    const officeId = pickOffice();
    const startsAt = instant(officeId);
    if (startsAt === null) continue;
    meetings.push({
      id: `meeting-${i}`, planId: 'plan', officeId, year: 2027, subTheme: `Sub-theme ${i % 7}`, startsAt,
      endsAt: new Date(Date.parse(startsAt) + 7_200_000).toISOString(), segments: random() < 0.3 ? [pick(SEGMENTS), pick(PARTNER_SEGMENTS)] : [pick(PARTNER_SEGMENTS)],
      status: random() < 0.1 ? 'cancelled' : 'scheduled', sequence: 0, uid: `meeting-${i}@sidos`,
    });
  }
  const invitations: Invitation[] = Array.from({ length: 300 }, (_, i) => ({
    id: `invitation-${i}`, meetingId: pick(meetings).id, partnerId: pick(partners).id, rsvp: pick(['needs-action', 'accepted', 'declined'] as const),
    sentSequence: 0, icsToken: `token-${i}`, ...(random() < 0.4 ? { attended: random() < 0.7 } : {}),
  }));
  const feedbackRequests: FeedbackRequest[] = [];
  const feedback: Feedback[] = [];
  for (let i = 0; i < 700; i++) {
    const partner = pick(partners);
    // Mostly to the partner's own office and segment; sometimes another office's (no respondent there) or an unconfigured segment.
    const officeId = random() < 0.9 ? partner.officeId : pickOffice();
    const segment = random() < 0.9 ? partner.segment : pick(PARTNER_SEGMENTS);
    const round = random() < 0.6 ? { kind: 'meeting' as const, meetingId: pick(meetings).id } : { kind: 'survey' as const, surveyRoundId: `round-${i % 9}` };
    const sentAt = instant(officeId);
    if (sentAt !== null) {
      const status = pick(['open', 'answered', 'closed'] as const);
      feedbackRequests.push({ id: `request-${i}`, ...round, partnerId: partner.id, officeId, segment, sentAt, remindersSent: 0, status });
    }
    const submittedAt = instant(officeId);
    if (submittedAt !== null && random() < 0.8) {
      feedback.push({
        id: `feedback-${i}`, ...round, officeId, segment, partnerId: partner.id, anonymous: random() < 0.2, rating: 1 + Math.floor(random() * 5),
        works: 'works', change: 'change', submittedAt, updatedAt: submittedAt,
      });
    }
  }
  return {
    period: parsePeriodKey(period)!, timeZone: 'Europe/Helsinki', now, offices, segments: SEGMENTS, partners, targetGroups: partnerCountsOf(partners), meetings, invitations,
    feedbackRequests, feedback, proposals: [], officeFeedback: [], thresholds: DIGEST_THRESHOLDS, anonymityMinimum: 3,
  };
}

// A past month, the running month (now inside it: meetings after now are not held yet), weeks and a quarter.
const CASES = [
  { period: '2027-03', now: '2027-04-05T05:00:00.000Z' },
  { period: '2027-03', now: '2027-03-16T10:00:00.000Z' },
  { period: '2027-W02', now: '2027-01-12T09:00:00.000Z' },
  { period: '2027-Q1', now: '2027-04-05T05:00:00.000Z' },
];

describe('digest history', () => {
  it.each(CASES)('gives each office the figures of $period (now $now) and the 7 periods before it, as a digest of each of them gives', ({ period, now }) => {
    const input = seededInput(7, period, now);
    const digest = buildDigest(input);
    const periods = countedPeriods(input.period);
    expect(periods.map(periodKey)).toHaveLength(HISTORY_PERIODS);
    const separately = periods.map((p) => buildDigest({ ...input, period: p }));

    for (const office of digest.offices) {
      const expected = separately
        .map((d) => {
          const total = d.offices.find((o) => o.officeId === office.officeId)!.total;
          return { periodKey: d.periodKey, responseRate: total.metrics.responseRate, positiveShare: total.metrics.positiveShare };
        })
        .reverse();
      expect(office.history).toEqual(expected);
      // The comparison with the period before is the same tally: every row's figures as that period's own digest gives them.
      const before = separately[1].offices.find((o) => o.officeId === office.officeId)!;
      for (const [row, then] of [[office.total, before.total], ...office.segments.map((row, i) => [row, before.segments[i]] as const)]) {
        expect(row.previous).toEqual({ feedbackCount: then.feedbackCount, suppressed: then.suppressed, metrics: then.metrics });
      }
    }
  });

  it('covers shown, hidden and empty periods in that data', () => {
    const input = seededInput(7, '2027-03', '2027-04-05T05:00:00.000Z');
    const totals = countedPeriods(input.period).flatMap((p) => buildDigest({ ...input, period: p }).offices.map((o) => o.total));
    expect(totals.some((t) => t.metrics.positiveShare !== null && t.metrics.responseRate !== null)).toBe(true);
    expect(totals.some((t) => t.suppressed && t.feedbackCount > 0)).toBe(true);
    expect(totals.some((t) => t.targetGroupSize > 0 && t.metrics.responseRate === null)).toBe(true);
    const pohjanmaa = buildDigest(input).offices.find((o) => o.officeId === 'pohjanmaa')!.history;
    expect(pohjanmaa.filter((p) => ['2026-09', '2026-10', '2026-11'].includes(p.periodKey))).toEqual([
      { periodKey: '2026-09', responseRate: null, positiveShare: null },
      { periodKey: '2026-10', responseRate: null, positiveShare: null },
      { periodKey: '2026-11', responseRate: null, positiveShare: null },
    ]);
  });

  it('reads each feedback record once for all the charted periods', () => {
    const input = seededInput(7, '2027-03', '2027-04-05T05:00:00.000Z');
    const reads = new Map<string, number>();
    const counted = input.feedback.map((record) => {
      const { submittedAt, ...rest } = record;
      return Object.defineProperty({ ...rest } as Feedback, 'submittedAt', {
        enumerable: true,
        get: () => {
          reads.set(record.id, (reads.get(record.id) ?? 0) + 1);
          return submittedAt;
        },
      });
    });
    buildDigest({ ...input, feedback: counted });
    expect(reads.size).toBe(input.feedback.length);
    expect(new Set(reads.values())).toEqual(new Set([1]));
  });
});
