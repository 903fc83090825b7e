// Records to seed a store with, and a way to write them into a data directory
// while Sidos is not running.
import { join } from 'node:path';
import type { Invitation, Meeting, Partner } from '../../bot/domain/types.js';
import { LowdbRecordStore } from '../../bot/store/lowdb-records.js';
import type { RecordStore } from '../../bot/store/records.js';
import type { ConversationRecord } from '../../bot/store/store.js';
import { BOT, TENANT_ID } from './activities.js';
import type { TestUser } from './people.js';

const REGISTERED = '2027-01-01T00:00:00.000Z';

/** A partner of the Uusimaa office's municipalities segment, reachable by e-mail only. */
export const partnerFixture = (id: string, overrides: Partial<Partner> = {}): Partner => ({
  id,
  name: `Name ${id}`,
  organisation: `Org ${id}`,
  segment: 'municipalities',
  officeId: 'uusimaa',
  email: `${id}@kunta.example.fi`,
  locale: 'fi',
  createdAt: REGISTERED,
  updatedAt: REGISTERED,
  ...overrides,
});

/** The register entry of a person: their name and e-mail, and their Teams identity if they have one. */
export const partnerFor = (person: Pick<TestUser, 'name' | 'email'> & { aadObjectId?: string }, overrides: Partial<Partner> = {}): Partner =>
  partnerFixture(`partner-${person.email.split('@')[0]}`, {
    name: person.name,
    email: person.email,
    ...(person.aadObjectId ? { aadObjectId: person.aadObjectId } : {}),
    ...overrides,
  });

/** A scheduled meeting of the Uusimaa office on Tuesday 2 March 2027 at 13.00 Helsinki time. */
export const meetingFixture = (overrides: Partial<Meeting> = {}): Meeting => {
  const id = overrides.id ?? 'meeting-1';
  return {
    id,
    planId: 'plan-1',
    officeId: 'uusimaa',
    year: 2027,
    subTheme: 'Hakemuksen liitteet',
    startsAt: '2027-03-02T11:00:00.000Z',
    endsAt: '2027-03-02T12:30:00.000Z',
    segments: ['municipalities'],
    place: 'Pasila',
    status: 'scheduled',
    sequence: 0,
    uid: `${id}@sidos.example.fi`,
    ...overrides,
  };
};

/** A two-hour meeting `id` that ends at `endsAt`. */
export const meetingEndingAt = (id: string, endsAt: string, overrides: Partial<Meeting> = {}): Meeting =>
  meetingFixture({ id, subTheme: `Sub-theme ${id}`, startsAt: new Date(Date.parse(endsAt) - 2 * 3600_000).toISOString(), endsAt, ...overrides });

/** Stores partners (nobody invited yet) and a meeting of the 2027 plan "Perintäasian ensimmäiset viikot". */
export async function seedPlannedMeeting(records: RecordStore, meeting: Meeting, partners: Partner[], createdBy: string): Promise<void> {
  await records.transaction(async (tx) => {
    for (const partner of partners) await tx.put('partners', partner);
    await tx.putInYear('plans', meeting.year, {
      id: meeting.planId,
      officeId: meeting.officeId,
      year: meeting.year,
      theme: 'Perintäasian ensimmäiset viikot',
      segments: meeting.segments,
      weekday: 2,
      time: '13:00',
      durationMinutes: 90,
      createdBy,
      createdAt: '2027-01-10T08:00:00.000Z',
      updatedAt: '2027-01-10T08:00:00.000Z',
    });
    await tx.putInYear('meetings', meeting.year, { ...meeting });
  });
}

/** Stores a meeting, its invited partners and their delivered invitations (SEQUENCE 0) with each one's answer. */
export async function seedMeeting(records: RecordStore, meeting: Meeting, invitees: [Partner, Invitation['rsvp']][]): Promise<void> {
  await records.transaction(async (tx) => {
    for (const [partner] of invitees) await tx.put('partners', partner);
    await tx.putInYear('meetings', meeting.year, meeting);
    for (const [{ id: partnerId }, rsvp] of invitees) {
      await tx.putInYear('invitations', meeting.year, { id: `inv-${partnerId}`, meetingId: meeting.id, partnerId, rsvp, sentSequence: 0, icsToken: `token-${partnerId}` });
    }
  });
}

/** The stored personal chat of someone who has talked to the bot; the reference is what the conversation port gets. */
export const personalChat = (
  id: string,
  aadObjectId: string | undefined,
  at: Date,
  reference: Record<string, unknown> = { conversation: { id } },
): ConversationRecord => ({ id, kind: 'personal', conversationId: id, aadObjectId, reference, updatedAt: at.toISOString() });

/** A partner's personal chat with the bot, whose reference sends through `serviceUrl` (a connector stand-in). */
export const partnerChat = (partner: Pick<Partner, 'id' | 'aadObjectId'>, serviceUrl: string): ConversationRecord => {
  const id = `a:chat-${partner.id}`;
  return personalChat(id, partner.aadObjectId, new Date(REGISTERED), {
    channelId: 'msteams',
    serviceUrl,
    bot: BOT,
    user: { id: `29:${partner.id}`, aadObjectId: partner.aadObjectId },
    conversation: { id, conversationType: 'personal', tenantId: TENANT_ID },
  });
};

/** Writes through the RecordStore of a data directory while Sidos is not running. */
export async function editRecords(dir: string, change: (records: RecordStore) => Promise<unknown>): Promise<void> {
  const records = await LowdbRecordStore.open(join(dir, 'data'));
  try {
    await change(records);
  } finally {
    await records.close();
  }
}
