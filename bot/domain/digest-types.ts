// What a digest is made of: its input, its rows, proposals and asked rounds.
// Shared by the stages (digest-tally, digest-rows, digest-proposals) and
// re-exported from digest.ts, where buildDigest composes them.
import type { Period } from './periods.js';
import type { Instant, Office, Partner, PartnerCount, ProposalLevel, ProposalStatus, YearRecords } from './types.js';

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

/** The kinds of year records a digest counts. */
export type DigestRecords = Pick<YearRecords, 'meetings' | 'invitations' | 'feedbackRequests' | 'feedback' | 'proposals' | 'officeFeedback'>;

export interface DigestInput extends DigestRecords {
  period: Period;
  timeZone: string;
  now: Instant;
  offices: Office[];
  segments: string[];
  /** The target groups: partners registered now per office and segment. */
  targetGroups: PartnerCount[];
  /**
   * The registered partners the records refer to (invitees, feedback givers,
   * proposal authors), at least; a record whose partner is not here counts as
   * one whose partner left the register.
   */
  partners: Partner[];
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

/**
 * The counts a row shows as its period's tally (digest-tally.ts) counted them:
 * meetings planned and held; invitations to planned meetings and how many were
 * accepted; invitations to held meetings and how many of those invitees
 * attended; feedback requests and how many were answered.
 */
export const ROW_COUNTS = [
  'meetingsPlanned',
  'meetingsHeld',
  'invitations',
  'accepted',
  'invitedToHeld',
  'attended',
  'feedbackRequests',
  'requestsAnswered',
] as const;
export type RowCount = (typeof ROW_COUNTS)[number];
export type RowCounts = Record<RowCount, number>;

/** Every row count, each as `value` gives it. */
export const rowCounts = (value: (count: RowCount) => number): RowCounts =>
  Object.fromEntries(ROW_COUNTS.map((count) => [count, value(count)])) as RowCounts;

export interface DigestRow extends RowCounts {
  officeId: string;
  /** null on the office total row. */
  segment: string | null;
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
