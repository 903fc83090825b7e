// Yearly meeting planning: which days are blocked, and dates spread over the
// year at a fixed local time in the office's time zone.
import { DateTime } from 'luxon';
import { isFinnishPublicHoliday } from './holidays.js';
import type { Instant } from './types.js';

export type BlockedReason = 'weekend' | 'holiday' | 'july' | 'christmas';
export type MeetingDateProblem = 'invalid' | 'out-of-year' | BlockedReason;

export interface ProposedSlot {
  /** yyyy-MM-dd in the office time zone. */
  localDate: string;
  startsAt: Instant;
  endsAt: Instant;
}

export interface ProposeInput {
  year: number;
  count: number;
  /** ISO weekday, 1 = Monday … 5 = Friday. */
  weekday: number;
  /** Local start time "HH:mm". */
  time: string;
  durationMinutes: number;
  /** IANA zone of the office. */
  timeZone: string;
  /** No meeting starts at or before this instant (typically "now"). */
  notBefore?: Instant;
}

/** Thrown when fewer dates are available than meetings requested; `slots` holds every date that fits. */
export class PlanningError extends Error {
  constructor(
    readonly code: 'too-many-meetings',
    readonly params: { requested: number; available: number },
    readonly slots: ProposedSlot[],
  ) {
    super(`${code}: ${params.requested} meetings requested, ${params.available} dates available`);
    this.name = 'PlanningError';
  }
}

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

function calendarDay(localDate: string): DateTime | null {
  if (!LOCAL_DATE.test(localDate)) return null;
  const day = DateTime.fromISO(localDate, { zone: 'utc' });
  return day.isValid ? day : null;
}

function isoDate(day: DateTime): string {
  return day.toFormat('yyyy-MM-dd');
}

// The Finnish summer holiday season is the whole of July; the Christmas week
// runs from Christmas Eve (24 Dec) to New Year's Day (1 Jan) inclusive.
function seasonReason(day: DateTime): 'july' | 'christmas' | null {
  if ((day.month === 12 && day.day >= 24) || (day.month === 1 && day.day === 1)) return 'christmas';
  return day.month === 7 ? 'july' : null;
}

function reasonFor(day: DateTime): BlockedReason | null {
  if (isFinnishPublicHoliday(isoDate(day))) return 'holiday';
  if (day.weekday > 5) return 'weekend';
  return seasonReason(day);
}

/** Why no meeting can be held on the local date (yyyy-MM-dd), or null when it can. */
export function blockedReason(localDate: string): BlockedReason | null {
  const day = calendarDay(localDate);
  if (!day) throw new RangeError(`Not a date: ${localDate}`);
  return reasonFor(day);
}

/** Checks a date a coordinator typed in; `year` additionally requires the plan year. */
export function validateMeetingDate(localDate: string, year?: number): MeetingDateProblem | null {
  const day = calendarDay(localDate);
  if (!day) return 'invalid';
  if (year !== undefined && day.year !== year) return 'out-of-year';
  return reasonFor(day);
}

/** The instant of a local wall-clock time in the zone (13:00 stays 13:00 across DST). */
export function localToInstant(localDate: string, time: string, timeZone: string): Instant {
  const iso = DateTime.fromISO(`${localDate}T${time}`, { zone: timeZone }).toUTC().toISO();
  if (iso === null) throw new RangeError(`Invalid local time ${localDate} ${time} in ${timeZone}`);
  return iso;
}

export function instantToLocal(instant: Instant, timeZone: string): { date: string; time: string } {
  const local = DateTime.fromISO(instant, { zone: 'utc' }).setZone(timeZone);
  if (!local.isValid) throw new RangeError(`Invalid instant ${instant} or zone ${timeZone}`);
  return { date: isoDate(local), time: local.toFormat('HH:mm') };
}

export function meetingSlot(localDate: string, time: string, durationMinutes: number, timeZone: string): ProposedSlot {
  const startsAt = localToInstant(localDate, time, timeZone);
  const endsAt = DateTime.fromISO(startsAt, { zone: 'utc' }).plus({ minutes: durationMinutes }).toISO() as Instant;
  return { localDate, startsAt, endsAt };
}

/**
 * Proposes `count` dates on the preferred weekday. The usable part of the year
 * (from notBefore, without July and the Christmas week) is cut into `count`
 * equal windows; each window gets the free allowed date nearest its centre.
 */
export function proposeMeetingDates(input: ProposeInput): ProposedSlot[] {
  const { year, count, weekday, time, durationMinutes, timeZone, notBefore } = input;
  const notBeforeMs = notBefore === undefined ? undefined : DateTime.fromISO(notBefore).toMillis();
  let first: DateTime = DateTime.utc(year, 1, 1);
  if (notBefore !== undefined) {
    const notBeforeDay = calendarDay(instantToLocal(notBefore, timeZone).date);
    if (notBeforeDay && notBeforeDay > first) first = notBeforeDay;
  }

  // Positions count usable days only, so July and Christmas do not stretch the gaps.
  const usableDays: DateTime[] = [];
  for (let day = first; day.year === year; day = day.plus({ days: 1 })) {
    if (!seasonReason(day)) usableDays.push(day);
  }
  const candidates: { position: number; slot: ProposedSlot }[] = [];
  usableDays.forEach((day, position) => {
    if (day.weekday !== weekday || reasonFor(day)) return;
    const slot = meetingSlot(isoDate(day), time, durationMinutes, timeZone);
    if (notBeforeMs === undefined || DateTime.fromISO(slot.startsAt).toMillis() > notBeforeMs) {
      candidates.push({ position, slot });
    }
  });
  if (candidates.length < count) {
    throw new PlanningError(
      'too-many-meetings',
      { requested: count, available: candidates.length },
      candidates.map((c) => c.slot),
    );
  }

  const picked = new Set<(typeof candidates)[number]>();
  for (let window = 0; window < count; window++) {
    const start = Math.floor((window * usableDays.length) / count);
    const end = Math.floor(((window + 1) * usableDays.length) / count);
    const centre = (start + end - 1) / 2;
    // Nearest to the centre: inside the window when possible, else the nearest free date outside it.
    let best: (typeof candidates)[number] | undefined;
    for (const c of candidates) {
      if (!picked.has(c) && (!best || Math.abs(c.position - centre) < Math.abs(best.position - centre))) best = c;
    }
    picked.add(best!);
  }
  return candidates.filter((c) => picked.has(c)).map((c) => c.slot);
}
