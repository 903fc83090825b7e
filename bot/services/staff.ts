// Staff roles given in Teams (SharedData.roleAssignments) next to the people
// of the configuration, which stay the bootstrap and win for the same person.
// Every change is refused unless the rules hold, is written together with its
// audit entry, and leaves a notice for the person until Sidos has told them.
import type { AppConfig } from '../config.js';
import type { StaffPerson, StaffRoleInput } from '../domain/staff-input.js';
import type { Role } from '../domain/types.js';
import type { AuditEntry, RoleAssignment, SharedData, Store } from '../store/store.js';
import { appendAudit } from './audit.js';
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

/** What a person is told, kept in jobState under ROLE_NOTICE + key until delivered. */
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

/** Names of people who have a personal chat with Sidos, by aadObjectId. */
export function knownNames(shared: Readonly<SharedData>): Map<string, string> {
  const names = new Map<string, string>();
  for (const c of shared.conversations) {
    const name = (c.reference.user as { name?: string } | undefined)?.name;
    if (c.kind === 'personal' && c.aadObjectId && name) names.set(c.aadObjectId, name);
  }
  return names;
}

/** Configured people first, then those assigned in Teams. */
export function listStaff(config: AppConfig, shared: Readonly<SharedData>): StaffMember[] {
  const names = knownNames(shared);
  const member = (p: RoleAssignment, source: StaffMember['source']): StaffMember => ({
    key: staffKey(p),
    ...(p.aadObjectId ? { aadObjectId: p.aadObjectId } : {}),
    ...(p.email ? { email: p.email } : {}),
    ...(p.aadObjectId && names.has(p.aadObjectId) ? { name: names.get(p.aadObjectId) } : {}),
    role: p.role,
    ...(p.office ? { office: p.office } : {}),
    source,
  });
  return [...config.people.map((p) => member(p, 'configuration')), ...shared.roleAssignments.map((p) => member(p, 'assigned'))];
}

const adminCount = (config: AppConfig, shared: Readonly<SharedData>) =>
  config.people.filter((p) => p.role === 'admin').length + shared.roleAssignments.filter((p) => p.role === 'admin').length;

function refusalOfNew(config: AppConfig, shared: Readonly<SharedData>, actor: StaffActor, person: StaffPerson): StaffRefusal | null {
  if (samePerson(person, actor.identity)) return 'self';
  if (config.people.some((p) => samePerson(p, person))) return 'configured';
  if (shared.roleAssignments.some((p) => samePerson(p, person))) return 'exists';
  return null;
}

/**
 * The assignment a Change or Remove is about, when it still is what the card
 * showed (`shown`), or why not.
 */
function existing(
  config: AppConfig,
  shared: Readonly<SharedData>,
  actor: StaffActor,
  key: string,
  shown: { role: string; office: string },
): RoleAssignment | StaffRefusal {
  if (config.people.some((p) => staffKey(p) === key)) return 'configured';
  const assignment = shared.roleAssignments.find((p) => staffKey(p) === key);
  if (!assignment || assignment.role !== shown.role || (assignment.office ?? '') !== shown.office) return 'stale';
  if (samePerson(assignment, actor.identity)) return 'self';
  return assignment;
}

const personOf = (a: RoleAssignment): StaffPerson => (a.aadObjectId ? { aadObjectId: a.aadObjectId } : { email: a.email! });

function leaveNotice(shared: SharedData, person: StaffPerson, notice: RoleNotice): void {
  shared.jobState[`${ROLE_NOTICE}${staffKey(person)}`] = JSON.stringify(notice);
}

const actorOf = (actor: StaffActor) => ({ ...actor.identity, role: actor.role });
/** The person as the trail names them: their identifier, and their name when they chat with Sidos. */
const targetOf = (shared: Readonly<SharedData>, person: StaffPerson) => ({ ...person, name: knownNames(shared).get(person.aadObjectId ?? '') });
const officeDetail = (office?: string): { office?: string } => (office ? { office } : {});
/** Audit details: role and office now, and before when it changed. */
function roleDetails(now: { role?: Role; office?: string }, before: { role?: Role; office?: string } = {}): Record<string, string> {
  const entries = { role: now.role, office: now.office, previousRole: before.role, previousOffice: before.office };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => !!v)) as Record<string, string>;
}

export function addStaff(store: Store, config: AppConfig, actor: StaffActor, person: StaffPerson, input: StaffRoleInput, now: Date): Promise<StaffResult> {
  return store.updateShared((d): StaffResult => {
    const refusal = refusalOfNew(config, d, actor, person);
    if (refusal) return { ok: false, code: refusal };
    d.roleAssignments.push({ ...person, role: input.role, ...officeDetail(input.office) });
    const entry = appendAudit(d, { actor: actorOf(actor), action: 'role.add', target: targetOf(d, person), details: roleDetails(input) }, now);
    leaveNotice(d, person, { role: input.role, ...officeDetail(input.office), auditId: entry.id });
    return { ok: true, entry, person };
  });
}

export function changeStaff(
  store: Store,
  config: AppConfig,
  actor: StaffActor,
  key: string,
  shown: { role: string; office: string },
  input: StaffRoleInput,
  now: Date,
): Promise<StaffResult> {
  return store.updateShared((d): StaffResult => {
    const assignment = existing(config, d, actor, key, shown);
    if (typeof assignment === 'string') return { ok: false, code: assignment };
    if (assignment.role === 'admin' && input.role !== 'admin' && adminCount(config, d) <= 1) return { ok: false, code: 'last-admin' };
    const before = { role: assignment.role, office: assignment.office };
    assignment.role = input.role;
    if (input.office) assignment.office = input.office;
    else delete assignment.office;
    const person = personOf(assignment);
    const entry = appendAudit(d, { actor: actorOf(actor), action: 'role.change', target: targetOf(d, person), details: roleDetails(input, before) }, now);
    leaveNotice(d, person, { role: input.role, ...officeDetail(input.office), auditId: entry.id });
    return { ok: true, entry, person };
  });
}

export function removeStaff(store: Store, config: AppConfig, actor: StaffActor, key: string, shown: { role: string; office: string }, now: Date): Promise<StaffResult> {
  return store.updateShared((d): StaffResult => {
    const assignment = existing(config, d, actor, key, shown);
    if (typeof assignment === 'string') return { ok: false, code: assignment };
    if (assignment.role === 'admin' && adminCount(config, d) <= 1) return { ok: false, code: 'last-admin' };
    d.roleAssignments = d.roleAssignments.filter((a) => a !== assignment);
    const person = personOf(assignment);
    const entry = appendAudit(d, { actor: actorOf(actor), action: 'role.remove', target: targetOf(d, person), details: roleDetails({}, assignment) }, now);
    leaveNotice(d, person, { role: null, auditId: entry.id });
    return { ok: true, entry, person };
  });
}

// ---------------------------------------------------------------- telling the person

/** The notice waiting for this person, if any. */
export function pendingRoleNotice(shared: Readonly<SharedData>, identity: Identity): { key: string; notice: RoleNotice } | null {
  for (const id of [identity.aadObjectId, identity.email?.toLowerCase()]) {
    const value = id ? shared.jobState[`${ROLE_NOTICE}${id}`] : undefined;
    if (value) return { key: id!, notice: JSON.parse(value) as RoleNotice };
  }
  return null;
}

/** Drops a delivered notice, unless a newer change has replaced it meanwhile. */
export async function clearRoleNotice(store: Store, key: string, auditId: string): Promise<void> {
  const name = `${ROLE_NOTICE}${key}`;
  const current = () => store.readShared((d) => d.jobState[name]);
  const isDelivered = (value: string | undefined) => !!value && (JSON.parse(value) as RoleNotice).auditId === auditId;
  if (!isDelivered(current())) return;
  await store.updateShared((d) => {
    if (isDelivered(d.jobState[name])) delete d.jobState[name];
  });
}

/** The person's personal chat with Sidos, when there is one. */
export function personalChatId(shared: Readonly<SharedData>, person: StaffPerson): string | undefined {
  return person.aadObjectId ? shared.conversations.find((c) => c.kind === 'personal' && c.aadObjectId === person.aadObjectId)?.id : undefined;
}
