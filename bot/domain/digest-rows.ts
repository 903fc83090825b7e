// Digest stage 2, the rows: an office's tallies turned into its total and
// segment rows (figures, metrics with traffic lights and the change from the
// period before), its history and its office → partner feedback; and the
// asked rounds (meetings and survey rounds) with their response rates.
import type { OfficeTallies, RoundTally, RowTallies, Tally } from './digest-tally.js';
import {
  DIGEST_METRICS,
  rowCounts,
  type AskedRound,
  type DigestMetric,
  type DigestRow,
  type DigestThresholds,
  type HistoryPoint,
  type MetricValues,
  type OfficeDigest,
  type RatingSummary,
  type Threshold,
  type TrafficLight,
} from './digest-types.js';
import { periodKey, type Period } from './periods.js';

export type OfficeRows = Pick<OfficeDigest, 'total' | 'segments' | 'history' | 'officeFeedback'>;

/** The office's rows; `periods` are the counted periods by slot. */
export function officeRows(office: OfficeTallies, periods: Period[], thresholds: DigestThresholds): OfficeRows {
  const { office: { id }, total, segments } = office;
  return {
    total: digestRow(id, total, thresholds),
    segments: segments.map((row) => digestRow(id, row, thresholds)),
    // Oldest first: slots count back from this period.
    history: periods.map((period, slot) => historyPoint(period, metricsOf(total.periods[slot], total.targetGroupSize))).reverse(),
    officeFeedback: {
      ...ratingSummary(total.officeFeedback),
      bySegment: segments.map((row) => ({ segment: row.segment as string, ...ratingSummary(row.officeFeedback) })),
    },
  };
}

/** The asked rounds of each office, oldest first. */
export function askedRounds(rounds: Map<string, RoundTally>): Map<string, AskedRound[]> {
  const byOffice = new Map<string, AskedRound[]>();
  for (const { officeId, round, segments, asked, answered } of rounds.values()) {
    const list = byOffice.get(officeId) ?? [];
    list.push({ ...round, segments: [...segments], asked: asked.size, answered: answered.size, rate: answered.size / asked.size });
    byOffice.set(officeId, list);
  }
  for (const list of byOffice.values()) list.sort((a, b) => Date.parse(a.firstSentAt) - Date.parse(b.firstSentAt));
  return byOffice;
}

export function light(value: number | null, threshold: Threshold): TrafficLight {
  if (value === null) return 'none';
  const better = (a: number, b: number) => (threshold.higherIsBetter ? a >= b : a <= b);
  if (better(value, threshold.green)) return 'green';
  return better(value, threshold.yellow) ? 'yellow' : 'red';
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
    ...rowCounts((count) => current[count]),
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
