// iCalendar invites (RFC 5545 / iTIP RFC 5546) for a meeting: REQUEST for a
// new or changed meeting, CANCEL when it is called off.
import ical, {
  foldLines,
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';
import { DateTime, IANAZone } from 'luxon';
import { officeName } from '../domain/office-name.js';
import type { Locale, Meeting, Office, Rsvp } from '../domain/types.js';

export type InviteMethod = 'REQUEST' | 'CANCEL';

export interface InviteInput {
  method: InviteMethod;
  meeting: Meeting;
  theme: string;
  office: Office;
  attendees: { name: string; email: string; rsvp: Rsvp }[];
  /** Language of the localized texts; written as LANGUAGE on SUMMARY and DESCRIPTION. */
  locale: Locale;
  texts: {
    /** Put before the summary with a space, e.g. "Cancelled:". */
    summaryPrefix?: string;
    descriptionLines: string[];
  };
  now: Date;
}

const PARTSTAT: Record<Rsvp, ICalAttendeeStatus> = {
  'needs-action': ICalAttendeeStatus.NEEDSACTION,
  accepted: ICalAttendeeStatus.ACCEPTED,
  tentative: ICalAttendeeStatus.TENTATIVE,
  declined: ICalAttendeeStatus.DECLINED,
};

export function buildInvite(input: InviteInput): string {
  const { meeting, office } = input;
  const zone = office.timeZone;
  if (!IANAZone.isValidZone(zone)) throw new Error(`Unknown time zone "${zone}"`);
  const start = DateTime.fromISO(meeting.startsAt, { zone });
  const end = DateTime.fromISO(meeting.endsAt, { zone });

  const calendar = ical({
    prodId: '//Sidos//Sidos//EN',
    method: input.method === 'REQUEST' ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL,
    // No calendar-wide zone name: DTSTAMP stays UTC, DTSTART/DTEND carry the event's TZID.
    timezone: { name: null, generator: (tz) => vtimezone(tz, start.year - 1, end.year + 1) },
  });

  const summary = [input.texts.summaryPrefix, `${meeting.subTheme} – ${input.theme}`]
    .filter(Boolean)
    .join(' ');
  const description = [...input.texts.descriptionLines, meeting.onlineUrl].filter(Boolean).join('\n');
  const location = [meeting.place, meeting.onlineUrl].filter(Boolean).join('; ');

  calendar.createEvent({
    id: meeting.uid,
    sequence: meeting.sequence,
    stamp: input.now,
    // Luxon values: ical-generator would render a native Date in the process's local zone.
    start,
    end,
    timezone: zone,
    summary,
    description,
    location: location || null,
    // A URI value is not unescaped by parsers, so ical-generator's "\," would stick.
    url: meeting.onlineUrl?.replace(/[,;\\]/g, encodeURIComponent) ?? null,
    status: input.method === 'REQUEST' ? ICalEventStatus.CONFIRMED : ICalEventStatus.CANCELLED,
    organizer: { name: displayName(officeName(office, input.locale), office.email), email: office.email },
    attendees: input.attendees.map((a) => ({
      name: displayName(a.name, a.email),
      email: a.email,
      rsvp: true,
      role: ICalAttendeeRole.REQ,
      status: PARTSTAT[a.rsvp],
    })),
  });

  return withLanguage(calendar.toString(), input.locale);
}

/** A download name such as "sidos-2027-03-02-m1.ics". */
export function icsFileName(meeting: Meeting): string {
  const id = meeting.id.replace(/[^A-Za-z0-9_-]+/g, '-');
  return `sidos-${meeting.startsAt.slice(0, 10)}-${id}.ics`;
}

// ical-generator has no LANGUAGE parameter for SUMMARY/DESCRIPTION, so it is
// added after generation: unfold, insert, fold again. Escaped values never
// contain a raw line break, so a line starting with the name is that property.
function withLanguage(ics: string, locale: Locale): string {
  const unfolded = ics.replace(/\r\n /g, '');
  return foldLines(unfolded.replace(/^(SUMMARY|DESCRIPTION):/gm, `$1;LANGUAGE=${locale}:`)) + '\r\n';
}

// A CN parameter value is quoted and cannot hold quotes or control characters,
// and ical-generator's backslash escaping there is not understood by parsers.
function displayName(name: string, email: string): string {
  return name.replace(/[\s\u0000-\u001f\u007f"\\]+/g, ' ').trim() || email;
}

/**
 * VTIMEZONE for an IANA zone covering fromYear…toYear: one observance per
 * offset change found in luxon's zone data (explicit DTSTARTs, no RRULE), plus
 * one at the start of the range so every instant in it has an offset.
 */
function vtimezone(tz: string, fromYear: number, toYear: number): string {
  const key = `${tz} ${fromYear} ${toYear}`;
  let block = vtimezoneCache.get(key);
  if (!block) {
    block = buildVtimezone(tz, fromYear, toYear);
    vtimezoneCache.set(key, block);
  }
  return block;
}

/** Finding the offset changes walks every day of three years: done once per zone and range. */
const vtimezoneCache = new Map<string, string>();

function buildVtimezone(tz: string, fromYear: number, toYear: number): string {
  const zone = IANAZone.create(tz);
  const offsetAt = (minute: number) => zone.offset(minute * 60_000);
  const first = Date.UTC(fromYear, 0, 1) / 60_000;
  const last = Date.UTC(toYear + 1, 0, 1) / 60_000;
  const day = 24 * 60;

  const lines = ['BEGIN:VTIMEZONE', `TZID:${tz}`];
  lines.push(...observance(zone, first, offsetAt(first), offsetAt(first)));
  for (let t = first; t < last; t += day) {
    if (offsetAt(t) === offsetAt(t + day)) continue;
    // Bisect to the first minute with the new offset.
    let lo = t;
    let hi = t + day;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid) === offsetAt(lo)) lo = mid;
      else hi = mid;
    }
    lines.push(...observance(zone, hi, offsetAt(lo), offsetAt(hi)));
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}

/** Observance starting at `minute` (UTC); its DTSTART is local time in the old offset. */
function observance(zone: IANAZone, minute: number, from: number, to: number): string[] {
  const year = new Date(minute * 60_000).getUTCFullYear();
  const standard = Math.min(zone.offset(Date.UTC(year, 0, 1)), zone.offset(Date.UTC(year, 6, 1)));
  const kind = to > standard ? 'DAYLIGHT' : 'STANDARD';
  const local = new Date((minute + from) * 60_000).toISOString(); // "2027-03-28T03:00:00.000Z"
  return [
    `BEGIN:${kind}`,
    `DTSTART:${local.slice(0, 19).replace(/[-:]/g, '')}`,
    `TZOFFSETFROM:${formatOffset(from)}`,
    `TZOFFSETTO:${formatOffset(to)}`,
    `END:${kind}`,
  ];
}

function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  const hhmm = `${Math.floor(abs / 60)}`.padStart(2, '0') + `${abs % 60}`.padStart(2, '0');
  return (minutes < 0 ? '-' : '+') + hhmm;
}
