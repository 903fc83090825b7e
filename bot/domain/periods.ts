// Reporting periods of the digest: ISO weeks, months and quarters, keyed
// "2027-W05", "2027-03" and "2027-Q1". Bounds are local midnights in a time
// zone, so a period is as long as the calendar says, DST included.
import { DateTime } from 'luxon';
import type { Instant } from './types.js';

export const PERIOD_KINDS = ['week', 'month', 'quarter'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** `year` is the ISO week-year for weeks; `index` is the week (1–53), month (1–12) or quarter (1–4). */
export interface Period {
  kind: PeriodKind;
  year: number;
  index: number;
}

const KEY = /^(\d{4})-(?:W(\d{2})|(\d{2})|Q(\d))$/;

const LENGTH = { week: { weeks: 1 }, month: { months: 1 }, quarter: { months: 3 } } as const;

function periodsInYear(kind: PeriodKind, year: number): number {
  if (kind === 'month') return 12;
  if (kind === 'quarter') return 4;
  return DateTime.fromObject({ weekYear: year, weekNumber: 1 }, { zone: 'utc' }).weeksInWeekYear;
}

export function periodKey(period: Period): string {
  const year = String(period.year).padStart(4, '0');
  const index = String(period.index).padStart(2, '0');
  if (period.kind === 'week') return `${year}-W${index}`;
  if (period.kind === 'month') return `${year}-${index}`;
  return `${year}-Q${period.index}`;
}

/** The period of a key such as "2027-W05", "2027-03" or "2027-Q1"; null when the key is malformed or names no real period. */
export function parsePeriodKey(key: string): Period | null {
  const match = KEY.exec(key);
  if (!match) return null;
  const [, yearText, week, month, quarter] = match;
  const year = Number(yearText);
  const period: Period =
    week !== undefined
      ? { kind: 'week', year, index: Number(week) }
      : month !== undefined
        ? { kind: 'month', year, index: Number(month) }
        : { kind: 'quarter', year, index: Number(quarter) };
  const valid = year >= 1 && period.index >= 1 && period.index <= periodsInYear(period.kind, year);
  return valid ? period : null;
}

export function periodContaining(instant: Instant, kind: PeriodKind, timeZone: string): Period {
  const local = DateTime.fromISO(instant, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`Not an instant in a known time zone: ${instant} (${timeZone})`);
  if (kind === 'week') return { kind, year: local.weekYear, index: local.weekNumber };
  return { kind, year: local.year, index: kind === 'month' ? local.month : local.quarter };
}

export function previousPeriod(period: Period): Period {
  if (period.index > 1) return { ...period, index: period.index - 1 };
  const year = period.year - 1;
  return { kind: period.kind, year, index: periodsInYear(period.kind, year) };
}

/** The first day of the period as a plain calendar date (UTC stands in for "no zone"). */
function firstDay(period: Period): DateTime {
  if (period.kind === 'week') {
    return DateTime.fromObject({ weekYear: period.year, weekNumber: period.index, weekday: 1 }, { zone: 'utc' });
  }
  const month = period.kind === 'month' ? period.index : (period.index - 1) * 3 + 1;
  return DateTime.fromObject({ year: period.year, month, day: 1 }, { zone: 'utc' });
}

function localMidnight(date: DateTime, timeZone: string): Instant {
  const midnight = DateTime.fromObject({ year: date.year, month: date.month, day: date.day }, { zone: timeZone });
  const iso = midnight.isValid ? midnight.toUTC().toISO() : null;
  if (iso === null) throw new RangeError(`Unknown time zone: ${timeZone}`);
  return iso;
}

/** Start (inclusive) and end (exclusive): local midnights in the time zone. */
export function periodBounds(period: Period, timeZone: string): { start: Instant; end: Instant } {
  const first = firstDay(period);
  if (!first.isValid) throw new RangeError(`No such period: ${periodKey(period)}`);
  return {
    start: localMidnight(first, timeZone),
    end: localMidnight(first.plus(LENGTH[period.kind]), timeZone),
  };
}

/** The latest period that has ended by `now`: on Monday 08:00 the week, month or quarter just gone. */
export function lastCompletedPeriod(now: Instant, kind: PeriodKind, timeZone: string): Period {
  return previousPeriod(periodContaining(now, kind, timeZone));
}
