// Named contacts: per office and segment, the staff a partner can turn to.
// Set by the office's coordinators (or an admin) in the contacts card; shown to
// partners by `contacts` and on invitation and announcement cards and e-mails.
import type { Contact, SegmentContacts } from '../domain/types.js';
import type { RecordReader } from '../store/records.js';
import type { Store } from '../store/store.js';

const idOf = (officeId: string, segment: string) => `${officeId}:${segment}`;

/** The contacts of an office for a segment, in the order given. */
export function contactsFor(store: Store, officeId: string, segment: string): Contact[] {
  return store.readShared((d) => d.segmentContacts.find((c) => c.id === idOf(officeId, segment))?.contacts.map((c) => ({ ...c })) ?? []);
}

/** The contacts of an office for a segment, in the order given. */
export async function segmentContactsOf(reader: RecordReader, officeId: string, segment: string): Promise<Contact[]> {
  return (await reader.get('segmentContacts', idOf(officeId, segment)))?.contacts ?? [];
}

/** Replaces the contacts of the office's segments given; true when something changed. */
export async function setContacts(store: Store, officeId: string, bySegment: Record<string, Contact[]>, by: string, now: Date): Promise<boolean> {
  const same = (segment: string) => JSON.stringify(contactsFor(store, officeId, segment)) === JSON.stringify(bySegment[segment]);
  if (Object.keys(bySegment).every(same)) return false;
  return store.updateShared((d) => {
    for (const [segment, contacts] of Object.entries(bySegment)) {
      const id = idOf(officeId, segment);
      d.segmentContacts = d.segmentContacts.filter((c) => c.id !== id);
      if (contacts.length > 0) {
        const record: SegmentContacts = { id, officeId, segment, contacts, updatedBy: by, updatedAt: now.toISOString() };
        d.segmentContacts.push(record);
      }
    }
    return true;
  });
}

/** Opens a Teams chat with the person (works for guests and external users too). */
export const teamsChatLink = (email: string) => `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(email)}`;

/** "Maija Meikäläinen (maija@office.fi)", the contacts on one line. */
export const contactsLine = (contacts: Contact[]) => contacts.map((c) => `${c.name} (${c.email})`).join(', ');
