// Privacy: who a person is (every identifier they are stored under) and which
// records name them. Shared by the export (privacy-export.ts), erasure
// (privacy-erasure.ts) and retention (privacy-retention.ts).
import { randomBytes } from 'node:crypto';
import type { Partner } from '../domain/types.js';
import type { IndexName, Kind, RecordKinds, SharedKind, StoredRoleAssignment } from '../store/record-kinds.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import type { AuditEntry, AuditPerson, ConversationRecord, SendRecord } from '../store/store.js';

/** Whom to look for; any one identifier is enough, the others are found from the register. */
export interface Who {
  partnerId?: string;
  aadObjectId?: string;
  email?: string;
}

/** Every identifier of one person: given, or found in the register, role assignments and configuration. */
export interface Person {
  partnerIds: Set<string>;
  aadObjectIds: Set<string>;
  /** Lower case. */
  emails: Set<string>;
  /** The e-mail addresses as the records spell them (a send's target is one of these). */
  addresses: Set<string>;
}

interface IdentityEntry {
  id?: string;
  aadObjectId?: string;
  email?: string;
}

const TOMBSTONE = 'erased:';
/** partner-undo.ts keeps a removed partner under this jobState prefix while the removal can be undone. */
export const REMOVED_PARTNER = 'removedPartner:';

/** A random id in place of a person's: one per record, so anonymised records cannot be linked to each other. */
export const tombstone = () => `${TOMBSTONE}${randomBytes(9).toString('base64url')}`;
export const isTombstone = (id: string) => id.startsWith(TOMBSTONE);

export const refers = (person: Person, value: string | undefined): boolean =>
  !!value && (person.partnerIds.has(value) || person.aadObjectIds.has(value) || person.emails.has(value.toLowerCase()));

export const matchesEntry = (person: Person, entry: IdentityEntry) => refers(person, entry.id) || refers(person, entry.aadObjectId) || refers(person, entry.email);

const IDENTIFIER_CHAR = /[A-Za-z0-9._%+@-]/;

/** `token` occurs in `text` as a whole (so "ann@x.fi" is not found in "joann@x.fi"). */
function containsWhole(text: string, token: string): boolean {
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + token.length] ?? ' ';
    if (!IDENTIFIER_CHAR.test(before) && !IDENTIFIER_CHAR.test(after)) return true;
  }
  return false;
}

/** True when the text (a job state key or value) contains one of the person's identifiers. */
export function mentions(person: Person, text: string): boolean {
  const lower = text.toLowerCase();
  return (
    [...person.partnerIds, ...person.aadObjectIds].some((id) => containsWhole(text, id)) ||
    [...person.emails].some((e) => containsWhole(lower, e))
  );
}

const removedPartnerIn = (value: string) => (JSON.parse(value) as { partner: Partner }).partner;

type IdentifierKind = 'partnerId' | 'aadObjectId' | 'email';

/** The register entries, kept undo copies and role assignments filed under one identifier. */
async function entriesOf(reader: RecordReader, kind: IdentifierKind, value: string): Promise<IdentityEntry[]> {
  if (kind === 'partnerId') {
    const kept = await reader.jobState(`${REMOVED_PARTNER}${value}`);
    return [await reader.get('partners', value), kept === undefined ? undefined : removedPartnerIn(kept)].filter((e) => e !== undefined);
  }
  return [...(await reader.findBy('partners', kind, value)), ...(await reader.findBy('roleAssignments', kind, value))];
}

/**
 * Finds every identifier of the person from any one of them. An e-mail can lead
 * to a partner whose Teams identity leads to a role assignment: repeat until
 * nothing new. Undo copies of removed partners are few: they are read whole.
 */
export async function identify(records: RecordStore, people: readonly IdentityEntry[], who: Who): Promise<Person> {
  const person: Person = { partnerIds: new Set(), aadObjectIds: new Set(), emails: new Set(), addresses: new Set() };
  const todo: [IdentifierKind, string][] = [];
  const note = (kind: IdentifierKind, ids: Set<string>, value: string | undefined) => {
    if (!value || ids.has(value)) return;
    ids.add(value);
    todo.push([kind, value]);
  };
  const add = (entry: IdentityEntry) => {
    note('partnerId', person.partnerIds, entry.id);
    note('aadObjectId', person.aadObjectIds, entry.aadObjectId);
    note('email', person.emails, entry.email?.toLowerCase());
    if (entry.email) person.addresses.add(entry.email);
  };
  const removed = Object.entries(await records.jobStates())
    .filter(([key]) => key.startsWith(REMOVED_PARTNER))
    .map(([, value]) => removedPartnerIn(value));
  add({ id: who.partnerId, aadObjectId: who.aadObjectId, email: who.email });
  while (todo.length > 0) {
    const [kind, value] = todo.shift()!;
    for (const entry of await entriesOf(records, kind, value)) add(entry);
    for (const entry of [...removed, ...people]) if (matchesEntry(person, entry)) add(entry);
  }
  return person;
}

/** An audit trail actor or target that is the person. */
export const isPerson = (person: Person, who: AuditPerson) => refers(person, who.partnerId) || refers(person, who.aadObjectId) || refers(person, who.email);
export const namesPerson = (person: Person, entry: AuditEntry) => isPerson(person, entry.actor) || isPerson(person, entry.target);

/** The person's personal chats with the bot. */
export const ownConversation = (person: Person, c: ConversationRecord) => c.kind === 'personal' && refers(person, c.aadObjectId);

/** A group chat or channel whose stored reference names the person as its last sender. */
export const namedIn = (person: Person, c: ConversationRecord) =>
  !ownConversation(person, c) && refers(person, (c.reference.user as { aadObjectId?: string } | undefined)?.aadObjectId);

/** The person's personal chats, found by their Teams identities. */
export async function ownChats(reader: RecordReader, person: Person): Promise<ConversationRecord[]> {
  const found = await Promise.all([...person.aadObjectIds].map((aad) => reader.findBy('conversations', 'aadObjectId', aad)));
  return found.flat().filter((c) => ownConversation(person, c));
}

/** Records found under each of several keys of an index, once each. */
export async function findEach<K extends Kind>(reader: RecordReader, kind: K, index: IndexName<K>, keys: Iterable<string>): Promise<RecordKinds[K][]> {
  const found = new Map<string, RecordKinds[K]>();
  for (const key of keys) for (const record of await reader.findBy(kind, index, key)) found.set(record.id, record);
  return [...found.values()];
}

/** Sends to the person: to their chats, their partner id, Teams identity or address. */
export async function sendsTo(reader: RecordReader, person: Person, chats: readonly ConversationRecord[]): Promise<SendRecord[]> {
  const targets = new Set([...chats.map((c) => c.id), ...person.partnerIds, ...person.aadObjectIds, ...person.emails, ...person.addresses]);
  return (await findEach(reader, 'sends', 'target', targets)) as SendRecord[];
}

/**
 * The records of a shared kind that no index finds by person (a channel's last
 * sender, who subscribed, created or updated something), read whole: what
 * names the person. Used before a transaction, which reads each again by id.
 */
export async function scanFor<K extends SharedKind>(records: RecordStore, kind: K, names: (record: RecordKinds[K]) => boolean): Promise<RecordKinds[K][]> {
  const found: RecordKinds[K][] = [];
  for await (const { record } of records.scan(kind)) if (names(record)) found.push(record);
  return found;
}

/** The job state entries naming the person (e.g. an undo copy of their removed register entry). */
async function jobStateNaming(records: RecordStore, person: Person): Promise<Record<string, string>> {
  return Object.fromEntries(Object.entries(await records.jobStates()).filter(([key, value]) => mentions(person, key) || mentions(person, value)));
}

/** The role assignments filed under the person's Teams identities or e-mail addresses, once each. */
export async function assignedRoles(reader: RecordReader, person: Person): Promise<StoredRoleAssignment[]> {
  const found = [...(await findEach(reader, 'roleAssignments', 'aadObjectId', person.aadObjectIds)), ...(await findEach(reader, 'roleAssignments', 'email', person.emails))];
  return [...new Map(found.filter((r) => matchesEntry(person, r)).map((r) => [r.id, r])).values()];
}

/**
 * The shared records naming the person that no index finds, read whole (see
 * scanFor): channels whose last sender they were, subscriptions they made,
 * surveys they created, announcements they were sent, acknowledged or wrote,
 * audit entries naming them, and job state mentioning them.
 */
export async function unindexedNaming(records: RecordStore, person: Person) {
  const isPartner = (id: string) => person.partnerIds.has(id);
  return {
    channels: await scanFor(records, 'conversations', (c) => namedIn(person, c)),
    subscriptions: await scanFor(records, 'subscriptions', (s) => refers(person, s.by)),
    surveys: await scanFor(records, 'surveys', (s) => refers(person, s.createdBy)),
    announcements: await scanFor(
      records,
      'announcements',
      (a) => a.recipients.some(isPartner) || a.acknowledgements.some((ack) => isPartner(ack.partnerId)) || refers(person, a.createdBy),
    ),
    audit: await scanFor(records, 'audit', (e) => namesPerson(person, e)),
    jobState: await jobStateNaming(records, person),
  };
}

export type UnindexedRecords = Awaited<ReturnType<typeof unindexedNaming>>;

/** The records of a year naming the person as the staff member who acted: plans made, office feedback given, proposals decided. */
export async function staffActsInYear(reader: RecordReader, person: Person, year: number) {
  return {
    plans: (await reader.inYear('plans', year)).filter((p) => refers(person, p.createdBy)),
    officeFeedback: (await reader.inYear('officeFeedback', year)).filter((f) => refers(person, f.givenBy)),
    proposals: (await reader.inYear('proposals', year)).filter((p) => p.history.some((h) => refers(person, h.by))),
  };
}

/** The person an export link is for. */
export function parseWho(ref: string): Who | null {
  try {
    const value = JSON.parse(ref) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return { partnerId: text(value.partnerId), aadObjectId: text(value.aadObjectId), email: text(value.email) };
  } catch {
    return null;
  }
}
