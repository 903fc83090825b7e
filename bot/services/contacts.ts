// Named contacts: per office and segment, the staff a partner can turn to.
// Set by the office's coordinators (or an admin) in the contacts card; shown to
// partners by `contacts` and on invitation and announcement cards and e-mails.
import type { Contact, SegmentContacts } from '../domain/types.js';
import type { RecordReader, RecordStore } from '../store/records.js';

const idOf = (officeId: string, segment: string) => `${officeId}:${segment}`;

/** The contacts of an office for a segment, in the order given. */
export async function segmentContactsOf(reader: RecordReader, officeId: string, segment: string): Promise<Contact[]> {
  return (await reader.get('segmentContacts', idOf(officeId, segment)))?.contacts ?? [];
}

/** Replaces the contacts of the office's segments given; true when something changed. */
export async function setContacts(records: RecordStore, officeId: string, bySegment: Record<string, Contact[]>, by: string, now: Date): Promise<boolean> {
  return records.transaction(async (tx) => {
    const segments = Object.entries(bySegment);
    const stored = await Promise.all(segments.map(([segment]) => segmentContactsOf(tx, officeId, segment)));
    if (segments.every(([, contacts], at) => JSON.stringify(stored[at]) === JSON.stringify(contacts))) return false;
    for (const [segment, contacts] of segments) {
      const id = idOf(officeId, segment);
      if (contacts.length === 0) await tx.remove('segmentContacts', id);
      else await tx.put('segmentContacts', { id, officeId, segment, contacts, updatedBy: by, updatedAt: now.toISOString() } satisfies SegmentContacts);
    }
    return true;
  });
}

/** Opens a Teams chat with the person (works for guests and external users too). */
export const teamsChatLink = (email: string) => `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(email)}`;

/** "Maija Meikäläinen (maija@office.fi)", the contacts on one line. */
export const contactsLine = (contacts: Contact[]) => contacts.map((c) => `${c.name} (${c.email})`).join(', ');
