// Privacy: what Sidos stores about a person ("my data" and an admin's export),
// erasing a person, and the retention period of personal data.
// Erasing and retention anonymise the records the digest counts instead of
// deleting them: a record keeps its office, segment, rating, status and dates,
// and loses whom it was about (a random tombstone replaces the partner id, one
// per record, so records cannot be linked to each other either) and the free
// text a named author wrote. Text written anonymously and proposal texts stay.
// The audit trail keeps its entries too: erasing drops the person's name and
// identifiers from them (as the one who acted and the one acted on).
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type {
  Feedback,
  FeedbackRequest,
  Instant,
  Invitation,
  Meeting,
  MeetingStatus,
  OfficeFeedback,
  Partner,
  Proposal,
  ProposalStatusChange,
  Role,
} from '../domain/types.js';
import type { AuditEntry, AuditPerson, ConversationRecord, SendRecord, SharedData, Store, YearData } from '../store/store.js';
import type { FileDownload } from './downloads.js';
import { undoablePartner } from './partner-undo.js';

/** Whom to look for; any one identifier is enough, the others are found from the register. */
export interface Who {
  partnerId?: string;
  aadObjectId?: string;
  email?: string;
}

const DAY_MS = 86_400_000;
export const EXPORT_LINK_HOURS = 24;
const TOMBSTONE = 'erased:';
/** partner-undo.ts keeps a removed partner under this jobState prefix while the removal can be undone. */
const REMOVED_PARTNER = 'removedPartner:';

const tombstone = () => `${TOMBSTONE}${randomBytes(9).toString('base64url')}`;
const isTombstone = (id: string) => id.startsWith(TOMBSTONE);

// ---------------------------------------------------------------- identifying a person

/** Every identifier of one person: given, or found in the register, role assignments and configuration. */
interface Person {
  partnerIds: Set<string>;
  aadObjectIds: Set<string>;
  /** Lower case. */
  emails: Set<string>;
}

interface IdentityEntry {
  id?: string;
  aadObjectId?: string;
  email?: string;
}

function removedPartners(shared: Readonly<SharedData>): Partner[] {
  return Object.entries(shared.jobState)
    .filter(([key]) => key.startsWith(REMOVED_PARTNER))
    .map(([, value]) => (JSON.parse(value) as { partner: Partner }).partner);
}

const refers = (person: Person, value: string | undefined): boolean =>
  !!value && (person.partnerIds.has(value) || person.aadObjectIds.has(value) || person.emails.has(value.toLowerCase()));

const matchesEntry = (person: Person, entry: IdentityEntry) => refers(person, entry.id) || refers(person, entry.aadObjectId) || refers(person, entry.email);

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

/** True when the text (a send key, a job state value) contains one of the person's identifiers. */
function mentions(person: Person, text: string): boolean {
  const lower = text.toLowerCase();
  return (
    [...person.partnerIds, ...person.aadObjectIds].some((id) => containsWhole(text, id)) ||
    [...person.emails].some((e) => containsWhole(lower, e))
  );
}

function identify(shared: Readonly<SharedData>, people: readonly IdentityEntry[], who: Who): Person {
  const person: Person = { partnerIds: new Set(), aadObjectIds: new Set(), emails: new Set() };
  const add = (entry: IdentityEntry): boolean => {
    const before = person.partnerIds.size + person.aadObjectIds.size + person.emails.size;
    if (entry.id) person.partnerIds.add(entry.id);
    if (entry.aadObjectId) person.aadObjectIds.add(entry.aadObjectId);
    if (entry.email) person.emails.add(entry.email.toLowerCase());
    return person.partnerIds.size + person.aadObjectIds.size + person.emails.size > before;
  };
  add({ id: who.partnerId, aadObjectId: who.aadObjectId, email: who.email });
  const entries: IdentityEntry[] = [...shared.partners, ...removedPartners(shared), ...shared.roleAssignments, ...people];
  // An e-mail can lead to a partner whose Teams identity leads to a role assignment: repeat until nothing new.
  let grew = true;
  while (grew) grew = entries.filter((e) => matchesEntry(person, e)).map(add).some(Boolean);
  return person;
}

/** An audit trail actor or target that is the person. */
const isPerson = (person: Person, who: AuditPerson) => refers(person, who.partnerId) || refers(person, who.aadObjectId) || refers(person, who.email);
const namesPerson = (person: Person, entry: AuditEntry) => isPerson(person, entry.actor) || isPerson(person, entry.target);

/** An entry as the person may see it: the other side (who looked them up, whom they looked up) is not their data. */
const ownPart = (person: Person, entry: AuditEntry): AuditEntry => ({
  ...structuredClone(entry),
  actor: isPerson(person, entry.actor) ? { ...entry.actor } : { role: entry.actor.role },
  target: isPerson(person, entry.target) ? { ...entry.target } : entry.target.ref ? { ref: entry.target.ref } : {},
});

/** The person's personal chats with the bot. */
const ownConversation = (person: Person, c: ConversationRecord) => c.kind === 'personal' && refers(person, c.aadObjectId);

/** A group chat or channel whose stored reference names the person as its last sender. */
const namedIn = (person: Person, c: ConversationRecord) =>
  !ownConversation(person, c) && refers(person, (c.reference.user as { aadObjectId?: string } | undefined)?.aadObjectId);

/** Sends to the person: to their chat, their partner id or address, or naming them in the key or description. */
function addressedTo(person: Person, send: SendRecord, chats: ReadonlySet<string>): boolean {
  return chats.has(send.target) || refers(person, send.target) || mentions(person, send.id) || mentions(person, send.what);
}

// ---------------------------------------------------------------- what is stored

export interface MeetingRef {
  id: string;
  subTheme: string;
  startsAt: Instant;
  officeId: string;
  status: MeetingStatus;
}

type WithMeeting<T> = T & { year: number; meeting: MeetingRef | null };

export interface PersonalData {
  /** The identifiers the records were found by. */
  identifiers: { partnerIds: string[]; aadObjectIds: string[]; emails: string[] };
  partner: Partner | null;
  /** Office staff roles, from the configuration file or assigned in Sidos. */
  roles: { role: Role; office?: string; source: 'configuration' | 'assigned' }[];
  conversations: ConversationRecord[];
  /** Download tokens are left out: they are credentials, not information about the person. */
  invitations: WithMeeting<Omit<Invitation, 'partnerId' | 'icsToken'>>[];
  feedbackRequests: WithMeeting<Omit<FeedbackRequest, 'partnerId'>>[];
  /** Anonymous feedback too: it is the person's own. */
  feedback: WithMeeting<Omit<Feedback, 'partnerId'>>[];
  /** Who on the staff decided is not the person's data; what and why is. */
  proposals: (Omit<Proposal, 'authorPartnerId' | 'history'> & { year: number; history: Omit<ProposalStatusChange, 'by'>[] })[];
  /** The office's feedback to the partner's organisation: about the organisation, not the person. */
  organisationFeedback: WithMeeting<Omit<OfficeFeedback, 'givenBy'>>[];
  sends: SendRecord[];
  /** Announcements the person was sent as a partner, and when they acknowledged each. */
  announcements: { id: string; officeId: string; kind: string; title: string; createdAt: Instant; acknowledgedAt?: Instant }[];
  /** Facts the jobs keep, e.g. a copy of a partner removed from the register, kept for undo. */
  jobState: Record<string, string>;
  /** Audit trail entries naming the person, as the one who acted or the one acted on; the other side is left out. */
  audit: AuditEntry[];
  /** What the person did as office staff. */
  staffRecords: {
    plans: { id: string; year: number; officeId: string; theme: string; createdAt: Instant }[];
    surveys: { id: string; officeId: string; topic: string; createdAt: Instant }[];
    officeFeedbackGiven: { id: string; year: number; officeId: string; organisation: string; givenAt: Instant }[];
    proposalDecisions: { proposalId: string; year: number; status: string; at: Instant }[];
    subscriptions: { id: string; topic: string; conversationRecordId: string; at: Instant }[];
  };
}

const orgKey = (organisation: string) => organisation.trim().toLowerCase();

function meetingRefs(store: Store): Map<string, MeetingRef> {
  const refs = new Map<string, MeetingRef>();
  for (const year of store.years()) {
    store.readYear(year, (d) => {
      for (const m of d.meetings) refs.set(m.id, { id: m.id, subTheme: m.subTheme, startsAt: m.startsAt, officeId: m.officeId, status: m.status });
    });
  }
  return refs;
}

/** Everything Sidos stores about the person, across the shared file and every year file, as plain JSON. */
export function personalData(store: Store, config: AppConfig, who: Who): PersonalData {
  const shared = store.readShared((d) => structuredClone(d) as SharedData);
  const person = identify(shared, config.people, who);
  const partner = shared.partners.find((p) => person.partnerIds.has(p.id)) ?? null;
  const chats = new Set(shared.conversations.filter((c) => ownConversation(person, c)).map((c) => c.id));
  const data: PersonalData = {
    identifiers: { partnerIds: [...person.partnerIds], aadObjectIds: [...person.aadObjectIds], emails: [...person.emails] },
    partner,
    roles: [
      ...config.people.filter((p) => matchesEntry(person, p)).map((p) => ({ role: p.role, ...(p.office ? { office: p.office } : {}), source: 'configuration' as const })),
      ...shared.roleAssignments.filter((p) => matchesEntry(person, p)).map((p) => ({ role: p.role, ...(p.office ? { office: p.office } : {}), source: 'assigned' as const })),
    ],
    conversations: shared.conversations.filter((c) => ownConversation(person, c) || namedIn(person, c)),
    invitations: [],
    feedbackRequests: [],
    feedback: [],
    proposals: [],
    organisationFeedback: [],
    sends: shared.sends.filter((s) => addressedTo(person, s, chats)),
    announcements: shared.announcements
      .filter((a) => a.recipients.some((id) => person.partnerIds.has(id)))
      .map((a) => {
        const acknowledgedAt = a.acknowledgements.find((ack) => person.partnerIds.has(ack.partnerId))?.at;
        return { id: a.id, officeId: a.officeId, kind: a.kind, title: a.title, createdAt: a.createdAt, ...(acknowledgedAt ? { acknowledgedAt } : {}) };
      }),
    jobState: Object.fromEntries(Object.entries(shared.jobState).filter(([key, value]) => mentions(person, key) || mentions(person, value))),
    audit: shared.audit.filter((e) => namesPerson(person, e)).map((e) => ownPart(person, e)),
    staffRecords: {
      plans: [],
      surveys: shared.surveys.filter((s) => refers(person, s.createdBy)).map(({ id, officeId, topic, createdAt }) => ({ id, officeId, topic, createdAt })),
      officeFeedbackGiven: [],
      proposalDecisions: [],
      subscriptions: shared.subscriptions
        .filter((s) => refers(person, s.by))
        .map(({ id, topic, conversationRecordId, at }) => ({ id, topic, conversationRecordId, at })),
    },
  };
  const meetings = meetingRefs(store);
  const meetingOf = (id: string | undefined) => (id && meetings.get(id)) || null;
  const organisation = partner && orgKey(partner.organisation);
  for (const year of store.years()) {
    store.readYear(year, (d) => {
      for (const { partnerId: _p, icsToken: _t, ...rest } of d.invitations.filter((i) => refers(person, i.partnerId))) {
        data.invitations.push({ ...structuredClone(rest), year, meeting: meetingOf(rest.meetingId) });
      }
      for (const { partnerId: _p, ...rest } of d.feedbackRequests.filter((r) => refers(person, r.partnerId))) {
        data.feedbackRequests.push({ ...structuredClone(rest), year, meeting: meetingOf(rest.meetingId) });
      }
      for (const { partnerId: _p, ...rest } of d.feedback.filter((f) => refers(person, f.partnerId))) {
        data.feedback.push({ ...structuredClone(rest), year, meeting: meetingOf(rest.meetingId) });
      }
      for (const { authorPartnerId: _a, history, ...rest } of d.proposals.filter((p) => refers(person, p.authorPartnerId))) {
        data.proposals.push({ ...structuredClone(rest), year, history: history.map(({ by: _b, ...change }) => ({ ...change })) });
      }
      for (const { givenBy: _g, ...rest } of d.officeFeedback.filter((f) => f.officeId === partner?.officeId && orgKey(f.organisation) === organisation)) {
        data.organisationFeedback.push({ ...structuredClone(rest), year, meeting: meetingOf(rest.meetingId) });
      }
      const staff = data.staffRecords;
      for (const p of d.plans.filter((p) => refers(person, p.createdBy))) {
        staff.plans.push({ id: p.id, year, officeId: p.officeId, theme: p.theme, createdAt: p.createdAt });
      }
      for (const f of d.officeFeedback.filter((f) => refers(person, f.givenBy))) {
        staff.officeFeedbackGiven.push({ id: f.id, year, officeId: f.officeId, organisation: f.organisation, givenAt: f.givenAt });
      }
      for (const p of d.proposals) {
        for (const h of p.history.filter((h) => refers(person, h.by))) staff.proposalDecisions.push({ proposalId: p.id, year, status: h.status, at: h.at });
      }
    });
  }
  return data;
}

/** True when nothing at all is stored about the person. */
export function nothingStored(data: PersonalData): boolean {
  const { identifiers: _i, partner, jobState, staffRecords, ...lists } = data;
  return (
    !partner &&
    Object.keys(jobState).length === 0 &&
    Object.values(lists).every((list) => list.length === 0) &&
    Object.values(staffRecords).every((list) => list.length === 0)
  );
}

// ---------------------------------------------------------------- anonymising year records

/** Which records of a year file lose their person. */
interface YearSelection {
  invitation: (invitation: Invitation, meeting: Meeting | undefined) => boolean;
  request: (request: FeedbackRequest) => boolean;
  feedback: (feedback: Feedback) => boolean;
  proposal: (proposal: Proposal) => boolean;
  /** A staff identity in createdBy, givenBy or a decision's `by`. */
  staff: (by: string) => boolean;
}

export interface YearCounts {
  invitations: number;
  feedbackRequests: number;
  feedback: number;
  /** Feedback given with the author's name whose free texts were removed. */
  feedbackTexts: number;
  proposals: number;
  /** Plans, office feedback and proposal decisions that named a staff member. */
  staffReferences: number;
}

function selectYear(data: Readonly<YearData>, select: YearSelection) {
  const meetings = new Map(data.meetings.map((m) => [m.id, m]));
  return {
    invitations: data.invitations.filter((i) => select.invitation(i, meetings.get(i.meetingId))),
    feedbackRequests: data.feedbackRequests.filter(select.request),
    feedback: data.feedback.filter(select.feedback),
    proposals: data.proposals.filter(select.proposal),
    plans: data.plans.filter((p) => select.staff(p.createdBy)),
    officeFeedback: data.officeFeedback.filter((f) => select.staff(f.givenBy)),
    decisions: data.proposals.flatMap((p) => p.history.filter((h) => select.staff(h.by))),
  };
}

function countsOf(selected: ReturnType<typeof selectYear>): YearCounts {
  return {
    invitations: selected.invitations.length,
    feedbackRequests: selected.feedbackRequests.length,
    feedback: selected.feedback.length,
    feedbackTexts: selected.feedback.filter((f) => !f.anonymous).length,
    proposals: selected.proposals.length,
    staffReferences: selected.plans.length + selected.officeFeedback.length + selected.decisions.length,
  };
}

const total = (counts: YearCounts) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/**
 * Anonymises the selected records of every year file, one write per year that
 * has any. Returns the counts and the .ics tokens that no longer open anything.
 */
async function anonymiseYears(store: Store, select: YearSelection): Promise<{ counts: YearCounts; droppedTokens: string[] }> {
  const counts: YearCounts = { invitations: 0, feedbackRequests: 0, feedback: 0, feedbackTexts: 0, proposals: 0, staffReferences: 0 };
  const droppedTokens: string[] = [];
  for (const year of store.years()) {
    if (total(store.readYear(year, (d) => countsOf(selectYear(d, select)))) === 0) continue;
    const done = await store.updateYear(year, (d) => {
      const selected = selectYear(d, select);
      for (const invitation of selected.invitations) {
        droppedTokens.push(invitation.icsToken);
        // The old token stops working; a fresh one keeps the record's shape and is never handed out.
        Object.assign(invitation, { partnerId: tombstone(), icsToken: randomBytes(24).toString('base64url') });
      }
      for (const request of selected.feedbackRequests) request.partnerId = tombstone();
      for (const feedback of selected.feedback) {
        feedback.partnerId = tombstone();
        if (feedback.anonymous) continue;
        Object.assign(feedback, { works: '', change: '' });
        delete feedback.justification;
      }
      for (const proposal of selected.proposals) Object.assign(proposal, { authorPartnerId: tombstone(), anonymous: true });
      for (const plan of selected.plans) plan.createdBy = tombstone();
      for (const given of selected.officeFeedback) given.givenBy = tombstone();
      for (const change of selected.decisions) change.by = tombstone();
      return countsOf(selected);
    }, { purge: true });
    for (const key of Object.keys(counts) as (keyof YearCounts)[]) counts[key] += done[key];
  }
  return { counts, droppedTokens };
}

// ---------------------------------------------------------------- erasing a person

export interface SharedCounts {
  /** 1 when the register entry was removed. */
  partner: number;
  /** Personal chats removed, and group chats or channels whose stored reference named the person. */
  conversations: number;
  roleAssignments: number;
  /** Subscriptions ended (their chat is gone) or no longer naming who subscribed. */
  subscriptions: number;
  surveys: number;
  sends: number;
  links: number;
  jobState: number;
  /** Audit entries in which the person was anonymised (they are kept). */
  audit: number;
  /** Announcements the person was a recipient of, written by them, or named them as a segment contact. */
  announcements: number;
}

export type ErasureSummary = YearCounts & SharedCounts & { found: boolean };

function selectShared(data: Readonly<SharedData>, person: Person, droppedTokens: ReadonlySet<string>) {
  const chats = data.conversations.filter((c) => ownConversation(person, c));
  const chatIds = new Set(chats.map((c) => c.id));
  const exportOf = (ref: string) => {
    const who = parseWho(ref);
    return !!who && (refers(person, who.partnerId) || refers(person, who.aadObjectId) || refers(person, who.email));
  };
  return {
    partners: data.partners.filter((p) => person.partnerIds.has(p.id)),
    chats,
    channels: data.conversations.filter((c) => namedIn(person, c)),
    roleAssignments: data.roleAssignments.filter((r) => matchesEntry(person, r)),
    endedSubscriptions: data.subscriptions.filter((s) => chatIds.has(s.conversationRecordId)),
    subscribers: data.subscriptions.filter((s) => !chatIds.has(s.conversationRecordId) && refers(person, s.by)),
    surveys: data.surveys.filter((s) => refers(person, s.createdBy)),
    sends: data.sends.filter((s) => addressedTo(person, s, chatIds)),
    links: data.links.filter(
      (l) => (l.kind === 'ics' && droppedTokens.has(l.id)) || (l.kind === 'export' && exportOf(l.ref)) || (!!l.partnerId && person.partnerIds.has(l.partnerId)),
    ),
    audit: data.audit.filter((e) => namesPerson(person, e)),
    announcements: data.announcements.filter(
      (a) => a.recipients.some((id) => person.partnerIds.has(id)) || a.acknowledgements.some((ack) => person.partnerIds.has(ack.partnerId)) || refers(person, a.createdBy),
    ),
    contactLists: data.segmentContacts.filter((c) => c.contacts.some((contact) => person.emails.has(contact.email.toLowerCase())) || refers(person, c.updatedBy)),
    jobState: Object.entries(data.jobState)
      .filter(([key, value]) => mentions(person, key) || mentions(person, value))
      .map(([key]) => key),
  };
}

function sharedCounts(selected: ReturnType<typeof selectShared>): SharedCounts {
  return {
    partner: selected.partners.length,
    conversations: selected.chats.length + selected.channels.length,
    roleAssignments: selected.roleAssignments.length,
    subscriptions: selected.endedSubscriptions.length + selected.subscribers.length,
    surveys: selected.surveys.length,
    sends: selected.sends.length,
    links: selected.links.length,
    jobState: selected.jobState.length,
    audit: selected.audit.length,
    announcements: selected.announcements.length + selected.contactLists.length,
  };
}

const without = <T>(list: T[], remove: readonly T[]) => list.filter((item) => !remove.includes(item));

/**
 * Erases a person: removes their register entry, chats, role assignments,
 * sends and job state, and anonymises the year records that named them (see
 * the top of this file), so the digest's counts, ratings and statuses stay.
 *
 * Not one transaction: the year files are written first (one write each) and
 * the shared file, which holds the register entry, last. Should it stop in
 * between, the person is still in the register and running it again finishes
 * the job; records already anonymised no longer match, so a second run, or
 * erasing someone already erased, changes nothing. (After such a stop, .ics
 * links of the anonymised invitations stay until they expire; they open nothing.)
 */
export async function erasePerson(store: Store, config: AppConfig, who: Who): Promise<ErasureSummary> {
  const person = store.readShared((d) => identify(d, config.people, who));
  const { counts, droppedTokens } = await anonymiseYears(store, {
    invitation: (i) => refers(person, i.partnerId),
    request: (r) => refers(person, r.partnerId),
    feedback: (f) => refers(person, f.partnerId),
    proposal: (p) => refers(person, p.authorPartnerId),
    staff: (by) => refers(person, by),
  });
  const tokens = new Set(droppedTokens);
  const pending = store.readShared((d) => sharedCounts(selectShared(d, person, tokens)));
  const shared = Object.values(pending).some((n) => n > 0)
    ? await store.updateShared((d) => {
        const selected = selectShared(d, person, tokens);
        d.partners = without(d.partners, selected.partners);
        d.conversations = without(d.conversations, selected.chats);
        for (const channel of selected.channels) delete channel.reference.user;
        d.roleAssignments = without(d.roleAssignments, selected.roleAssignments);
        d.subscriptions = without(d.subscriptions, selected.endedSubscriptions);
        for (const subscription of selected.subscribers) subscription.by = tombstone();
        for (const survey of selected.surveys) survey.createdBy = tombstone();
        d.sends = without(d.sends, selected.sends);
        d.links = without(d.links, selected.links);
        for (const key of selected.jobState) delete d.jobState[key];
        for (const a of selected.announcements) {
          a.recipients = a.recipients.filter((id) => !person.partnerIds.has(id));
          a.acknowledgements = a.acknowledgements.filter((ack) => !person.partnerIds.has(ack.partnerId));
          if (refers(person, a.createdBy)) a.createdBy = tombstone();
        }
        for (const list of selected.contactLists) {
          list.contacts = list.contacts.filter((contact) => !person.emails.has(contact.email.toLowerCase()));
          if (refers(person, list.updatedBy)) list.updatedBy = tombstone();
        }
        for (const entry of selected.audit) {
          if (isPerson(person, entry.actor)) entry.actor = { role: entry.actor.role, erased: true };
          if (isPerson(person, entry.target)) entry.target = { ...(entry.target.ref ? { ref: entry.target.ref } : {}), erased: true };
        }
        return sharedCounts(selected);
      }, { purge: true })
    : pending;
  const summary = { ...counts, ...shared };
  return { ...summary, found: Object.values(summary).some((n) => n > 0) };
}

// ---------------------------------------------------------------- retention

export interface RetentionSummary extends YearCounts {
  /** Partners erased because neither they nor anything they did changed since the cut-off. */
  partnersErased: number;
  sends: number;
  /** Personal chats of people Sidos does not know (anymore) that are no longer used. */
  conversations: number;
  links: number;
  jobState: number;
  /** Audit entries older than retention.auditDays, deleted. */
  audit: number;
  /** Announcements sent (or resolved) before the cut-off, deleted with the list of whom they reached. */
  announcements: number;
}

/** The latest moment each partner did something or something was done with them. */
function lastActivity(store: Store): Map<string, number> {
  const latest = new Map<string, number>();
  const seen = (partnerId: string, ...instants: (Instant | undefined)[]) => {
    for (const at of instants) if (at) latest.set(partnerId, Math.max(latest.get(partnerId) ?? 0, Date.parse(at)));
  };
  for (const year of store.years()) {
    store.readYear(year, (d) => {
      const meetings = new Map(d.meetings.map((m) => [m.id, m]));
      for (const i of d.invitations) seen(i.partnerId, meetings.get(i.meetingId)?.endsAt, i.respondedAt, i.reminderSentAt);
      for (const r of d.feedbackRequests) seen(r.partnerId, r.sentAt, r.lastReminderAt, r.answeredAt);
      for (const f of d.feedback) seen(f.partnerId, f.updatedAt);
      for (const p of d.proposals) seen(p.authorPartnerId, p.createdAt, ...p.history.map((h) => h.at));
    });
  }
  store.readShared((d) => {
    for (const p of d.partners) {
      const chat = d.conversations.find((c) => c.kind === 'personal' && !!p.aadObjectId && c.aadObjectId === p.aadObjectId);
      seen(p.id, p.updatedAt, chat?.updatedAt);
    }
  });
  return latest;
}

/**
 * Job: personal data older than retention.personalDataDays is anonymised the
 * way erasing does it (invitations of meetings that ended before the cut-off,
 * feedback requests, feedback and proposals last changed before it); older
 * sends, unused personal chats of people Sidos does not know, spent undo copies
 * of removed partners, expired download links and audit entries older than
 * retention.auditDays are deleted. Partners stay,
 * as the current register, unless they and everything they did are older than
 * the cut-off: then they are erased. Running it again changes nothing.
 */
export async function applyRetention(store: Store, config: AppConfig, now: Date): Promise<RetentionSummary> {
  const cutoff = now.getTime() - config.retention.personalDataDays * DAY_MS;
  const auditCutoff = now.getTime() - config.retention.auditDays * DAY_MS;
  const before = (at: Instant | undefined) => !!at && Date.parse(at) < cutoff;

  const activity = lastActivity(store);
  const stale = store.readShared((d) => d.partners.filter((p) => (activity.get(p.id) ?? 0) < cutoff).map((p) => p.id));
  for (const partnerId of stale) await erasePerson(store, config, { partnerId });

  const { counts } = await anonymiseYears(store, {
    invitation: (i, meeting) => !isTombstone(i.partnerId) && before(meeting?.endsAt),
    request: (r) => !isTombstone(r.partnerId) && before(r.answeredAt ?? r.sentAt),
    feedback: (f) => !isTombstone(f.partnerId) && before(f.updatedAt),
    proposal: (p) => !isTombstone(p.authorPartnerId) && before([p.createdAt, ...p.history.map((h) => h.at)].sort().at(-1)),
    staff: () => false,
  });

  const spentUndo = store.readShared((d) =>
    Object.keys(d.jobState).filter((key) => key.startsWith(REMOVED_PARTNER) && !undoablePartner(d.jobState[key], now)),
  );
  const select = (d: Readonly<SharedData>) => {
    // Staff configured by e-mail have chats that name no one known: a digest subscription keeps those in use.
    const known = new Set([...d.partners, ...d.roleAssignments, ...config.people].flatMap((entry) => entry.aadObjectId ?? []));
    const subscribed = new Set(d.subscriptions.map((s) => s.conversationRecordId));
    const unused = (c: ConversationRecord) => before(c.updatedAt) && !subscribed.has(c.id) && !(c.aadObjectId && known.has(c.aadObjectId));
    return {
      sends: d.sends.filter((s) => before(s.at)),
      chats: d.conversations.filter((c) => c.kind === 'personal' && unused(c)),
      links: d.links.filter((l) => Date.parse(l.expiresAt) <= now.getTime()),
      jobState: spentUndo.filter((key) => key in d.jobState),
      audit: d.audit.filter((e) => Date.parse(e.at) < auditCutoff),
      // They name their recipients: gone with the sends that reached them.
      announcements: d.announcements.filter((a) => before(a.resolvedAt ?? a.createdAt)),
    };
  };
  const sizes = (s: ReturnType<typeof select>) => ({
    sends: s.sends.length,
    conversations: s.chats.length,
    links: s.links.length,
    jobState: s.jobState.length,
    audit: s.audit.length,
    announcements: s.announcements.length,
  });
  const pending = store.readShared((d) => sizes(select(d)));
  const shared = Object.values(pending).some((n) => n > 0)
    ? await store.updateShared((d) => {
        const selected = select(d);
        d.sends = without(d.sends, selected.sends);
        d.conversations = without(d.conversations, selected.chats);
        d.links = without(d.links, selected.links);
        for (const key of selected.jobState) delete d.jobState[key];
        d.audit = without(d.audit, selected.audit);
        d.announcements = without(d.announcements, selected.announcements);
        return sizes(selected);
      }, { purge: true })
    : pending;
  return { ...counts, ...shared, partnersErased: stale.length };
}

// ---------------------------------------------------------------- the JSON download

function parseWho(ref: string): Who | null {
  try {
    const value = JSON.parse(ref) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return { partnerId: text(value.partnerId), aadObjectId: text(value.aadObjectId), email: text(value.email) };
  } catch {
    return null;
  }
}

/**
 * A download link (valid EXPORT_LINK_HOURS) to the person's data as JSON. The
 * data is gathered when the link is opened. Expired export links are dropped.
 */
export async function exportLink(store: Store, config: AppConfig, who: Who, now: Date): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  const ref = JSON.stringify({ partnerId: who.partnerId, aadObjectId: who.aadObjectId, email: who.email });
  const expiresAt = new Date(now.getTime() + EXPORT_LINK_HOURS * 3_600_000).toISOString();
  await store.updateShared((d) => {
    d.links = d.links.filter((l) => l.kind !== 'export' || Date.parse(l.expiresAt) > now.getTime());
    d.links.push({ id: token, kind: 'export', ref, expiresAt });
  }, { purge: true });
  return `${config.publicBaseUrl}/files/${token}`;
}

/** What an export link serves; null when unknown or expired. */
export function resolveExportDownload(store: Store, config: AppConfig, token: string, now: Date): FileDownload | null {
  const link = store.readShared((d) => d.links.find((l) => l.id === token && l.kind === 'export'));
  const who = link && Date.parse(link.expiresAt) > now.getTime() ? parseWho(link.ref) : null;
  if (!who) return null;
  return {
    contentType: 'application/json; charset=utf-8',
    fileName: `sidos-personal-data-${now.toISOString().slice(0, 10)}.json`,
    body: JSON.stringify(personalData(store, config, who), null, 2),
  };
}
