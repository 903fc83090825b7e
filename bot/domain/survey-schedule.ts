// When a periodic survey's rounds are due: the first at SURVEY_HOUR:00 (office
// time) after the survey was scheduled, then one cadence interval after the
// first, two after it, … Rounds follow the survey's own start, not calendar
// periods, so a survey scheduled at the end of a quarter does not get a
// second round the next day. Times are local, so 07:00 stays 07:00 across DST.
import { DateTime } from 'luxon';
import type { Instant, SurveyCadence } from './types.js';

/** The local hour at which survey rounds go out. */
export const SURVEY_HOUR = 7;

const INTERVAL_MONTHS: Record<SurveyCadence, number> = { monthly: 1, quarterly: 3, yearly: 12 };

/** The first SURVEY_HOUR:00 in the office's time zone after the survey was scheduled. */
export function firstRoundAt(createdAt: Instant, timeZone: string): DateTime {
  const created = DateTime.fromISO(createdAt, { zone: timeZone });
  if (!created.isValid) throw new RangeError(`Not an instant in a known time zone: ${createdAt} (${timeZone})`);
  const sameDay = created.set({ hour: SURVEY_HOUR, minute: 0, second: 0, millisecond: 0 });
  return sameDay > created ? sameDay : sameDay.plus({ days: 1 });
}

/** The time of round `n` (0 = the first); counted from the first so month ends do not drift (31.1. → 28.2. → 31.3.). */
function roundAt(first: DateTime, cadence: SurveyCadence, n: number): DateTime {
  return first.plus({ months: INTERVAL_MONTHS[cadence] * n });
}

/** The latest round time at or before `now`; null before the first round is due. */
export function dueRoundAt(createdAt: Instant, cadence: SurveyCadence, timeZone: string, now: Date): DateTime | null {
  const first = firstRoundAt(createdAt, timeZone);
  if (first.toMillis() > now.getTime()) return null;
  let n = 0;
  while (roundAt(first, cadence, n + 1).toMillis() <= now.getTime()) n++;
  return roundAt(first, cadence, n);
}
