// The national digest: one period's figures per office and per office ×
// segment, compared with the previous period, plus the proposals leadership
// should see. A pure function of the stored records; every record is visited
// once and bucketed through Maps.
//
// What counts where (periods use the digest time zone; "cutoff" is the
// earlier of the period end and `now`, so an on-demand digest of the running
// period and a digest of a past period both describe the state at a moment):
// - meetings planned: not cancelled, startsAt in the period; held: those with
//   endsAt <= cutoff; sub-themes come from the held ones.
// - invitations: to planned meetings, with their accepted RSVPs; attendance is
//   counted on invitations to held meetings. A meeting whose attendance was
//   recorded (any invitee has `attended` set) counts `attended === true`; for
//   one without any record an accepted RSVP stands in.
// - feedback requests: sentAt in the period, answered = status "answered".
// - feedback: submittedAt in the period. Response rate = distinct partners of
//   the target group (partners registered in the office and segment now) who
//   gave feedback / target group size; none (null) for a period in which no
//   meeting was held, no feedback request sent and no feedback given.
// - rating metrics (average, positive 4–5, critical 1–2) are hidden when a row
//   has fewer than `anonymityMinimum` answers, and further rows are hidden when
//   the office total minus the visible rows would reveal a small group.
// - proposals: status as of the cutoff (from their history). Listed: those
//   still open plus those created or changed in the period.
// - office → partner feedback: givenAt in the period.
// - asked rounds: per meeting and per survey round, the partners sent a
//   feedback request in the period and how many of them answered: a rate over
//   the people actually asked, beside the office rate over its whole register.
// - history: the office totals' response rate and positive share in the
//   HISTORY_PERIODS periods up to this one, each by the rules above as if it
//   were the digest's period (its own cutoff and anonymity hiding).
// All counted periods are tallied in the same pass: each record's instant is
// parsed once and put in its period's slot (0 = this period, 1 = the one
// before, …), so the history costs no further scans of the records.
// A segment not in `segments` counts in its office total only; records of
// offices not in `offices` are left out.
import { periodBounds, periodKey, previousPeriod, type Period } from './periods.js';
import {
  PROPOSAL_STATUSES,
  type Feedback,
  type FeedbackRequest,
  type Instant,
  type Invitation,
  type Meeting,
  type Office,
  type OfficeFeedback,
  type Partner,
  type Proposal,
  type ProposalLevel,
  type ProposalStatus,
} from './types.js';

export const DIGEST_METRICS = ['responseRate', 'attendanceRate', 'averageRating', 'positiveShare', 'criticalShare'] as const;
export type DigestMetric = (typeof DIGEST_METRICS)[number];

/** green/yellow are the limits of those colours; beyond yellow in the worse direction is red. */
export interface Threshold {
  green: number;
  yellow: number;
  higherIsBetter: boolean;
}
export type DigestThresholds = Record<DigestMetric, Threshold>;

export type TrafficLight = 'green' | 'yellow' | 'red' | 'none';

/** Rates and shares are fractions 0–1, ratings 1–5; null when there is no data or it is hidden. */
export type MetricValues = Record<DigestMetric, number | null>;

export interface DigestInput {
  period: Period;
  timeZone: string;
  now: Instant;
  offices: Office[];
  segments: string[];
  partners: Partner[];
  meetings: Meeting[];
  invitations: Invitation[];
  feedbackRequests: FeedbackRequest[];
  feedback: Feedback[];
  proposals: Proposal[];
  officeFeedback: OfficeFeedback[];
  thresholds: DigestThresholds;
  anonymityMinimum: number;
}

/** How many periods the trend charts cover, this one included. */
export const HISTORY_PERIODS = 8;

export interface RatingSplit {
  positive: number;
  neutral: number;
  critical: number;
}

export interface DigestRow {
  officeId: string;
  /** null on the office total row. */
  segment: string | null;
  meetingsPlanned: number;
  meetingsHeld: number;
  /** Invitations to planned meetings, and how many of them were accepted. */
  invitations: number;
  accepted: number;
  /** Invitations to held meetings, and how many of those invitees attended. */
  invitedToHeld: number;
  attended: number;
  feedbackRequests: number;
  requestsAnswered: number;
  targetGroupSize: number;
  respondents: number;
  feedbackCount: number;
  /** Rating metrics hidden for anonymity. */
  suppressed: boolean;
  /** Answers rated 4–5, 3 and 1–2; null when hidden or there are none. */
  split: RatingSplit | null;
  metrics: MetricValues;
  lights: Record<DigestMetric, TrafficLight>;
  previous: { feedbackCount: number; suppressed: boolean; metrics: MetricValues };
  /** metrics − previous metrics; null when either is null. */
  change: MetricValues;
  /** Sub-themes of the meetings held, in meeting order. */
  subThemes: string[];
}

export interface DigestProposal {
  id: string;
  officeId: string;
  /** null when naming the segment of an anonymous author could identify them. */
  segment: string | null;
  level: ProposalLevel;
  text: string;
  justification: string | null;
  /** Status as of the digest cutoff. */
  status: ProposalStatus;
  createdAt: Instant;
  /** Last status change at or before the cutoff. */
  changedAt: Instant | null;
  anonymous: boolean;
  /** Never set for anonymous proposals. */
  author: { name: string; organisation: string } | null;
}

export interface RatingSummary {
  count: number;
  averageRating: number | null;
}

/** One meeting's or survey round's feedback requests sent in the period. */
export interface AskedRound {
  kind: 'meeting' | 'survey';
  /** The meeting id or survey round id. */
  ref: string;
  /** The meeting's sub-theme; null for a survey round. */
  subTheme: string | null;
  segments: string[];
  firstSentAt: Instant;
  /** Distinct partners asked, and how many of them answered. */
  asked: number;
  answered: number;
  rate: number;
}

export interface HistoryPoint {
  periodKey: string;
  responseRate: number | null;
  positiveShare: number | null;
}

export interface OfficeDigest {
  officeId: string;
  total: DigestRow;
  segments: DigestRow[];
  /** Meetings and survey rounds that asked for feedback in the period, oldest first. */
  rounds: AskedRound[];
  /** The office total over the last HISTORY_PERIODS periods, oldest first, this one last. */
  history: HistoryPoint[];
  /** National proposals of this office open at the cutoff. */
  openNationalProposals: number;
  localProposals: { counts: Record<ProposalStatus, number>; items: DigestProposal[] };
  /** Feedback the office gave to partner organisations. */
  officeFeedback: RatingSummary & { bySegment: (RatingSummary & { segment: string })[] };
}

export interface Digest {
  periodKey: string;
  previousPeriodKey: string;
  start: Instant;
  end: Instant;
  timeZone: string;
  generatedAt: Instant;
  anonymityMinimum: number;
  offices: OfficeDigest[];
  /** Open national proposals, and those created or changed in the period. */
  nationalProposals: DigestProposal[];
}

interface Tally {
  meetingsPlanned: number;
  meetingsHeld: number;
  invitations: number;
  accepted: number;
  invitedToHeld: number;
  attended: number;
  feedbackRequests: number;
  requestsAnswered: number;
  feedbackCount: number;
  ratingSum: number;
  positive: number;
  critical: number;
  respondents: Set<string>;
  suppressed: boolean;
}

interface RowTallies {
  segment: string | null;
  targetGroupSize: number;
  /** One per counted period, by slot: [this period, the one before, …]. */
  periods: Tally[];
  heldMeetings: Meeting[];
  officeFeedback: { count: number; ratingSum: number };
}

interface OfficeTallies {
  office: Office;
  total: RowTallies;
  segments: RowTallies[];
  /** segment → [total, segment row]: the rows a record of that segment counts in. */
  rowsBySegment: Map<string, RowTallies[]>;
  totalOnly: RowTallies[];
}

const OPEN = new Set<ProposalStatus>(['received', 'under-review', 'planned']);
const NO_ROWS: RowTallies[] = [];

function emptyTally(): Tally {
  return {
    meetingsPlanned: 0,
    meetingsHeld: 0,
    invitations: 0,
    accepted: 0,
    invitedToHeld: 0,
    attended: 0,
    feedbackRequests: 0,
    requestsAnswered: 0,
    feedbackCount: 0,
    ratingSum: 0,
    positive: 0,
    critical: 0,
    respondents: new Set(),
    suppressed: false,
  };
}

function emptyRow(segment: string | null, slots: number): RowTallies {
  return { segment, targetGroupSize: 0, periods: Array.from({ length: slots }, emptyTally), heldMeetings: [], officeFeedback: { count: 0, ratingSum: 0 } };
}

function officeTallies(office: Office, segments: string[], slots: number): OfficeTallies {
  const total = emptyRow(null, slots);
  const rows = segments.map((segment) => emptyRow(segment, slots));
  return {
    office,
    total,
    segments: rows,
    rowsBySegment: new Map(rows.map((row) => [row.segment as string, [total, row]])),
    totalOnly: [total],
  };
}

function parseInstant(value: Instant, what: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not an instant: ${value}`);
  return ms;
}

export function light(value: number | null, threshold: Threshold): TrafficLight {
  if (value === null) return 'none';
  const better = (a: number, b: number) => (threshold.higherIsBetter ? a >= b : a <= b);
  if (better(value, threshold.green)) return 'green';
  return better(value, threshold.yellow) ? 'yellow' : 'red';
}

/**
 * Hides rating metrics of rows with fewer answers than the minimum. A lone
 * hidden group could still be recovered as the office total minus the visible
 * segments, so the smallest visible segments are hidden too until the hidden
 * remainder reaches the minimum.
 */
function suppressSmallGroups(total: Tally, segments: Tally[], minimum: number): void {
  for (const tally of [total, ...segments]) tally.suppressed = tally.feedbackCount > 0 && tally.feedbackCount < minimum;
  const visible = segments.filter((t) => !t.suppressed && t.feedbackCount > 0).sort((a, b) => a.feedbackCount - b.feedbackCount);
  let hidden = total.feedbackCount - visible.reduce((sum, t) => sum + t.feedbackCount, 0);
  for (const tally of visible) {
    if (hidden === 0 || hidden >= minimum) break;
    tally.suppressed = true;
    hidden += tally.feedbackCount;
  }
}

function metricsOf(tally: Tally, targetGroupSize: number): MetricValues {
  const rated = tally.feedbackCount > 0 && !tally.suppressed;
  // A period in which nothing was held, asked or answered has no response rate (not 0 %), so no trend either.
  const asked = tally.meetingsHeld + tally.feedbackRequests + tally.feedbackCount > 0;
  return {
    responseRate: targetGroupSize > 0 && asked ? tally.respondents.size / targetGroupSize : null,
    attendanceRate: tally.invitedToHeld > 0 ? tally.attended / tally.invitedToHeld : null,
    averageRating: rated ? tally.ratingSum / tally.feedbackCount : null,
    positiveShare: rated ? tally.positive / tally.feedbackCount : null,
    criticalShare: rated ? tally.critical / tally.feedbackCount : null,
  };
}

function mapMetrics<T>(fn: (metric: DigestMetric) => T): Record<DigestMetric, T> {
  return Object.fromEntries(DIGEST_METRICS.map((m) => [m, fn(m)])) as Record<DigestMetric, T>;
}

function digestRow(officeId: string, row: RowTallies, thresholds: DigestThresholds): DigestRow {
  const [current, previous] = row.periods;
  const metrics = metricsOf(current, row.targetGroupSize);
  const previousMetrics = metricsOf(previous, row.targetGroupSize);
  return {
    officeId,
    segment: row.segment,
    meetingsPlanned: current.meetingsPlanned,
    meetingsHeld: current.meetingsHeld,
    invitations: current.invitations,
    accepted: current.accepted,
    invitedToHeld: current.invitedToHeld,
    attended: current.attended,
    feedbackRequests: current.feedbackRequests,
    requestsAnswered: current.requestsAnswered,
    targetGroupSize: row.targetGroupSize,
    respondents: current.respondents.size,
    feedbackCount: current.feedbackCount,
    suppressed: current.suppressed,
    split:
      metrics.positiveShare === null
        ? null
        : { positive: current.positive, neutral: current.feedbackCount - current.positive - current.critical, critical: current.critical },
    metrics,
    lights: mapMetrics((m) => light(metrics[m], thresholds[m])),
    previous: { feedbackCount: previous.feedbackCount, suppressed: previous.suppressed, metrics: previousMetrics },
    change: mapMetrics((m) => {
      const now = metrics[m];
      const before = previousMetrics[m];
      return now === null || before === null ? null : now - before;
    }),
    subThemes: [...new Set(row.heldMeetings.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt)).map((m) => m.subTheme))],
  };
}

function ratingSummary(sum: { count: number; ratingSum: number }): RatingSummary {
  return { count: sum.count, averageRating: sum.count > 0 ? sum.ratingSum / sum.count : null };
}

const historyPoint = (period: Period, metrics: MetricValues): HistoryPoint => ({
  periodKey: periodKey(period),
  responseRate: metrics.responseRate,
  positiveShare: metrics.positiveShare,
});

/** The periods a digest of `period` counts, this one first: its history's (HISTORY_PERIODS ≥ 2, so the previous period is among them). */
export function countedPeriods(period: Period): Period[] {
  const periods = [period];
  while (periods.length < HISTORY_PERIODS) periods.push(previousPeriod(periods[periods.length - 1]));
  return periods;
}

/** The digest of input.period, with each office's history over the periods before it. */
export function buildDigest(input: DigestInput): Digest {
  const periods = countedPeriods(input.period);
  const bounds = periodBounds(input.period, input.timeZone);
  const now = parseInstant(input.now, 'now');
  // By slot: where each counted period starts and is cut off. Each period ends where the later one starts.
  const starts = periods.map((period) => Date.parse(periodBounds(period, input.timeZone).start));
  const end = Date.parse(bounds.end);
  const cutoffs = [end, ...starts.slice(0, -1)].map((ms) => Math.min(ms, now));
  const start = starts[0];
  /** The slot of an instant's period; -1 outside the counted periods. */
  const slotOf = (ms: number): number => (ms < end ? starts.findIndex((periodStart) => ms >= periodStart) : -1);

  const offices = new Map(input.offices.map((office) => [office.id, officeTallies(office, input.segments, periods.length)]));
  const rowsOf = (officeId: string, segment: string | undefined): RowTallies[] => {
    const office = offices.get(officeId);
    if (!office) return NO_ROWS;
    const rows = segment === undefined ? undefined : office.rowsBySegment.get(segment);
    return rows ?? office.totalOnly;
  };
  const segmentRow = (officeId: string, segment: string) => offices.get(officeId)?.rowsBySegment.get(segment)?.[1];

  const partners = new Map(input.partners.map((p) => [p.id, p]));
  for (const partner of input.partners) {
    for (const row of rowsOf(partner.officeId, partner.segment)) row.targetGroupSize++;
  }

  const plannedMeetings = new Map<string, { slot: number; held: boolean; officeId: string }>();
  for (const meeting of input.meetings) {
    if (meeting.status === 'cancelled') continue;
    const office = offices.get(meeting.officeId);
    const slot = slotOf(Date.parse(meeting.startsAt));
    if (!office || slot === -1) continue;
    const held = Date.parse(meeting.endsAt) <= cutoffs[slot];
    plannedMeetings.set(meeting.id, { slot, held, officeId: meeting.officeId });
    const rows = [office.total];
    for (const segment of new Set(meeting.segments)) {
      const row = segmentRow(meeting.officeId, segment);
      if (row) rows.push(row);
    }
    for (const row of rows) {
      const tally = row.periods[slot];
      tally.meetingsPlanned++;
      if (!held) continue;
      tally.meetingsHeld++;
      if (slot === 0) row.heldMeetings.push(meeting);
    }
  }

  const attendanceRecorded = new Set<string>();
  for (const invitation of input.invitations) {
    if (invitation.attended !== undefined) attendanceRecorded.add(invitation.meetingId);
  }
  for (const invitation of input.invitations) {
    const meeting = plannedMeetings.get(invitation.meetingId);
    if (!meeting) continue;
    const attended = attendanceRecorded.has(invitation.meetingId) ? invitation.attended === true : invitation.rsvp === 'accepted';
    for (const row of rowsOf(meeting.officeId, partners.get(invitation.partnerId)?.segment)) {
      const tally = row.periods[meeting.slot];
      tally.invitations++;
      if (invitation.rsvp === 'accepted') tally.accepted++;
      if (!meeting.held) continue;
      tally.invitedToHeld++;
      if (attended) tally.attended++;
    }
  }

  const rounds = new Map<string, RoundTally>();
  const meetingsById = new Map(input.meetings.map((m) => [m.id, m]));
  for (const request of input.feedbackRequests) {
    const sentAt = Date.parse(request.sentAt);
    const slot = slotOf(sentAt);
    if (slot === -1) continue;
    if (slot === 0 && offices.has(request.officeId)) countRound(rounds, request, sentAt, meetingsById);
    for (const row of rowsOf(request.officeId, request.segment)) {
      const tally = row.periods[slot];
      tally.feedbackRequests++;
      if (request.status === 'answered') tally.requestsAnswered++;
    }
  }

  const anonymousFeedback = new Set<string>();
  for (const feedback of input.feedback) {
    if (feedback.anonymous) anonymousFeedback.add(feedback.id);
    const slot = slotOf(Date.parse(feedback.submittedAt));
    if (slot === -1) continue;
    const partner = partners.get(feedback.partnerId);
    const inOffice = partner?.officeId === feedback.officeId;
    for (const row of rowsOf(feedback.officeId, feedback.segment)) {
      const tally = row.periods[slot];
      tally.feedbackCount++;
      tally.ratingSum += feedback.rating;
      if (feedback.rating >= 4) tally.positive++;
      else if (feedback.rating <= 2) tally.critical++;
      if (inOffice && (row.segment === null || partner?.segment === row.segment)) tally.respondents.add(feedback.partnerId);
    }
  }

  for (const given of input.officeFeedback) {
    if (slotOf(Date.parse(given.givenAt)) !== 0) continue;
    for (const row of rowsOf(given.officeId, given.segment)) {
      row.officeFeedback.count++;
      row.officeFeedback.ratingSum += given.rating;
    }
  }

  for (const office of offices.values()) {
    for (let slot = 0; slot < periods.length; slot++) {
      suppressSmallGroups(office.total.periods[slot], office.segments.map((row) => row.periods[slot]), input.anonymityMinimum);
    }
  }

  const proposals = selectProposals(input, {
    start,
    cutoff: cutoffs[0],
    partners,
    anonymousFeedback,
    groupSize: (officeId, segment) => segmentRow(officeId, segment)?.targetGroupSize ?? 0,
  });
  const localProposals = new Map<string, DigestProposal[]>(input.offices.map((office) => [office.id, []]));
  const openNational = new Map<string, number>();
  for (const proposal of proposals) {
    if (proposal.level === 'local') localProposals.get(proposal.officeId)?.push(proposal);
    else if (OPEN.has(proposal.status)) openNational.set(proposal.officeId, (openNational.get(proposal.officeId) ?? 0) + 1);
  }
  const roundsByOffice = askedRounds(rounds);

  return {
    periodKey: periodKey(input.period),
    previousPeriodKey: periodKey(periods[1]),
    start: bounds.start,
    end: bounds.end,
    timeZone: input.timeZone,
    generatedAt: input.now,
    anonymityMinimum: input.anonymityMinimum,
    offices: [...offices.values()].map(({ office, total, segments }) => {
      const local = localProposals.get(office.id) ?? [];
      const counts = Object.fromEntries(PROPOSAL_STATUSES.map((s) => [s, 0])) as Record<ProposalStatus, number>;
      for (const proposal of local) counts[proposal.status]++;
      return {
        officeId: office.id,
        total: digestRow(office.id, total, input.thresholds),
        segments: segments.map((row) => digestRow(office.id, row, input.thresholds)),
        rounds: roundsByOffice.get(office.id) ?? [],
        // Oldest first: slots count back from this period.
        history: periods.map((period, slot) => historyPoint(period, metricsOf(total.periods[slot], total.targetGroupSize))).reverse(),
        openNationalProposals: openNational.get(office.id) ?? 0,
        localProposals: { counts, items: local },
        officeFeedback: {
          ...ratingSummary(total.officeFeedback),
          bySegment: segments.map((row) => ({ segment: row.segment as string, ...ratingSummary(row.officeFeedback) })),
        },
      };
    }),
    nationalProposals: proposals.filter((p) => p.level === 'national'),
  };
}

interface RoundTally {
  officeId: string;
  round: Omit<AskedRound, 'asked' | 'answered' | 'rate' | 'segments'>;
  /** round.firstSentAt in ms. */
  firstSent: number;
  segments: Set<string>;
  asked: Set<string>;
  answered: Set<string>;
}

function countRound(rounds: Map<string, RoundTally>, request: FeedbackRequest, sentAt: number, meetings: Map<string, Meeting>): void {
  const ref = request.meetingId ?? request.surveyRoundId;
  if (ref === undefined) return;
  const kind = request.meetingId !== undefined ? 'meeting' : 'survey';
  const key = `${request.officeId}\u0000${kind}\u0000${ref}`;
  let tally = rounds.get(key);
  if (!tally) {
    const subTheme = kind === 'meeting' ? (meetings.get(ref)?.subTheme ?? null) : null;
    tally = { officeId: request.officeId, round: { kind, ref, subTheme, firstSentAt: request.sentAt }, firstSent: sentAt, segments: new Set(), asked: new Set(), answered: new Set() };
    rounds.set(key, tally);
  }
  if (sentAt < tally.firstSent) {
    tally.round.firstSentAt = request.sentAt;
    tally.firstSent = sentAt;
  }
  tally.segments.add(request.segment);
  tally.asked.add(request.partnerId);
  if (request.status === 'answered') tally.answered.add(request.partnerId);
}

/** The asked rounds of each office, oldest first. */
function askedRounds(rounds: Map<string, RoundTally>): Map<string, AskedRound[]> {
  const byOffice = new Map<string, AskedRound[]>();
  for (const { officeId, round, segments, asked, answered } of rounds.values()) {
    const list = byOffice.get(officeId) ?? [];
    list.push({ ...round, segments: [...segments], asked: asked.size, answered: answered.size, rate: answered.size / asked.size });
    byOffice.set(officeId, list);
  }
  for (const list of byOffice.values()) list.sort((a, b) => Date.parse(a.firstSentAt) - Date.parse(b.firstSentAt));
  return byOffice;
}

function statusAt(proposal: Proposal, cutoff: number): { status: ProposalStatus; changedAt: Instant | null } {
  let last: { status: ProposalStatus; at: Instant; ms: number } | null = null;
  for (const change of proposal.history) {
    const ms = Date.parse(change.at);
    if (ms < cutoff && (last === null || ms >= last.ms)) last = { status: change.status, at: change.at, ms };
  }
  if (last) return { status: last.status, changedAt: last.at };
  // Every recorded change came later, so at the cutoff it was as first received.
  return { status: proposal.history.length > 0 ? 'received' : proposal.status, changedAt: null };
}

/** Proposals open at the cutoff or created or changed in the period, by office order then age. */
function selectProposals(
  input: DigestInput,
  context: {
    start: number;
    cutoff: number;
    partners: Map<string, Partner>;
    anonymousFeedback: Set<string>;
    groupSize: (officeId: string, segment: string) => number;
  },
): DigestProposal[] {
  const { start, cutoff, partners, anonymousFeedback, groupSize } = context;
  const officeOrder = new Map(input.offices.map((office, i) => [office.id, i]));
  const selected: { order: number; created: number; proposal: DigestProposal }[] = [];
  for (const proposal of input.proposals) {
    const order = officeOrder.get(proposal.officeId);
    const created = Date.parse(proposal.createdAt);
    if (order === undefined || !(created < cutoff)) continue;
    const { status, changedAt } = statusAt(proposal, cutoff);
    const recent = created >= start || (changedAt !== null && Date.parse(changedAt) >= start);
    if (!OPEN.has(status) && !recent) continue;
    const anonymous = proposal.anonymous || anonymousFeedback.has(proposal.feedbackId);
    const author = anonymous ? undefined : partners.get(proposal.authorPartnerId);
    selected.push({
      order,
      created,
      proposal: {
        id: proposal.id,
        officeId: proposal.officeId,
        segment: anonymous && groupSize(proposal.officeId, proposal.segment) < input.anonymityMinimum ? null : proposal.segment,
        level: proposal.level,
        text: proposal.text,
        justification: proposal.justification ?? null,
        status,
        createdAt: proposal.createdAt,
        changedAt,
        anonymous,
        author: author ? { name: author.name, organisation: author.organisation } : null,
      },
    });
  }
  return selected.sort((a, b) => a.order - b.order || a.created - b.created).map((s) => s.proposal);
}
