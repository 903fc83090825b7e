// Finnish holidays on which no meeting is planned, from the maintained
// date-holidays data set (country "FI").
import Holidays from 'date-holidays';
import type { Locale } from './types.js';

// date-holidays types Midsummer Eve (juhannusaatto) and Christmas Eve as "bank"
// holidays, not "public" ones, but in Finland both are de-facto days off and
// offices are closed, so they block meetings too. They are picked by their
// date-holidays rule. New Year's Eve, also "bank", is an ordinary working day
// (it falls in the Christmas week, which the scheduler blocks anyway).
const DE_FACTO_DAYS_OFF = new Set(['friday after 06-19', '12-24']);

const LOCAL_DATE = /^(\d{4})-\d{2}-\d{2}$/;

let finland: Holidays | undefined;
/** `${year}:${locale}` → local date → holiday name */
const cache = new Map<string, Map<string, string>>();

function holidaysOf(localDate: string, locale: Locale): Map<string, string> | undefined {
  const year = LOCAL_DATE.exec(localDate)?.[1];
  if (year === undefined) return undefined;
  const key = `${year}:${locale}`;
  let names = cache.get(key);
  if (!names) {
    finland ??= new Holidays('FI');
    names = new Map(
      finland
        .getHolidays(Number(year), locale)
        .filter((h) => h.type === 'public' || DE_FACTO_DAYS_OFF.has(h.rule))
        .map((h) => [h.date.slice(0, 10), h.name]),
    );
    cache.set(key, names);
  }
  return names;
}

/** True when the local date (yyyy-MM-dd) is a Finnish public holiday or de-facto day off. */
export function isFinnishPublicHoliday(localDate: string): boolean {
  return holidaysOf(localDate, 'fi')?.has(localDate) ?? false;
}

/** The holiday's name in the given language, or null when the date is no holiday. */
export function holidayName(localDate: string, locale: Locale): string | null {
  return holidaysOf(localDate, locale)?.get(localDate) ?? null;
}
