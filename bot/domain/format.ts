// Meeting times as users read them, in the office's time zone and the user's language.
import { DateTime } from 'luxon';
import type { Instant, Locale } from './types.js';

const DATE_TIME: Record<Locale, string> = {
  fi: "ccc d.M.yyyy 'klo' HH.mm",
  sv: "ccc d.M.yyyy 'kl.' HH.mm",
  en: 'ccc d LLL yyyy HH:mm',
};

const CLOCK: Record<Locale, string> = { fi: 'HH.mm', sv: 'HH.mm', en: 'HH:mm' };

function local(instant: Instant, timeZone: string, locale: Locale): DateTime {
  const time = DateTime.fromISO(instant, { zone: 'utc' }).setZone(timeZone).setLocale(locale);
  if (!time.isValid) throw new RangeError(`Invalid instant ${instant} or zone ${timeZone}`);
  return time;
}

/** fi "ti 2.3.2027 klo 13.00", sv "tis 2.3.2027 kl. 13.00", en "Tue 2 Mar 2027 13:00". */
export function formatMeetingTime(instant: Instant, timeZone: string, locale: Locale): string {
  return local(instant, timeZone, locale).toFormat(DATE_TIME[locale]);
}

/** The wall-clock time only: fi and sv "15.00", en "15:00". */
export function formatClockTime(instant: Instant, timeZone: string, locale: Locale): string {
  return local(instant, timeZone, locale).toFormat(CLOCK[locale]);
}

/** A wall-clock "HH:mm" as written in the language: fi and sv "13.00", en "13:00". */
export function formatLocalTime(time: string, locale: Locale): string {
  return locale === 'en' ? time : time.replace(':', '.');
}

/** "ti 2.3.2027 klo 13.00–15.00" */
export function formatMeetingSpan(startsAt: Instant, endsAt: Instant, timeZone: string, locale: Locale): string {
  return `${formatMeetingTime(startsAt, timeZone, locale)}–${formatClockTime(endsAt, timeZone, locale)}`;
}

/** Text cut to `max` characters with an ellipsis: how lists on cards keep long user text within a card's size. */
export const clipText = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
