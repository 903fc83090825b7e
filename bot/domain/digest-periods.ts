// The periods a digest counts: its own and the ones before it that its history
// charts, each by slot (0 = the digest's period, 1 = the one before, …) with
// where it starts and where it is cut off.
import { HISTORY_PERIODS, type DigestInput } from './digest-types.js';
import { periodBounds, previousPeriod, type Period } from './periods.js';
import type { Instant } from './types.js';

/** The counted periods and, by slot, where each starts and is cut off (in ms). */
export interface PeriodSlots {
  periods: Period[];
  /** The digest period's bounds. */
  bounds: { start: Instant; end: Instant };
  starts: number[];
  /** The earlier of the period's end and now. */
  cutoffs: number[];
  /** The end of the digest's period, the latest counted. */
  end: number;
}

/** The periods a digest of `period` counts, this one first: its history's (HISTORY_PERIODS ≥ 2, so the previous period is among them). */
export function countedPeriods(period: Period): Period[] {
  const periods = [period];
  while (periods.length < HISTORY_PERIODS) periods.push(previousPeriod(periods[periods.length - 1]));
  return periods;
}

export function periodSlots(input: Pick<DigestInput, 'period' | 'timeZone' | 'now'>): PeriodSlots {
  const periods = countedPeriods(input.period);
  const bounds = periodBounds(input.period, input.timeZone);
  const now = parseInstant(input.now, 'now');
  const starts = periods.map((period) => Date.parse(periodBounds(period, input.timeZone).start));
  const end = Date.parse(bounds.end);
  // Each period ends where the later one starts.
  const cutoffs = [end, ...starts.slice(0, -1)].map((ms) => Math.min(ms, now));
  return { periods, bounds, starts, cutoffs, end };
}

function parseInstant(value: Instant, what: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not an instant: ${value}`);
  return ms;
}

/** The slot of an instant's period; -1 outside the counted periods. */
export function slotOf(slots: PeriodSlots, ms: number): number {
  return ms < slots.end ? slots.starts.findIndex((periodStart) => ms >= periodStart) : -1;
}
