import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildInvite, icsFileName, type InviteInput } from '../bot/calendar/ics.js';
import type { Meeting, Office } from '../bot/domain/types.js';

const office: Office = {
  id: 'uusimaa',
  name: 'Uudenmaan ulosottovirasto',
  timeZone: 'Europe/Helsinki',
  locale: 'fi',
  email: 'sidos@ulosotto.example.fi',
};

const meeting = (overrides: Partial<Meeting> = {}): Meeting => ({
  id: 'm-1',
  planId: 'p-1',
  officeId: 'uusimaa',
  year: 2027,
  subTheme: 'Hakemuksen liitteet',
  startsAt: '2027-01-12T11:00:00.000Z',
  endsAt: '2027-01-12T12:30:00.000Z',
  segments: ['municipalities'],
  place: 'Neuvotteluhuone Pasila',
  onlineUrl: 'https://teams.microsoft.com/l/meetup-join/abc',
  status: 'scheduled',
  sequence: 0,
  uid: 'm-1@sidos.example.fi',
  ...overrides,
});

const input = (overrides: Partial<InviteInput> = {}): InviteInput => ({
  method: 'REQUEST',
  meeting: meeting(),
  theme: 'Perintäasian ensimmäiset viikot',
  office,
  attendees: [
    { name: 'Anna Kumppani', email: 'anna@kunta.example.fi', rsvp: 'needs-action' },
    { name: 'Bertil Partner', email: 'bertil@perinta.example.se', rsvp: 'accepted' },
    { name: 'Cecilia', email: 'cecilia@example.org', rsvp: 'tentative' },
    { name: 'Daniel', email: 'daniel@example.org', rsvp: 'declined' },
  ],
  locale: 'fi',
  texts: { descriptionLines: ['Tervetuloa sidosryhmätapaamiseen.', 'Asialista tulee myöhemmin.'] },
  now: new Date('2026-12-01T08:15:00.000Z'),
  ...overrides,
});

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const event = calendar.getFirstSubcomponent('vevent');
  if (!event) throw new Error('no VEVENT');
  return { calendar, event };
}

function dtstart(ics: string) {
  const value = parse(ics).event.getFirstPropertyValue('dtstart');
  if (!(value instanceof ICAL.Time)) throw new Error('no DTSTART');
  return value;
}

const utc = (time: ICAL.Time) => new Date(time.toUnixTime() * 1000).toISOString();

describe('buildInvite', () => {
  it('writes a REQUEST with organizer, attendees, identity and texts', () => {
    const ics = buildInvite(input());
    const { calendar, event } = parse(ics);

    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.getFirstPropertyValue('uid')).toBe('m-1@sidos.example.fi');
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
    expect(utc(event.getFirstPropertyValue('dtstamp') as ICAL.Time)).toBe('2026-12-01T08:15:00.000Z');
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');

    const organizer = event.getFirstProperty('organizer')!;
    expect(organizer.getFirstValue()).toBe('mailto:sidos@ulosotto.example.fi');
    expect(organizer.getParameter('cn')).toBe('Uudenmaan ulosottovirasto');

    const attendees = event.getAllProperties('attendee').map((p) => ({
      address: String(p.getFirstValue()).toLowerCase(),
      cn: p.getParameter('cn'),
      rsvp: p.getParameter('rsvp'),
      role: p.getParameter('role'),
      partstat: p.getParameter('partstat'),
    }));
    const common = { rsvp: 'TRUE', role: 'REQ-PARTICIPANT' };
    expect(attendees).toEqual([
      { address: 'mailto:anna@kunta.example.fi', cn: 'Anna Kumppani', partstat: 'NEEDS-ACTION', ...common },
      { address: 'mailto:bertil@perinta.example.se', cn: 'Bertil Partner', partstat: 'ACCEPTED', ...common },
      { address: 'mailto:cecilia@example.org', cn: 'Cecilia', partstat: 'TENTATIVE', ...common },
      { address: 'mailto:daniel@example.org', cn: 'Daniel', partstat: 'DECLINED', ...common },
    ]);

    const summary = event.getFirstProperty('summary')!;
    expect(summary.getFirstValue()).toBe('Hakemuksen liitteet – Perintäasian ensimmäiset viikot');
    expect(summary.getParameter('language')).toBe('fi');
    const description = event.getFirstProperty('description')!;
    expect(description.getFirstValue()).toBe(
      'Tervetuloa sidosryhmätapaamiseen.\nAsialista tulee myöhemmin.\nhttps://teams.microsoft.com/l/meetup-join/abc',
    );
    expect(description.getParameter('language')).toBe('fi');
    expect(event.getFirstPropertyValue('location')).toBe(
      'Neuvotteluhuone Pasila; https://teams.microsoft.com/l/meetup-join/abc',
    );
    expect(event.getFirstPropertyValue('url')).toBe('https://teams.microsoft.com/l/meetup-join/abc');
  });

  it('names the organising office in the language of the invite, falling back to the office language', () => {
    const named = { ...office, name: { fi: 'Uudenmaan aluetoimisto', sv: 'Nylands regionkontor' } };
    const cn = (locale: 'fi' | 'sv' | 'en') => {
      const organizer = parse(buildInvite(input({ office: named, locale }))).event.getFirstProperty('organizer')!;
      expect(organizer.getFirstValue()).toBe('mailto:sidos@ulosotto.example.fi');
      return organizer.getParameter('cn');
    };
    expect(cn('sv')).toBe('Nylands regionkontor');
    expect(cn('fi')).toBe('Uudenmaan aluetoimisto');
    expect(cn('en')).toBe('Uudenmaan aluetoimisto');
  });

  it('uses only the place or only the link as LOCATION when the other is missing', () => {
    const inPerson = parse(buildInvite(input({ meeting: meeting({ onlineUrl: undefined }) }))).event;
    expect(inPerson.getFirstPropertyValue('location')).toBe('Neuvotteluhuone Pasila');
    expect(inPerson.getFirstProperty('url')).toBeNull();

    const online = parse(buildInvite(input({ meeting: meeting({ place: undefined }) }))).event;
    expect(online.getFirstPropertyValue('location')).toBe('https://teams.microsoft.com/l/meetup-join/abc');
  });

  it('puts the summary prefix first', () => {
    const ics = buildInvite(input({ texts: { summaryPrefix: 'Peruttu:', descriptionLines: [] } }));
    expect(parse(ics).event.getFirstPropertyValue('summary')).toBe(
      'Peruttu: Hakemuksen liitteet – Perintäasian ensimmäiset viikot',
    );
  });

  describe('time zone', () => {
    it.each([
      ['winter', '2027-01-12T11:00:00.000Z'],
      ['summer', '2027-06-15T10:00:00.000Z'],
    ])('keeps 13:00 Europe/Helsinki in %s with TZID and VTIMEZONE', (_season, startsAt) => {
      const endsAt = new Date(Date.parse(startsAt) + 90 * 60_000).toISOString();
      const ics = buildInvite(input({ meeting: meeting({ startsAt, endsAt }) }));
      const { calendar, event } = parse(ics);

      const start = event.getFirstProperty('dtstart')!;
      const end = event.getFirstProperty('dtend')!;
      expect(start.getParameter('tzid')).toBe('Europe/Helsinki');
      expect(end.getParameter('tzid')).toBe('Europe/Helsinki');
      const startTime = start.getFirstValue() as ICAL.Time;
      const endTime = end.getFirstValue() as ICAL.Time;
      expect([startTime.hour, startTime.minute]).toEqual([13, 0]);
      expect([endTime.hour, endTime.minute]).toEqual([14, 30]);

      // The offset comes from the file's own VTIMEZONE (ical.js has no zone data of its own).
      const vtimezone = calendar.getFirstSubcomponent('vtimezone')!;
      expect(vtimezone.getFirstPropertyValue('tzid')).toBe('Europe/Helsinki');
      expect(startTime.zone?.component).toBe(vtimezone);
      expect(utc(startTime)).toBe(startsAt);
      expect(utc(endTime)).toBe(endsAt);
    });

    it.each([
      ['spring', '2027-03-26T11:00:00.000Z', '2027-03-29T10:00:00.000Z', -1],
      ['autumn', '2027-10-29T10:00:00.000Z', '2027-11-01T11:00:00.000Z', +1],
    ])('keeps 13:00 across the %s DST change while the UTC instant moves an hour', (_change, before, after, hours) => {
      const at = (startsAt: string) => {
        const endsAt = new Date(Date.parse(startsAt) + 60 * 60_000).toISOString();
        return dtstart(buildInvite(input({ meeting: meeting({ startsAt, endsAt }) })));
      };
      const [a, b] = [at(before), at(after)];
      expect([a.hour, a.minute, b.hour, b.minute]).toEqual([13, 0, 13, 0]);
      expect(utc(a)).toBe(before);
      expect(utc(b)).toBe(after);
      expect(Date.parse(after) - Date.parse(before) - 3 * 86_400_000).toBe(hours * 3_600_000);
    });

    it('describes the DST changes of the years around the event', () => {
      const ics = buildInvite(input());
      const observances = parse(ics)
        .calendar.getFirstSubcomponent('vtimezone')!
        .getAllSubcomponents()
        .map((c) => `${c.name} ${c.getFirstProperty('dtstart')!.toICALString()} ${c.getFirstProperty('tzoffsetto')!.toICALString()}`);
      expect(observances).toContain('daylight DTSTART:20270328T030000 TZOFFSETTO:+0300');
      expect(observances).toContain('standard DTSTART:20271031T040000 TZOFFSETTO:+0200');
      expect(observances).toContain('daylight DTSTART:20260329T030000 TZOFFSETTO:+0300');
      expect(observances).toContain('standard DTSTART:20281029T040000 TZOFFSETTO:+0200');
    });

    it.each([
      ['America/New_York', '2027-03-15T17:00:00.000Z', 13],
      ['Asia/Tokyo', '2027-07-01T04:00:00.000Z', 13],
      ['Australia/Sydney', '2027-01-12T02:00:00.000Z', 13],
    ])('works for %s too', (timeZone, startsAt, hour) => {
      const endsAt = new Date(Date.parse(startsAt) + 3_600_000).toISOString();
      const start = dtstart(buildInvite(input({ office: { ...office, timeZone }, meeting: meeting({ startsAt, endsAt }) })));
      expect(start.hour).toBe(hour);
      expect(utc(start)).toBe(startsAt);
    });

    it('rejects an unknown time zone', () => {
      expect(() => buildInvite(input({ office: { ...office, timeZone: 'Europe/Atlantis' } }))).toThrow(/Europe\/Atlantis/);
    });
  });

  it('sends an update with the same UID and the next SEQUENCE, and a CANCEL of it', () => {
    const first = meeting();
    const moved = meeting({ sequence: 1, startsAt: '2027-01-19T11:00:00.000Z', endsAt: '2027-01-19T12:30:00.000Z' });

    const update = parse(buildInvite(input({ meeting: moved })));
    expect(update.calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(update.event.getFirstPropertyValue('uid')).toBe(first.uid);
    expect(update.event.getFirstPropertyValue('sequence')).toBe(first.sequence + 1);
    expect(utc(update.event.getFirstPropertyValue('dtstart') as ICAL.Time)).toBe('2027-01-19T11:00:00.000Z');

    const cancelled = { ...moved, sequence: 2, status: 'cancelled' as const };
    const cancel = parse(buildInvite(input({ method: 'CANCEL', meeting: cancelled })));
    expect(cancel.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancel.event.getFirstPropertyValue('uid')).toBe(first.uid);
    expect(cancel.event.getFirstPropertyValue('sequence')).toBe(2);
    expect(cancel.event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancel.event.getAllProperties('attendee')).toHaveLength(4);
    expect(cancel.event.getFirstProperty('organizer')!.getFirstValue()).toBe('mailto:sidos@ulosotto.example.fi');
  });

  it('keeps hostile text intact and lines within 75 octets', () => {
    const hostile = 'Rivi 1\nRivi 2\r\nRivi 3; puolipiste, pilkku \\ kenoviiva \\n "lainaus" ';
    const long = 'Käsittelyä ja selvitystä '.repeat(80).slice(0, 2000);
    expect(long).toHaveLength(2000);
    const ics = buildInvite(
      input({
        meeting: meeting({ subTheme: hostile + long, place: 'Sali A; 2. krs, ovi \\ B\nsisäpiha' }),
        theme: 'Teema, osa; 2',
        office: { ...office, name: 'Virasto "Etelä"\nrivi' },
        attendees: [{ name: 'Eva "E" \\ Ek\r\nOy', email: 'eva@example.org', rsvp: 'needs-action' }],
        texts: { summaryPrefix: 'Päivitetty:', descriptionLines: [hostile, long, 'ääää'.repeat(40)] },
      }),
    );

    const lines = ics.split('\r\n');
    expect(lines.at(-1)).toBe(''); // ends with CRLF
    for (const line of lines) {
      expect(line).not.toMatch(/[\r\n]/);
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    }

    // iCalendar has one line-break escape, so CRLF comes back as LF; everything else is exact.
    const read = hostile.replace('\r\n', '\n');
    const { event } = parse(ics);
    expect(event.getFirstPropertyValue('summary')).toBe(`Päivitetty: ${read}${long} – Teema, osa; 2`);
    expect(event.getFirstPropertyValue('description')).toBe(
      [read, long, 'ääää'.repeat(40), 'https://teams.microsoft.com/l/meetup-join/abc'].join('\n'),
    );
    expect(event.getFirstPropertyValue('location')).toBe(
      'Sali A; 2. krs, ovi \\ B\nsisäpiha; https://teams.microsoft.com/l/meetup-join/abc',
    );
    // Quoted CN values cannot hold quotes or line breaks: they are replaced, the address is kept.
    expect(event.getFirstProperty('organizer')!.getParameter('cn')).toBe('Virasto Etelä rivi');
    const attendee = event.getFirstProperty('attendee')!;
    expect(attendee.getParameter('cn')).toBe('Eva E Ek Oy');
    expect(String(attendee.getFirstValue()).toLowerCase()).toBe('mailto:eva@example.org');
  });

  it('keeps an online link with reserved characters usable as URL', () => {
    const onlineUrl = 'https://meet.example.org/j/1?pwd=a,b;c';
    const event = parse(buildInvite(input({ meeting: meeting({ onlineUrl }) }))).event;
    expect(event.getFirstPropertyValue('url')).toBe('https://meet.example.org/j/1?pwd=a%2Cb%3Bc');
    expect(event.getFirstPropertyValue('description')).toContain(onlineUrl);
  });
});

describe('icsFileName', () => {
  it('names the file after the date and the meeting id', () => {
    expect(icsFileName(meeting())).toBe('sidos-2027-01-12-m-1.ics');
    expect(icsFileName(meeting({ id: '../a b' }))).toBe('sidos-2027-01-12--a-b.ics');
  });
});
