// Staff roles given in Teams (role assignments) next to the people
// of the configuration, which stay the bootstrap and win for the same person.
// Every change is refused unless the rules hold, is written together with its
// audit entry, and leaves a notice for the person until Sidos has told them.
import type { AppConfig } from '../config.js';
import type { StaffPerson, StaffRoleInput } from '../domain/staff-input.js';
import { ROLES, type Role } from '../domain/types.js';
import { roleAssignmentId, type StoredRoleAssignment } from '../store/record-kinds.js';
import type { RecordReader, RecordStore, RecordTransaction } from '../store/records.js';
import type { AuditEntry, ConversationRecord, RoleAssignment } from '../store/store.js';
import { addAudit } from './audit.js';
import { personalChatOf } from './conversations.js';
import type { Identity } from './people.js';

export interface StaffMember {
  /** The assignment's identifier: its aadObjectId, else its e-mail in lower case. */
  key: string;
  aadObjectId?: string;
  email?: string;
  /** From the person's chat with Sidos, when there is one. */
  name?: string;
  role: Role;
  office?: string;
  source: 'configuration' | 'assigned';
}

export interface StaffActor {
  identity: Identity;
  role: Role;
}

export const STAFF_REFUSALS = ['self', 'last-admin', 'configured', 'exists', 'stale'] as const;
export type StaffRefusal = (typeof STAFF_REFUSALS)[number];

export type StaffResult = { ok: true; entry: AuditEntry; person: StaffPerson } | { ok: false; code: StaffRefusal };

/** What a person is told, kept in the job state under ROLE_NOTICE + key until delivered (then the value is ''). */
export interface RoleNotice {
  /** null: the staff role was removed. */
  role: Role | null;
  office?: string;
  auditId: string;
}

const ROLE_NOTICE = 'roleNotice:';

export const staffKey = (who: { aadObjectId?: string; email?: string }) => who.aadObjectId ?? who.email?.toLowerCase() ?? '';

const sameEmail = (a?: string, b?: string) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
const samePerson = (a: { aadObjectId?: string; email?: string }, b: { aadObjectId?: string; email?: string }) =>
  (!!a.aadObjectId && a.aadObjectId === b.aadObjectId) || sameEmail(a.email, b.email);

const nameIn = (chat: ConversationRecord | undefined) => (chat?.reference.user as { name?: string } | undefined)?.name;

/** The name of a person from their personal chat with Sidos, when there is one. */
export async function chatNameOf(reader: RecordReader, aadObjectId: string | undefined): Promise<string | undefined> {
  return nameIn(await personalChatOf(reader, aadObjectId));
}

/** Names of people who have a personal chat with Sidos, by aadObjectId. */
export async function knownNames(reader: RecordReader): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const chat of await reader.findBy('conversations', 'kind', 'personal')) {
    const name = nameIn(chat);
    if (chat.aadObjectId && name) names.set(chat.aadObjectId, name);
  }
  return names;
}

/** Every role given in Teams. */
async function assignments(reader: RecordReader): Promise<StoredRoleAssignment[]> {
  return (await Promise.all(ROLES.map((role) => reader.findBy('roleAssignments', 'role', role)))).flat();
}

/** The assignments of this person (by Teams identity or e-mail). */
async function assignmentsOf(reader: RecordReader, person: { aadObjectId?: string; email?: string }): Promise<StoredRoleAssignment[]> {
  const byAad = person.aadObjectId ? await reader.findBy('roleAssignments', 'aadObjectId', person.aadObjectId) : [];
  const byEmail = person.email ? await reader.findBy('roleAssignments', 'email', person.email.toLowerCase()) : [];
  return [...byAad, ...byEmail].filter((a) => samePerson(a, person));
}

/** Configured people first, then those assigned in Teams. */
export async function listStaff(config: AppConfig, reader: RecordReader): Promise<StaffMember[]> {
  const assigned = await assignments(reader);
  const people = [...config.people, ...assigned];
  const names = await Promise.all(people.map((p) => chatNameOf(reader, p.aadObjectId)));
  const member = (p: RoleAssignment, at: number): StaffMember => ({
    key: staffKey(p),
    ...(p.aadObjectId ? { aadObjectId: p.aadObjectId } : {}),
    ...(p.email ? { email: p.email } : {}),
    ...(names[at] ? { name: names[at] } : {}),
    role: p.role,
    ...(p.office ? { office: p.office } : {}),
    source: at < config.people.length ? 'configuration' : 'assigned',
  });
  return people.map(member);
}

const adminCount = async (config: AppConfig, reader: RecordReader) =>
  config.people.filter((p) => p.role === 'admin').length + (await reader.findBy('roleAssignments', 'role', 'admin')).length;

async function refusalOfNew(config: AppConfig, reader: RecordReader, actor: StaffActor, person: StaffPerson): Promise<StaffRefusal | null> {
  if (samePerson(person, actor.identity)) return 'self';
  if (config.people.some((p) => samePerson(p, person))) return 'configured';
  if ((await assignmentsOf(reader, person)).length > 0) return 'exists';
  return null;
}

/**
 * The assignment a Change or Remove is about, when it still is what the card
 * showed (`shown`), or why not.
 */
async function existing(
  config: AppConfig,
  reader: RecordReader,
  actor: StaffActor,
  key: string,
  shown: { role: string; office: string },
): Promise<StoredRoleAssignment | StaffRefusal> {
  if (config.people.some((p) => staffKey(p) === key)) return 'configured';
  const [assignment] = (await assignmentsOf(reader, { aadObjectId: key, email: key })).filter((p) => staffKey(p) === key);
  if (!assignment || assignment.role !== shown.role || (assignment.office ?? '') !== shown.office) return 'stale';
  if (samePerson(assignment, actor.identity)) return 'self';
  return assignment;
}

const personOf = (a: RoleAssignment): StaffPerson => (a.aadObjectId ? { aadObjectId: a.aadObjectId } : { email: a.email! });

/** The person's role and office as stored: the id names what it assigns. */
function assigned(who: { aadObjectId?: string; email?: string }, input: StaffRoleInput): StoredRoleAssignment {
  const assignment: RoleAssignment = { ...who, role: input.role, ...officeDetail(input.office) };
  return { ...assignment, id: roleAssignmentId(assignment) };
}

/** Writes the audit entry of a change and leaves the person a notice of it. */
async function record(
  tx: RecordTransaction,
  actor: StaffActor,
  action: 'role.add' | 'role.change' | 'role.remove',
  person: StaffPerson,
  details: Record<string, string>,
  notice: Omit<RoleNotice, 'auditId'>,
  now: Date,
): Promise<StaffResult> {
  const target = { ...person, name: await chatNameOf(tx, person.aadObjectId) };
  const entry = await addAudit(tx, { actor: actorOf(actor), action, target, details }, now);
  await tx.setJobState(`${ROLE_NOTICE}${staffKey(person)}`, JSON.stringify({ ...notice, auditId: entry.id } satisfies RoleNotice));
  return { ok: true, entry, person };
}

const actorOf = (actor: StaffActor) => ({ ...actor.identity, role: actor.role });
const officeDetail = (office?: string): { office?: string } => (office ? { office } : {});
/** Audit details: role and office now, and before when it changed. */
function roleDetails(now: { role?: Role; office?: string }, before: { role?: Role; office?: string } = {}): Record<string, string> {
  const entries = { role: now.role, office: now.office, previousRole: before.role, previousOffice: before.office };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => !!v)) as Record<string, string>;
}

export function addStaff(
  records: RecordStore,
  config: AppConfig,
  actor: StaffActor,
  person: StaffPerson,
  input: StaffRoleInput,
  now: Date,
): Promise<StaffResult> {
  return records.transaction(async (tx): Promise<StaffResult> => {
    const refusal = await refusalOfNew(config, tx, actor, person);
    if (refusal) return { ok: false, code: refusal };
    await tx.put('roleAssignments', assigned(person, input));
    return record(tx, actor, 'role.add', person, roleDetails(input), { role: input.role, ...officeDetail(input.office) }, now);
  });
}

export function changeStaff(
  records: RecordStore,
  config: AppConfig,
  actor: StaffActor,
  key: string,
  shown: { role: string; office: string },
  input: StaffRoleInput,
  now: Date,
): Promise<StaffResult> {
  return records.transaction(async (tx): Promise<StaffResult> => {
    const assignment = await existing(config, tx, actor, key, shown);
    if (typeof assignment === 'string') return { ok: false, code: assignment };
    if (assignment.role === 'admin' && input.role !== 'admin' && (await adminCount(config, tx)) <= 1) return { ok: false, code: 'last-admin' };
    const { id, role: _role, office: _office, ...who } = assignment;
    // The id names the role and office: a changed assignment is a new record.
    await tx.remove('roleAssignments', id);
    await tx.put('roleAssignments', assigned(who, input));
    const details = roleDetails(input, { role: assignment.role, office: assignment.office });
    return record(tx, actor, 'role.change', personOf(assignment), details, { role: input.role, ...officeDetail(input.office) }, now);
  });
}

export function removeStaff(
  records: RecordStore,
  config: AppConfig,
  actor: StaffActor,
  key: string,
  shown: { role: string; office: string },
  now: Date,
): Promise<StaffResult> {
  return records.transaction(async (tx): Promise<StaffResult> => {
    const assignment = await existing(config, tx, actor, key, shown);
    if (typeof assignment === 'string') return { ok: false, code: assignment };
    if (assignment.role === 'admin' && (await adminCount(config, tx)) <= 1) return { ok: false, code: 'last-admin' };
    await tx.remove('roleAssignments', assignment.id);
    return record(tx, actor, 'role.remove', personOf(assignment), roleDetails({}, assignment), { role: null }, now);
  });
}

// ---------------------------------------------------------------- telling the person

/** The notice waiting for this person, if any. */
export async function pendingRoleNotice(reader: RecordReader, identity: Identity): Promise<{ key: string; notice: RoleNotice } | null> {
  for (const id of [identity.aadObjectId, identity.email?.toLowerCase()]) {
    const value = id ? await reader.jobState(`${ROLE_NOTICE}${id}`) : undefined;
    if (value) return { key: id!, notice: JSON.parse(value) as RoleNotice };
  }
  return null;
}

/** Drops a delivered notice, unless a newer change has replaced it meanwhile. */
export async function clearRoleNotice(records: RecordStore, key: string, auditId: string): Promise<void> {
  const name = `${ROLE_NOTICE}${key}`;
  const isDelivered = (value: string | undefined) => !!value && (JSON.parse(value) as RoleNotice).auditId === auditId;
  if (!isDelivered(await records.jobState(name))) return;
  await records.transaction(async (tx) => {
    if (isDelivered(await tx.jobState(name))) await tx.setJobState(name, '');
  });
}
