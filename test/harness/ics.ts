// Reading iCalendar text the way a calendar client does, for assertions.
import ICAL from 'ical.js';

/** The calendar's METHOD and what its first event says: identity, version, status, start, organiser and attendees. */
export function icsEvent(content: string) {
  const calendar = new ICAL.Component(ICAL.parse(content));
  const event = calendar.getFirstSubcomponent('vevent')!;
  return {
    method: calendar.getFirstPropertyValue('method'),
    uid: event.getFirstPropertyValue('uid'),
    sequence: event.getFirstPropertyValue('sequence'),
    status: event.getFirstPropertyValue('status'),
    summary: event.getFirstPropertyValue('summary'),
    start: new Date((event.getFirstPropertyValue('dtstart') as ICAL.Time).toUnixTime() * 1000).toISOString(),
    organizer: { address: String(event.getFirstPropertyValue('organizer')).toLowerCase(), name: event.getFirstProperty('organizer')?.getParameter('cn') },
    attendees: event.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase()),
    partstat: event.getFirstProperty('attendee')?.getParameter('partstat'),
  };
}
