// Times buildDigest over synthetic data: `records` feedback records (and as
// many feedback requests) spread over 20 offices, 5 segments and two periods
// (of the 8 the digest counts for its trend), then the HTML page of that digest
// with its SVG charts (one offices-side-by-side chart, and a trend and an
// answer split per office: 41 charts). buildDigest is timed `runs` times and
// the median reported, since one run on a shared machine varies a lot.
// Run: node --import tsx scripts/bench-digest.ts [records = 100000] [runs = 5]
import { pathToFileURL } from 'node:url';
import { DIGEST_LABELS_EN, digestToHtml } from '../bot/domain/digest-render.js';
import { buildDigest, type DigestInput } from '../bot/domain/digest.js';
import { partnerCountsOf } from '../bot/domain/partner-counts.js';
import { parsePeriodKey } from '../bot/domain/periods.js';
import { PROPOSAL_STATUSES, type Rsvp } from '../bot/domain/types.js';
import { prng } from './bench/prng.js';

export function syntheticDigestInput(records: number, seed = 1): DigestInput {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  // February and March 2027 in Helsinki, roughly.
  const start = Date.parse('2027-01-31T22:00:00.000Z');
  const span = Date.parse('2027-03-31T21:00:00.000Z') - start;
  const instant = () => new Date(start + Math.floor(random() * span)).toISOString();
  const T0 = '2027-01-01T00:00:00.000Z';

  const offices = Array.from({ length: 20 }, (_, i) => ({
    id: `office-${i}`,
    name: `Office ${i}`,
    timeZone: 'Europe/Helsinki',
    locale: 'fi' as const,
    email: `office-${i}@example.fi`,
  }));
  const segments = ['municipalities', 'debt-counsellors', 'collection-agencies', 'rental-agencies', 'authorities'];
  const partners = Array.from({ length: Math.max(100, Math.floor(records / 20)) }, (_, i) => ({
    id: `partner-${i}`,
    name: `Partner ${i}`,
    organisation: `Organisation ${i % 500}`,
    segment: pick(segments),
    officeId: pick(offices).id,
    email: `partner-${i}@example.fi`,
    locale: 'fi' as const,
    createdAt: T0,
    updatedAt: T0,
  }));
  const meetings = Array.from({ length: Math.max(10, Math.floor(records / 200)) }, (_, i) => {
    const startsAt = instant();
    return {
      id: `meeting-${i}`,
      planId: 'plan',
      officeId: pick(offices).id,
      year: 2027,
      subTheme: `Sub-theme ${i % 12}`,
      startsAt,
      endsAt: new Date(Date.parse(startsAt) + 7_200_000).toISOString(),
      segments: [pick(segments)],
      status: random() < 0.05 ? ('cancelled' as const) : ('scheduled' as const),
      sequence: 0,
      uid: `meeting-${i}@sidos`,
    };
  });
  const rsvps: Rsvp[] = ['needs-action', 'accepted', 'tentative', 'declined'];
  const invitations = Array.from({ length: Math.floor(records / 5) }, (_, i) => ({
    id: `invitation-${i}`,
    meetingId: pick(meetings).id,
    partnerId: pick(partners).id,
    rsvp: pick(rsvps),
    sentSequence: 0,
    icsToken: `token-${i}`,
    ...(random() < 0.5 ? { attended: random() < 0.7 } : {}),
  }));
  // A random partner's id, office and segment, for a record of theirs.
  const ofPartner = () => {
    const p = pick(partners);
    return { partnerId: p.id, officeId: p.officeId, segment: p.segment };
  };
  const feedbackRequests = Array.from({ length: records }, (_, i) => ({
    id: `request-${i}`,
    kind: 'meeting' as const,
    ...ofPartner(),
    sentAt: instant(),
    remindersSent: 0,
    status: pick(['open', 'answered', 'closed'] as const),
  }));
  const feedback = Array.from({ length: records }, (_, i) => {
    const partner = ofPartner();
    const submittedAt = instant();
    return {
      id: `feedback-${i}`,
      kind: 'meeting' as const,
      ...partner,
      anonymous: random() < 0.2,
      rating: 1 + Math.floor(random() * 5),
      works: 'works',
      change: 'change',
      submittedAt,
      updatedAt: submittedAt,
    };
  });
  const proposals = Array.from({ length: Math.floor(records / 50) }, (_, i) => {
    const f = pick(feedback);
    const status = pick(PROPOSAL_STATUSES);
    return {
      id: `proposal-${i}`,
      feedbackId: f.id,
      officeId: f.officeId,
      segment: f.segment,
      text: `Proposal ${i}`,
      level: random() < 0.3 ? ('national' as const) : ('local' as const),
      status,
      history: [
        { status: 'received' as const, at: f.submittedAt, by: 'system' },
        { status, at: f.submittedAt, by: 'coordinator' },
      ],
      authorPartnerId: f.partnerId,
      anonymous: f.anonymous,
      createdAt: f.submittedAt,
    };
  });
  const officeFeedback = Array.from({ length: Math.floor(records / 100) }, (_, i) => ({
    id: `office-feedback-${i}`,
    officeId: pick(offices).id,
    organisation: `Organisation ${i % 500}`,
    segment: pick(segments),
    rating: 1 + Math.floor(random() * 5),
    works: 'works',
    couldDoDifferently: 'change',
    givenBy: 'coordinator',
    givenAt: instant(),
  }));
  return {
    period: parsePeriodKey('2027-03')!,
    timeZone: 'Europe/Helsinki',
    now: '2027-04-05T05:00:00.000Z',
    offices,
    segments,
    partners,
    targetGroups: partnerCountsOf(partners),
    meetings,
    invitations,
    feedbackRequests,
    feedback,
    proposals,
    officeFeedback,
    thresholds: {
      responseRate: { green: 0.6, yellow: 0.4, higherIsBetter: true },
      attendanceRate: { green: 0.6, yellow: 0.4, higherIsBetter: true },
      averageRating: { green: 4, yellow: 3, higherIsBetter: true },
      positiveShare: { green: 0.6, yellow: 0.4, higherIsBetter: true },
      criticalShare: { green: 0.15, yellow: 0.3, higherIsBetter: false },
    },
    anonymityMinimum: 3,
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** ms: buildDigest (this period and the 7 before it, for the trend), median of `runs`; htmlMs: the page with its charts. */
export async function benchDigest(records: number, runs = 5): Promise<{ records: number; ms: number; htmlMs: number; charts: number }> {
  const input = syntheticDigestInput(records);
  await digestToHtml(buildDigest(syntheticDigestInput(1_000, 2)), DIGEST_LABELS_EN); // warm up the JIT on other data
  const builds = Array.from({ length: Math.max(1, runs) }, () => {
    const started = performance.now();
    const digest = buildDigest(input);
    return { digest, ms: performance.now() - started };
  });
  const started = performance.now();
  const page = await digestToHtml(builds[0].digest, DIGEST_LABELS_EN);
  return { records, ms: round(median(builds.map((b) => b.ms))), htmlMs: round(performance.now() - started), charts: page.match(/<svg /g)?.length ?? 0 };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const records = Number(process.argv[2] ?? 100_000);
  const runs = Number(process.argv[3] ?? 5);
  void benchDigest(records, runs).then(({ ms, htmlMs, charts }) =>
    console.log(`buildDigest: ${records} feedback records in ${ms} ms (median of ${runs}); HTML page with ${charts} SVG charts in ${htmlMs} ms`),
  );
}
