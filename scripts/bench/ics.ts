// ICS generations per second: buildInvite for a realistic meeting invite
// (Helsinki time zone, 25 attendees, Finnish texts), repeated for `ms`.
import { buildInvite, type InviteInput } from '../../bot/calendar/ics.js';

function icsInput(): InviteInput {
  return {
    method: 'REQUEST',
    meeting: {
      id: 'meeting-1',
      planId: 'plan-1',
      officeId: 'uusimaa',
      year: 2027,
      subTheme: 'Perinnän ensimmäiset viikot',
      startsAt: '2027-03-02T11:00:00.000Z',
      endsAt: '2027-03-02T13:00:00.000Z',
      segments: ['municipalities', 'collection-agencies'],
      place: 'Pasila, neuvotteluhuone 3',
      onlineUrl: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0',
      status: 'scheduled',
      sequence: 1,
      uid: 'meeting-1@sidos.example.fi',
    },
    theme: 'Perinnän ensimmäiset viikot ja maksusuunnitelmat',
    office: { id: 'uusimaa', name: 'Uudenmaan aluetoimisto', timeZone: 'Europe/Helsinki', locale: 'fi', email: 'sidos-uusimaa@example.fi' },
    attendees: Array.from({ length: 25 }, (_, i) => ({
      name: `Kumppani ${i} Mäkinen`,
      email: `kumppani.${i}@kunta${i}.example.fi`,
      rsvp: (['needs-action', 'accepted', 'tentative', 'declined'] as const)[i % 4],
    })),
    locale: 'fi',
    texts: {
      descriptionLines: [
        'Tervetuloa sidosryhmätapaamiseen.',
        'Aihe: Perinnän ensimmäiset viikot – mitä toimii ja mitä pitäisi muuttaa.',
        'Vastaa kutsuun Teamsissa tai kalenterissasi.',
      ],
    },
    now: new Date('2027-02-01T08:00:00.000Z'),
  };
}

export function icsPerSecond(ms: number): { perSecond: number; bytes: number } {
  const input = icsInput();
  for (let i = 0; i < 50; i++) buildInvite(input); // warm-up
  let count = 0;
  let bytes = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    bytes = buildInvite(input).length;
    count += 1;
  }
  return { perSecond: count / ((performance.now() - started) / 1000), bytes };
}
