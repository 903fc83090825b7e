// The digest's labels: English defaults, the translator over the caller's
// (already translated) labels, and the names of offices and segments, which
// come with the labels as "office.<id>" and "segment.<id>".
import type { DigestRow } from './digest.js';

export const DIGEST_LABELS_EN = {
  locale: 'en',
  title: 'Stakeholder feedback digest',
  period: 'Period',
  generated: 'Generated',
  office: 'Office',
  segment: 'Segment',
  allSegments: 'All segments',
  keyFigures: 'Key figures',
  meetingsPlanned: 'Meetings planned',
  meetingsHeld: 'Meetings held',
  invitations: 'Invitations',
  accepted: 'Accepted',
  invitedToHeld: 'Invited to held meetings',
  attended: 'Attended',
  feedbackRequests: 'Feedback requests',
  requestsAnswered: 'Requests answered',
  targetGroupSize: 'Target group',
  respondents: 'Respondents',
  feedbackCount: 'Feedback answers',
  responseRate: 'Response rate',
  attendanceRate: 'Attendance rate',
  averageRating: 'Average rating',
  positiveShare: 'Positive (4–5)',
  criticalShare: 'Critical (1–2)',
  previous: 'Previous period',
  change: 'Change',
  status: 'Status',
  'light.green': 'Good',
  'light.yellow': 'Watch',
  'light.red': 'Needs attention',
  'light.none': 'No data',
  percentagePoints: 'pp',
  hidden: 'hidden',
  suppressed: 'Rating figures are hidden for anonymity: fewer than {minimum} answers in this group, or showing it would reveal a smaller group.',
  previousSuppressed: 'Previous period rating figures are hidden for anonymity.',
  note: 'Note',
  subThemes: 'Sub-themes discussed',
  none: 'None.',
  nationalProposals: 'Proposals needing a national decision',
  localProposals: 'Local proposals',
  proposal: 'Proposal',
  justification: 'Justification',
  author: 'Proposed by',
  anonymous: 'Anonymous',
  receivedOn: 'Received on',
  'status.received': 'Received',
  'status.under-review': 'Under review',
  'status.planned': 'Planned',
  'status.done': 'Done',
  'status.declined': 'Declined',
  officeFeedback: 'Office feedback to partners',
  count: 'Count',
  neutral: 'Neutral (3)',
  answerSplit: 'Answers this period',
  trend: 'Response rate and positive share, last {count} periods',
  officesSideBySide: 'Offices side by side',
  openNationalProposals: 'Open national proposals',
  responseRateRegister: 'Response rate over the whole register',
  responseRateNote:
    'The office response rate counts the partners who gave feedback against every partner in the office register, also segments not asked this period. The rates by segment and by meeting or survey count only those segments and the partners asked.',
  askedRounds: 'Answered by those asked',
  meeting: 'Meeting',
  survey: 'Survey',
  answeredOfAsked: 'answered / asked',
  askedOn: 'Asked on',
  chartTable: 'The figures of the chart',
} as const;

export type DigestLabelKey = keyof typeof DIGEST_LABELS_EN;
export const DIGEST_LABEL_KEYS = Object.keys(DIGEST_LABELS_EN) as DigestLabelKey[];

export type Labels = Readonly<Record<string, string>>;
export type Translate = (key: DigestLabelKey, params?: Record<string, string | number>) => string;

export function translator(labels: Labels): Translate {
  return (key, params = {}) =>
    (labels[key] ?? DIGEST_LABELS_EN[key]).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Office names come with the labels, in the reader's language (see digestLabels). */
export const officeName = (labels: Labels, officeId: string) => labels[`office.${officeId}`] ?? officeId;

export const segmentName = (labels: Labels, segment: string | null, t: Translate) =>
  segment === null ? t('allSegments') : (labels[`segment.${segment}`] ?? segment);

/** Why figures of the row (or of its previous period) are hidden, if they are. */
export function notes(row: DigestRow, minimum: number, t: Translate): string[] {
  return [row.suppressed ? t('suppressed', { minimum }) : '', row.previous.suppressed ? t('previousSuppressed') : ''].filter(Boolean);
}
