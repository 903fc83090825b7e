import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { buildDigest, light, type DigestInput, type DigestRow } from '../bot/domain/digest.js';
import { DIGEST_LABELS_EN, digestToCsv, digestToHtml } from '../bot/domain/digest-render.js';
import { partnerCountsOf } from '../bot/domain/partner-counts.js';
import { parsePeriodKey } from '../bot/domain/periods.js';
import type {
  Feedback,
  FeedbackRequest,
  Meeting,
  Office,
  OfficeFeedback,
  Partner,
  Proposal,
  ProposalStatus,
} from '../bot/domain/types.js';
import { DIGEST_THRESHOLDS } from './harness/digest-fixtures.js';
import { proposalChanges, proposalFixture, rsvpFixture as invitation } from './harness/record-fixtures.js';
import { meetingEndingAt } from './harness/seed.js';

const T0 = '2027-01-01T00:00:00.000Z';
const office = (id: string, name: string): Office => ({ id, name, timeZone: 'Europe/Helsinki', locale: 'fi', email: `${id}@example.fi` });
const partner = (id: string, officeId: string, segment: string, name = `Name of ${id}`, organisation = `Org of ${id}`): Partner => ({
  id, name, organisation, segment, officeId, email: `${id}@example.fi`, locale: 'fi', createdAt: T0, updatedAt: T0,
});
const hoursLater = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
const meeting = (id: string, officeId: string, segments: string[], subTheme: string, startsAt: string, status: Meeting['status'] = 'scheduled'): Meeting =>
  meetingEndingAt(id, hoursLater(startsAt, 2), { planId: 'plan', officeId, segments, subTheme, status });
let seq = 0;
const request = (partnerId: string, officeId: string, segment: string, sentAt: string, status: FeedbackRequest['status']): FeedbackRequest => ({
  id: `req-${++seq}`, kind: 'meeting', partnerId, officeId, segment, sentAt, remindersSent: 0, status,
  ...(status === 'answered' ? { answeredAt: hoursLater(sentAt, 1) } : {}),
});
const feedback = (id: string, partnerId: string, officeId: string, segment: string, rating: number, submittedAt: string, anonymous = false): Feedback => ({
  id, kind: 'meeting', officeId, segment, partnerId, anonymous, rating, works: 'ok', change: 'more',
  ...(rating <= 2 ? { justification: 'because' } : {}), submittedAt, updatedAt: submittedAt,
});
const proposal = (
  id: string,
  fields: Pick<Proposal, 'officeId' | 'segment' | 'level' | 'authorPartnerId'> & Partial<Proposal>,
  history: [ProposalStatus, string][],
): Proposal => proposalFixture(id, { feedbackId: `fb-of-${id}`, text: `Text of ${id}`, ...fields, ...proposalChanges(history) });
const given = (officeId: string, segment: string, organisation: string, rating: number, givenAt: string): OfficeFeedback => ({
  id: `of-${++seq}`, officeId, organisation, segment, rating, works: 'clear', couldDoDifferently: 'attach X', givenBy: 'coordinator', givenAt,
});

const MUN = 'municipalities';
const DEBT = 'debt-counsellors';
const COLL = 'collection-agencies';
const U = 'uusimaa';
const P = 'pohjanmaa';

const PARTNERS: Partner[] = [
  partner('m1', U, MUN),
  partner('m2', U, MUN),
  partner('m3', U, MUN, 'Matti Meikäläinen', 'Espoon kaupunki'),
  partner('m4', U, MUN),
  partner('partner-anna', U, DEBT, 'Anna Anonyymi', 'Velkaneuvonta Anna'),
  partner('d2', U, DEBT),
  partner('d3', U, DEBT),
  partner('partner-carl', U, COLL, 'Carl Collector', 'Collector Carl Oy'),
  partner('pm1', P, MUN, 'Per Pohjalainen', 'Vaasan kaupunki'),
  partner('pm2', P, MUN),
  partner('pd1', P, DEBT),
];

// March 2027 in Helsinki: 2027-02-28T22:00Z … 2027-03-31T21:00Z; February before it.
// "now" is mid-March, so meetings after it are planned but not held yet.
const input: DigestInput = {
  period: parsePeriodKey('2027-03')!,
  timeZone: 'Europe/Helsinki',
  now: '2027-03-20T10:00:00.000Z',
  offices: [office(U, 'Uusimaa regional office'), office(P, 'Pohjanmaa "Ostrobothnia" & co')],
  segments: [MUN, DEBT, COLL],
  partners: PARTNERS,
  targetGroups: partnerCountsOf(PARTNERS),
  meetings: [
    meeting('mt1', U, [MUN], 'First letters', '2027-03-03T08:00:00.000Z'),
    meeting('mt2', U, [MUN, DEBT], 'Payment plans', '2027-03-10T08:00:00.000Z'),
    meeting('mt3', U, [DEBT], 'Cancelled topic', '2027-03-12T08:00:00.000Z', 'cancelled'),
    meeting('mt4', U, [MUN], 'Future topic', '2027-03-25T08:00:00.000Z'),
    meeting('mt5', U, [MUN], 'Old topic', '2027-02-10T08:00:00.000Z'),
    meeting('mt6', U, [MUN], 'April topic', '2027-04-07T08:00:00.000Z'),
    meeting('mt7', P, [MUN], 'Payment plans', '2027-03-04T08:00:00.000Z'),
  ],
  invitations: [
    // mt1: attendance recorded, so only attended === true counts.
    invitation('mt1', 'm1', 'accepted', true),
    invitation('mt1', 'm2', 'accepted', false),
    invitation('mt1', 'm3', 'declined'),
    invitation('mt1', 'm4', 'needs-action'),
    // mt2: no attendance recorded, so accepted RSVPs stand in.
    invitation('mt2', 'm1', 'accepted'),
    invitation('mt2', 'partner-anna', 'accepted'),
    invitation('mt2', 'd2', 'tentative'),
    invitation('mt2', 'd3', 'declined'),
    invitation('mt3', 'partner-anna', 'accepted'),
    invitation('mt4', 'm1', 'accepted'),
    invitation('mt4', 'm2', 'accepted'),
    invitation('mt5', 'm1', 'accepted', true),
    invitation('mt5', 'm2', 'accepted', true),
  ],
  feedbackRequests: [
    request('m1', U, MUN, '2027-03-03T12:00:00.000Z', 'answered'),
    request('m2', U, MUN, '2027-03-03T12:00:00.000Z', 'answered'),
    request('m3', U, MUN, '2027-03-03T12:00:00.000Z', 'answered'),
    request('m4', U, MUN, '2027-03-03T12:00:00.000Z', 'open'),
    request('partner-anna', U, DEBT, '2027-03-10T12:00:00.000Z', 'answered'),
    request('d2', U, DEBT, '2027-03-10T12:00:00.000Z', 'closed'),
    request('d3', U, DEBT, '2027-03-10T12:00:00.000Z', 'open'),
    request('m1', U, MUN, '2027-02-10T12:00:00.000Z', 'answered'),
  ],
  feedback: [
    feedback('f1', 'm1', U, MUN, 5, '2027-03-03T12:00:00.000Z'),
    feedback('f2', 'm2', U, MUN, 4, '2027-02-28T22:00:00.000Z'), // 1 March 00:00 local
    feedback('f3', 'm3', U, MUN, 2, '2027-03-04T12:00:00.000Z'),
    feedback('f4', 'm1', U, MUN, 4, '2027-03-11T12:00:00.000Z'),
    feedback('f5', 'partner-anna', U, DEBT, 1, '2027-03-11T12:00:00.000Z', true),
    feedback('f6', 'd2', U, DEBT, 3, '2027-03-11T12:00:00.000Z'),
    feedback('f7', 'partner-carl', U, COLL, 5, '2027-03-12T12:00:00.000Z', true),
    feedback('f8', 'm1', U, MUN, 3, '2027-02-11T12:00:00.000Z'),
    feedback('f9', 'm2', U, MUN, 2, '2027-02-11T12:00:00.000Z'),
    feedback('f10', 'm3', U, MUN, 1, '2027-02-12T12:00:00.000Z'),
    feedback('f11', 'm4', U, MUN, 5, '2027-02-28T21:59:59.000Z'), // 28 February 23:59:59 local
    feedback('f12', 'm4', U, MUN, 1, '2027-04-02T12:00:00.000Z'),
    feedback('f13', 'x1', 'lappi', MUN, 1, '2027-03-05T12:00:00.000Z'),
    feedback('g1', 'pm1', P, MUN, 4, '2027-03-05T12:00:00.000Z'),
    feedback('g2', 'pm2', P, MUN, 5, '2027-03-05T12:00:00.000Z'),
    feedback('g3', 'pm1', P, MUN, 3, '2027-03-06T12:00:00.000Z'),
    feedback('g4', 'pd1', P, DEBT, 2, '2027-03-06T12:00:00.000Z'),
  ],
  proposals: [
    proposal(
      'P1',
      { officeId: U, segment: MUN, level: 'national', authorPartnerId: 'm3', text: 'Change the law <script>alert(1)</script>', justification: 'Courts & offices disagree' },
      [['received', '2027-03-05T09:00:00.000Z'], ['under-review', '2027-03-06T09:00:00.000Z']],
    ),
    proposal('P2', { officeId: U, segment: DEBT, level: 'national', authorPartnerId: 'partner-anna', anonymous: true, text: 'Anonymous national idea' }, [
      ['received', '2027-01-15T09:00:00.000Z'],
    ]),
    proposal('P3', { officeId: P, segment: MUN, level: 'national', authorPartnerId: 'pm1' }, [
      ['received', '2026-10-01T09:00:00.000Z'],
      ['declined', '2026-11-01T09:00:00.000Z'],
    ]),
    proposal('P4', { officeId: P, segment: MUN, level: 'national', authorPartnerId: 'pm1', justification: 'Nationwide form' }, [
      ['received', '2027-02-15T09:00:00.000Z'],
      ['done', '2027-03-15T09:00:00.000Z'],
    ]),
    proposal('L1', { officeId: U, segment: MUN, level: 'local', authorPartnerId: 'm1' }, [['received', '2027-03-02T09:00:00.000Z']]),
    proposal('L2', { officeId: U, segment: MUN, level: 'local', authorPartnerId: 'm2' }, [
      ['received', '2027-01-10T09:00:00.000Z'],
      ['planned', '2027-01-20T09:00:00.000Z'],
    ]),
    proposal('L3', { officeId: U, segment: MUN, level: 'local', authorPartnerId: 'm2' }, [
      ['received', '2027-01-05T09:00:00.000Z'],
      ['done', '2027-03-08T09:00:00.000Z'],
    ]),
    proposal('L4', { officeId: U, segment: MUN, level: 'local', authorPartnerId: 'm2' }, [
      ['received', '2026-12-01T09:00:00.000Z'],
      ['declined', '2027-01-10T09:00:00.000Z'],
    ]),
    proposal('L5', { officeId: U, segment: MUN, level: 'local', authorPartnerId: 'm2' }, [
      ['received', '2027-02-01T09:00:00.000Z'],
      ['done', '2027-02-20T09:00:00.000Z'],
    ]),
    // Not flagged itself, but made from anonymous feedback f7.
    proposal('L6', { officeId: U, segment: COLL, level: 'local', authorPartnerId: 'partner-carl', feedbackId: 'f7' }, [
      ['received', '2027-03-12T13:00:00.000Z'],
    ]),
  ],
  officeFeedback: [
    given(U, MUN, 'Kunta A', 4, '2027-03-05T12:00:00.000Z'),
    given(U, MUN, 'Kunta B', 2, '2027-03-06T12:00:00.000Z'),
    given(U, COLL, 'Perintä Oy', 3, '2027-03-07T12:00:00.000Z'),
    given(U, COLL, 'Perintä Oy', 1, '2027-02-07T12:00:00.000Z'),
  ],
  thresholds: DIGEST_THRESHOLDS,
  anonymityMinimum: 3,
};

const digest = buildDigest(input);
const officeOf = (id: string) => digest.offices.find((o) => o.officeId === id)!;
const row = (officeId: string, segment: string | null): DigestRow => {
  const o = officeOf(officeId);
  return segment === null ? o.total : o.segments.find((r) => r.segment === segment)!;
};

describe('buildDigest', () => {
  it('describes the period in the digest time zone', () => {
    expect(digest).toMatchObject({
      periodKey: '2027-03',
      previousPeriodKey: '2027-02',
      start: '2027-02-28T22:00:00.000Z',
      end: '2027-03-31T21:00:00.000Z',
      generatedAt: '2027-03-20T10:00:00.000Z',
    });
    expect(digest.offices.map((o) => o.officeId)).toEqual([U, P]);
    expect(officeOf(U).segments.map((r) => r.segment)).toEqual([MUN, DEBT, COLL]);
  });

  it('counts meetings planned (not cancelled) and held (ended by now), with their sub-themes', () => {
    expect(row(U, null)).toMatchObject({ meetingsPlanned: 3, meetingsHeld: 2, subThemes: ['First letters', 'Payment plans'] });
    expect(row(U, MUN)).toMatchObject({ meetingsPlanned: 3, meetingsHeld: 2, subThemes: ['First letters', 'Payment plans'] });
    expect(row(U, DEBT)).toMatchObject({ meetingsPlanned: 1, meetingsHeld: 1, subThemes: ['Payment plans'] });
    expect(row(U, COLL)).toMatchObject({ meetingsPlanned: 0, meetingsHeld: 0, subThemes: [] });
    expect(row(P, null)).toMatchObject({ meetingsPlanned: 1, meetingsHeld: 1, subThemes: ['Payment plans'] });
  });

  it('counts invitations against attendance, recorded or else by accepted RSVP', () => {
    expect(row(U, null)).toMatchObject({ invitations: 10, accepted: 6, invitedToHeld: 8, attended: 3 });
    expect(row(U, null).metrics.attendanceRate).toBeCloseTo(3 / 8);
    expect(row(U, MUN)).toMatchObject({ invitations: 7, accepted: 5, invitedToHeld: 5, attended: 2 });
    expect(row(U, MUN).metrics.attendanceRate).toBeCloseTo(0.4);
    expect(row(U, DEBT)).toMatchObject({ invitations: 3, accepted: 1, invitedToHeld: 3, attended: 1 });
    expect(row(U, COLL).metrics.attendanceRate).toBeNull();
    expect(row(U, null).previous.metrics.attendanceRate).toBe(1);
    expect(row(U, null).change.attendanceRate).toBeCloseTo(3 / 8 - 1);
  });

  it('counts feedback requests against answers', () => {
    expect(row(U, null)).toMatchObject({ feedbackRequests: 7, requestsAnswered: 4 });
    expect(row(U, MUN)).toMatchObject({ feedbackRequests: 4, requestsAnswered: 3 });
    expect(row(U, DEBT)).toMatchObject({ feedbackRequests: 3, requestsAnswered: 1 });
  });

  it('measures the response rate against the target group', () => {
    expect(row(U, null)).toMatchObject({ targetGroupSize: 8, respondents: 6, feedbackCount: 7 });
    expect(row(U, null).metrics.responseRate).toBe(0.75);
    expect(row(U, MUN)).toMatchObject({ targetGroupSize: 4, respondents: 3, feedbackCount: 4 });
    expect(row(U, MUN).metrics.responseRate).toBe(0.75);
    expect(row(U, MUN).previous.metrics.responseRate).toBe(1);
    expect(row(U, MUN).change.responseRate).toBe(-0.25);
    expect(row(U, DEBT).metrics.responseRate).toBeCloseTo(2 / 3);
    expect(row(U, COLL).metrics.responseRate).toBe(1);
    expect(row(P, null)).toMatchObject({ targetGroupSize: 3, respondents: 3 });
  });

  it('gives no response rate, and so no change, for a period in which nothing was held, asked or answered', () => {
    // Collection agencies: one answer in March, nothing at all in February.
    expect(row(U, COLL).metrics.responseRate).toBe(1);
    expect(row(U, COLL).previous.metrics.responseRate).toBeNull();
    expect(row(U, COLL).change.responseRate).toBeNull();
    expect(row(P, null).previous.metrics.responseRate).toBeNull();
    const quietMarch = buildDigest({ ...input, feedback: [], feedbackRequests: [], meetings: [] });
    const quiet = quietMarch.offices.find((o) => o.officeId === U)!.total;
    expect(quiet.metrics.responseRate).toBeNull();
    expect(quiet.lights.responseRate).toBe('none');
  });

  it('gives the average rating and the positive and critical shares with their change', () => {
    const mun = row(U, MUN);
    expect(mun.metrics).toMatchObject({ averageRating: 3.75, positiveShare: 0.75, criticalShare: 0.25 });
    expect(mun.previous).toEqual({
      feedbackCount: 4,
      suppressed: false,
      metrics: { responseRate: 1, attendanceRate: 1, averageRating: 2.75, positiveShare: 0.25, criticalShare: 0.5 },
    });
    expect(mun.change).toMatchObject({ averageRating: 1, positiveShare: 0.5, criticalShare: -0.25 });

    const total = row(U, null);
    expect(total.metrics.averageRating).toBeCloseTo(24 / 7);
    expect(total.metrics.positiveShare).toBeCloseTo(4 / 7);
    expect(total.metrics.criticalShare).toBeCloseTo(2 / 7);
    expect(total.change.averageRating).toBeCloseTo(24 / 7 - 2.75);
    expect(total.change.positiveShare).toBeCloseTo(4 / 7 - 0.25);
    expect(total.change.criticalShare).toBeCloseTo(2 / 7 - 0.5);
    expect(row(U, DEBT).change.averageRating).toBeNull();
  });

  it('sets a traffic light per metric from the thresholds', () => {
    expect(row(U, null).lights).toEqual({
      responseRate: 'green',
      attendanceRate: 'red',
      averageRating: 'yellow',
      positiveShare: 'yellow',
      criticalShare: 'yellow',
    });
    expect(row(U, MUN).lights).toEqual({
      responseRate: 'green',
      attendanceRate: 'yellow',
      averageRating: 'yellow',
      positiveShare: 'green',
      criticalShare: 'yellow',
    });
    expect(row(U, COLL).lights).toEqual({
      responseRate: 'green',
      attendanceRate: 'none',
      averageRating: 'none',
      positiveShare: 'none',
      criticalShare: 'none',
    });
  });

  it('compares at the limits, in either direction', () => {
    const higher = DIGEST_THRESHOLDS.positiveShare;
    expect([0.6, 0.59, 0.4, 0.39, null].map((v) => light(v, higher))).toEqual(['green', 'yellow', 'yellow', 'red', 'none']);
    const lower = DIGEST_THRESHOLDS.criticalShare;
    expect([0, 0.15, 0.16, 0.3, 0.31].map((v) => light(v, lower))).toEqual(['green', 'green', 'yellow', 'yellow', 'red']);
  });

  it('hides rating figures of groups below the anonymity minimum', () => {
    for (const segment of [DEBT, COLL]) {
      const r = row(U, segment);
      expect(r.suppressed).toBe(true);
      expect(r.metrics).toMatchObject({ averageRating: null, positiveShare: null, criticalShare: null });
      expect(r.change).toMatchObject({ averageRating: null, positiveShare: null, criticalShare: null });
    }
    expect(row(U, DEBT).feedbackCount).toBe(2);
    expect(row(U, MUN).suppressed).toBe(false);
    expect(row(U, null).suppressed).toBe(false);
  });

  it('also hides a group whose figures could be recovered from the office total', () => {
    // Pohjanmaa: 3 answers from municipalities, 1 from debt counsellors. Showing
    // municipalities would reveal the lone debt counsellor as total − municipalities.
    expect(row(P, DEBT).suppressed).toBe(true);
    expect(row(P, MUN).suppressed).toBe(true);
    expect(row(P, MUN).metrics.averageRating).toBeNull();
    expect(row(P, MUN).metrics.responseRate).toBe(1);
    expect(row(P, null).suppressed).toBe(false);
    expect(row(P, null).metrics).toMatchObject({ averageRating: 3.5, positiveShare: 0.5, criticalShare: 0.25 });
  });

  it('hides the office total too when the whole office is a small group', () => {
    const small = buildDigest({ ...input, anonymityMinimum: 5 });
    const total = small.offices.find((o) => o.officeId === P)!.total;
    expect(total.suppressed).toBe(true);
    expect(total.metrics.averageRating).toBeNull();
  });

  it('never shows who gave anonymous feedback or proposals', async () => {
    for (const text of [JSON.stringify(digest), await digestToHtml(digest, DIGEST_LABELS_EN), digestToCsv(digest, DIGEST_LABELS_EN)]) {
      for (const secret of ['partner-anna', 'Anna Anonyymi', 'Velkaneuvonta Anna', 'partner-carl', 'Carl Collector', 'Collector Carl']) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it('lists open national proposals and those changed in the period, with justification', () => {
    expect(digest.nationalProposals.map((p) => p.id)).toEqual(['P2', 'P1', 'P4']);
    const [p2, p1, p4] = digest.nationalProposals;
    expect(p1).toMatchObject({
      officeId: U,
      segment: MUN,
      status: 'under-review',
      text: 'Change the law <script>alert(1)</script>',
      justification: 'Courts & offices disagree',
      changedAt: '2027-03-06T09:00:00.000Z',
      anonymous: false,
      author: { name: 'Matti Meikäläinen', organisation: 'Espoon kaupunki' },
    });
    // Anonymous, but the debt-counsellor group (3 partners) is large enough to name.
    expect(p2).toMatchObject({ status: 'received', segment: DEBT, anonymous: true, author: null, justification: null });
    expect(p4).toMatchObject({ officeId: P, status: 'done', changedAt: '2027-03-15T09:00:00.000Z', justification: 'Nationwide form' });
  });

  it('lists local proposals per office with counts by status', () => {
    const local = officeOf(U).localProposals;
    expect(local.items.map((p) => p.id)).toEqual(['L3', 'L2', 'L1', 'L6']);
    expect(local.counts).toEqual({ received: 2, 'under-review': 0, planned: 1, done: 1, declined: 0 });
    expect(officeOf(P).localProposals.items).toEqual([]);
  });

  it('keeps a proposal from anonymous feedback anonymous, without a segment that would single the author out', () => {
    const l6 = officeOf(U).localProposals.items.find((p) => p.id === 'L6')!;
    expect(l6).toMatchObject({ anonymous: true, author: null, segment: null });
  });

  it('uses proposal statuses as they were at the end of a past period', () => {
    const february = buildDigest({ ...input, period: parsePeriodKey('2027-02')! });
    expect(february.nationalProposals.map((p) => [p.id, p.status, p.changedAt])).toEqual([
      ['P2', 'received', '2027-01-15T09:00:00.000Z'],
      ['P4', 'received', '2027-02-15T09:00:00.000Z'],
    ]);
    const febMun = february.offices[0].segments[0];
    expect(febMun).toMatchObject({ meetingsPlanned: 1, meetingsHeld: 1, subThemes: ['Old topic'], feedbackCount: 4 });
    expect(febMun.metrics.averageRating).toBe(2.75);
  });

  it('summarises office feedback to partners per segment', () => {
    expect(officeOf(U).officeFeedback).toEqual({
      count: 3,
      averageRating: 3,
      bySegment: [
        { segment: MUN, count: 2, averageRating: 3 },
        { segment: DEBT, count: 0, averageRating: null },
        { segment: COLL, count: 1, averageRating: 3 },
      ],
    });
  });
});

describe('digest chart data', () => {
  it('splits the answers into positive, neutral and critical, hidden where the shares are', () => {
    expect(row(U, null).split).toEqual({ positive: 4, neutral: 1, critical: 2 });
    expect(row(U, MUN).split).toEqual({ positive: 3, neutral: 0, critical: 1 });
    expect(row(U, COLL).suppressed).toBe(true);
    expect(row(U, COLL).split).toBeNull();
  });

  it('gives each office the response rate and positive share of the last 8 periods, each counted as its own digest', () => {
    const history = officeOf(U).history;
    expect(history.map((p) => p.periodKey)).toEqual(['2026-08', '2026-09', '2026-10', '2026-11', '2026-12', '2027-01', '2027-02', '2027-03']);
    expect(history[7]).toEqual({ periodKey: '2027-03', responseRate: row(U, null).metrics.responseRate, positiveShare: row(U, null).metrics.positiveShare });
    const february = buildDigest({ ...input, period: parsePeriodKey('2027-02')! }).offices.find((o) => o.officeId === U)!.total;
    expect(history[6]).toEqual({ periodKey: '2027-02', responseRate: february.metrics.responseRate, positiveShare: february.metrics.positiveShare });
    expect(history[6].responseRate).not.toBeNull();
    // Nothing held, asked or answered: no figures, not zeros.
    expect(history[0]).toEqual({ periodKey: '2026-08', responseRate: null, positiveShare: null });
  });

  it('rates each meeting and survey round over the partners it asked, beside the office rate over its whole register', async () => {
    const asked = (partnerId: string, segment: string, status: FeedbackRequest['status'], ref: { meetingId?: string; surveyRoundId?: string }) => ({
      ...request(partnerId, U, segment, '2027-03-10T12:00:00.000Z', status),
      ...ref,
      kind: ref.meetingId ? ('meeting' as const) : ('survey' as const),
    });
    const surveyedDigest = buildDigest({
      ...input,
      feedbackRequests: [
        asked('m1', MUN, 'answered', { meetingId: 'mt1' }),
        asked('m2', MUN, 'open', { meetingId: 'mt1' }),
        asked('partner-anna', DEBT, 'answered', { surveyRoundId: 'round-1' }),
        asked('d2', DEBT, 'answered', { surveyRoundId: 'round-1' }),
        asked('d3', DEBT, 'closed', { surveyRoundId: 'round-1' }),
        { ...asked('d3', DEBT, 'answered', { surveyRoundId: 'round-1' }), sentAt: '2027-03-09T12:00:00.000Z' },
        { ...asked('m3', MUN, 'answered', { meetingId: 'mt5' }), sentAt: '2027-02-10T12:00:00.000Z' },
      ],
    });
    const surveyed = surveyedDigest.offices.find((o) => o.officeId === U)!;
    expect(surveyed.rounds).toEqual([
      { kind: 'survey', ref: 'round-1', subTheme: null, segments: [DEBT], firstSentAt: '2027-03-09T12:00:00.000Z', asked: 3, answered: 3, rate: 1 },
      { kind: 'meeting', ref: 'mt1', subTheme: 'First letters', segments: [MUN], firstSentAt: '2027-03-10T12:00:00.000Z', asked: 2, answered: 1, rate: 0.5 },
    ]);
    expect(surveyed.total.targetGroupSize).toBe(8);
    const page = await digestToHtml(surveyedDigest, DIGEST_LABELS_EN);
    expect(page).toMatch(/<th scope="row">Survey<\/th>\s*<td>debt-counsellors<\/td>\s*<td>Mar 9, 2027<\/td>\s*<td>3 \/ 3<\/td>\s*<td>100%<\/td>/);
    expect(page).toMatch(/<th scope="row">Meeting: First letters<\/th>\s*<td>municipalities<\/td>\s*<td>Mar 10, 2027<\/td>\s*<td>1 \/ 2<\/td>\s*<td>50%<\/td>/);
  });

  it('counts the open national proposals of each office', () => {
    expect(officeOf(U).openNationalProposals).toBe(2);
    expect(officeOf(P).openNationalProposals).toBe(0);
  });
});

describe('digest rendering', () => {
  // Office names reach the renderer with the labels, in the reader's language.
  const LABELS = { ...DIGEST_LABELS_EN, [`office.${U}`]: 'Uusimaa regional office', [`office.${P}`]: 'Pohjanmaa "Ostrobothnia" & co' };

  it('escapes all text in the HTML page and labels the traffic lights in words', async () => {
    const page = await digestToHtml(digest, { ...LABELS, 'segment.municipalities': 'Municipalities <all>' });
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('<html lang="en">');
    expect(page).not.toContain('<script');
    expect(page).toContain('Change the law &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('Courts &amp; offices disagree');
    expect(page).toContain('Pohjanmaa &quot;Ostrobothnia&quot; &amp; co');
    expect(page).toContain('Municipalities &lt;all&gt;');
    expect(page).toContain('Matti Meikäläinen, Espoon kaupunki');
    expect(page).toContain('Anonymous');
    for (const word of ['Good', 'Watch', 'Needs attention', 'No data']) expect(page).toContain(`</span> ${word}</span>`);
    expect(page).toContain('75%');
    expect(page).toContain('+50 pp');
    expect(page).toContain('First letters');
    expect(page).toContain('Under review');
    // No data in the previous period: no "0 %" to compare with and no trend.
    expect(page).not.toContain('Previous period: 0%');
    expect(page).not.toContain('+100 pp');
  });

  it('draws each chart as an inline SVG image with a title, a description and the table of its figures beside it', async () => {
    const page = await digestToHtml(digest, LABELS);
    const svgs = [...page.matchAll(/<svg[^>]*>[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    // Offices side by side, then per office the trend and the split of the answers.
    expect(svgs).toHaveLength(5);
    for (const svg of svgs) {
      const id = /aria-labelledby="([\w-]+)-title \1-desc"/.exec(svg)?.[1];
      expect(id, svg.slice(0, 300)).toBeDefined();
      expect(svg).toMatch(/^<svg [^>]*role="img"/);
      expect(svg).toContain(`<title id="${id}-title">`);
      expect(svg).toContain(`<desc id="${id}-desc">`);
    }
    const trend = svgs.find((svg) => svg.includes('id="trend-uusimaa-title"'))!;
    expect(trend).toContain('<title id="trend-uusimaa-title">Response rate and positive share, last 8 periods: Uusimaa regional office</title>');
    // The points are the computed figures: response rate and positive share in February and March, nothing before.
    const u = officeOf(U).history;
    expect(u.slice(0, 6).every((p) => p.responseRate === null && p.positiveShare === null)).toBe(true);
    expect(trend).toContain(`Response rate: 2026-08 –, 2026-09 –, 2026-10 –, 2026-11 –, 2026-12 –, 2027-01 –, 2027-02 ${Math.round(u[6].responseRate! * 100)}%, 2027-03 75%`);
    expect(trend).toContain(`Positive (4–5): 2026-08 –, 2026-09 –, 2026-10 –, 2026-11 –, 2026-12 –, 2027-01 –, 2027-02 25%, 2027-03 57%`);
    const points = /<g class="mark-symbol role-mark[^>]*>(.*?)<\/g>/.exec(trend)![1];
    expect(points.match(/<path /g)).toHaveLength(4);
    expect(page).toContain('<tr><th scope="row">2027-03</th><td>75%</td><td>57%</td></tr>');
    expect(page).toContain('<tr><th scope="row">2026-08</th><td>–</td><td>–</td></tr>');
    const split = svgs.find((svg) => svg.includes('id="split-uusimaa-title"'))!;
    expect(split).toContain('<desc id="split-uusimaa-desc">Positive (4–5): 4, Neutral (3): 1, Critical (1–2): 2</desc>');
    expect(page).toContain('<tr><th scope="row">Neutral (3)</th><td>1</td></tr>');
    // Offices side by side: the table holds lights and open national proposals, the chart the shares.
    const offices = svgs.find((svg) => svg.includes('id="offices-title"'))!;
    expect(offices).toContain('Uusimaa regional office: Response rate 75%, Positive (4–5) 57%, Critical (1–2) 29%');
    expect(page).toMatch(/<h2 id="offices">Offices side by side<\/h2>/);
    // The office rate says what it counts; each meeting or survey has its own.
    expect(page).toContain(DIGEST_LABELS_EN.responseRateNote);
  });

  it('keeps the charts safe and the page printable on A4', async () => {
    const page = await digestToHtml(digest, { ...LABELS, [`office.${P}`]: '<img src=x onerror=alert(1)> & "co"', 'segment.municipalities': '<script>x</script>' });
    for (const unsafe of [/<script/i, /<img/i, /<foreignObject/i, /<[^>]*\son\w+="/i, /javascript:/i, /href=/i]) expect(page.match(unsafe)?.[0]).toBeUndefined();
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('@page { size: A4;');
    expect(page).toContain('@media print');
  });

  it('draws the Finnish page with Finnish number formats in the charts', async () => {
    const page = await digestToHtml(digest, { ...LABELS, locale: 'fi' });
    const trend = /<svg[^>]*aria-labelledby="trend-uusimaa-title[\s\S]*?<\/svg>/.exec(page)![0];
    expect(trend).toContain('>100\u00a0%</text>');
  });

  it('writes a CSV that parses back with the figures', () => {
    const csv = digestToCsv(digest, LABELS);
    const records = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(8);
    const find = (office: string, segment: string) => records.find((r) => r.Office === office && r.Segment === segment)!;

    const mun = find('Uusimaa regional office', MUN);
    expect(mun).toMatchObject({
      Period: '2027-03',
      'Meetings planned': '3',
      'Meetings held': '2',
      Invitations: '7',
      Attended: '2',
      'Feedback requests': '4',
      'Requests answered': '3',
      'Target group': '4',
      Respondents: '3',
      'Response rate': '0.75',
      'Average rating': '3.75',
      'Average rating – Previous period': '2.75',
      'Average rating – Change': '1',
      'Positive (4–5) – Status': 'Good',
      'Critical (1–2)': '0.25',
      'Critical (1–2) – Change': '-0.25',
      'Sub-themes discussed': 'First letters; Payment plans',
      Note: '',
    });

    const total = find('Uusimaa regional office', 'All segments');
    expect(Number(total['Average rating'])).toBeCloseTo(24 / 7, 4);
    expect(total['Attendance rate']).toBe('0.375');
    expect(total['Attendance rate – Status']).toBe('Needs attention');

    const debt = find('Uusimaa regional office', DEBT);
    expect(debt['Average rating']).toBe('');
    expect(debt['Positive (4–5)']).toBe('');
    expect(debt['Average rating – Status']).toBe('No data');
    expect(debt.Note).toContain('hidden for anonymity');
    expect(debt['Feedback answers']).toBe('2');

    const collection = find('Uusimaa regional office', COLL);
    expect(collection).toMatchObject({ 'Response rate': '1', 'Response rate – Previous period': '', 'Response rate – Change': '' });
  });

  it('keeps spreadsheet formulas out of CSV text cells', () => {
    const [, first] = parse(digestToCsv(digest, { ...LABELS, [`office.${U}`]: '=HYPERLINK("http://x")' }), { bom: true }) as string[][];
    expect(first[1]).toBe(`'=HYPERLINK("http://x")`);
  });
});
