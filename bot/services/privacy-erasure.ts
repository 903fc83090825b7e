// Privacy: erasing a person. Erasing (and retention, privacy-retention.ts)
// anonymises the records the digest counts instead of deleting them: a record
// keeps its office, segment, rating, status and dates, and loses whom it was
// about (a random tombstone replaces the partner id, one per record, so records
// cannot be linked to each other either) and the free text a named author
// wrote. Text written anonymously and proposal texts stay. The audit trail
// keeps its entries too: erasing drops the person's name and identifiers from
// them (as the one who acted and the one acted on).
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type { Feedback, Invitation, Proposal } from '../domain/types.js';
import type { YearKind } from '../store/record-kinds.js';
import type { RecordStore, RecordTransaction } from '../store/records.js';
import {
  assignedRoles,
  findEach,
  identify,
  isPerson,
  mentions,
  namedIn,
  namesPerson,
  ownChats,
  parseWho,
  refers,
  scanFor,
  sendsTo,
  staffActsInYear,
  tombstone,
  unindexedNaming,
  type Person,
  type Who,
} from './privacy-person.js';

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

export const noYearCounts = (): YearCounts => ({ invitations: 0, feedbackRequests: 0, feedback: 0, feedbackTexts: 0, proposals: 0, staffReferences: 0 });

/** The invitation without its partner; `icsToken` is the token that no longer opens anything. */
export function anonymousInvitation(invitation: Invitation): Invitation {
  // The old token stops working; a fresh one keeps the record's shape and is never handed out.
  return { ...invitation, partnerId: tombstone(), icsToken: randomBytes(24).toString('base64url') };
}

/** Feedback without its author, and without the free texts when it was given with the author's name. */
export function anonymousFeedback(feedback: Feedback): Feedback {
  if (feedback.anonymous) return { ...feedback, partnerId: tombstone() };
  const { justification: _j, ...rest } = feedback;
  return { ...rest, partnerId: tombstone(), works: '', change: '' };
}

export const anonymousProposal = (proposal: Proposal): Proposal => ({ ...proposal, authorPartnerId: tombstone(), anonymous: true });

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

/** Anonymises the year records naming the person, found by partner id; staff references year by year (no index finds who acted). */
async function anonymiseYears(tx: RecordTransaction, person: Person): Promise<{ counts: YearCounts; droppedTokens: string[] }> {
  const counts = noYearCounts();
  const droppedTokens: string[] = [];
  const partnerIds = [...person.partnerIds];
  const yearOf = async (kind: YearKind, id: string) => (await tx.yearOf(kind, id))!;
  for (const invitation of await findEach(tx, 'invitations', 'partnerId', partnerIds)) {
    droppedTokens.push(invitation.icsToken);
    await tx.putInYear('invitations', await yearOf('invitations', invitation.id), anonymousInvitation(invitation));
    counts.invitations++;
  }
  for (const request of await findEach(tx, 'feedbackRequests', 'partnerId', partnerIds)) {
    await tx.putInYear('feedbackRequests', await yearOf('feedbackRequests', request.id), { ...request, partnerId: tombstone() });
    counts.feedbackRequests++;
  }
  for (const feedback of await findEach(tx, 'feedback', 'partnerId', partnerIds)) {
    await tx.putInYear('feedback', await yearOf('feedback', feedback.id), anonymousFeedback(feedback));
    counts.feedback++;
    if (!feedback.anonymous) counts.feedbackTexts++;
  }
  for (const proposal of await findEach(tx, 'proposals', 'authorPartnerId', partnerIds)) {
    await tx.putInYear('proposals', await yearOf('proposals', proposal.id), anonymousProposal(proposal));
    counts.proposals++;
  }
  for (const year of await tx.years()) {
    const acts = await staffActsInYear(tx, person, year);
    for (const plan of acts.plans) {
      await tx.putInYear('plans', year, { ...plan, createdBy: tombstone() });
      counts.staffReferences++;
    }
    for (const given of acts.officeFeedback) {
      await tx.putInYear('officeFeedback', year, { ...given, givenBy: tombstone() });
      counts.staffReferences++;
    }
    for (const proposal of acts.proposals) {
      counts.staffReferences += proposal.history.filter((h) => refers(person, h.by)).length;
      await tx.putInYear('proposals', year, { ...proposal, history: proposal.history.map((h) => (refers(person, h.by) ? { ...h, by: tombstone() } : h)) });
    }
  }
  return { counts, droppedTokens };
}

/**
 * What the erasure changes that no index finds, read before the transaction,
 * which reads each again by id and checks it still names the person: the
 * unindexed shared records, and the contact lists naming them.
 */
async function unindexed(records: RecordStore, person: Person) {
  return {
    ...(await unindexedNaming(records, person)),
    contactLists: await scanFor(records, 'segmentContacts', (c) => c.contacts.some((contact) => person.emails.has(contact.email.toLowerCase())) || refers(person, c.updatedBy)),
  };
}

/** Removes or anonymises the shared records naming the person. */
async function eraseShared(tx: RecordTransaction, person: Person, found: Awaited<ReturnType<typeof unindexed>>, droppedTokens: string[]): Promise<SharedCounts> {
  const counts: SharedCounts = { partner: 0, conversations: 0, roleAssignments: 0, subscriptions: 0, surveys: 0, sends: 0, links: 0, jobState: 0, audit: 0, announcements: 0 };
  const partnerIds = [...person.partnerIds];
  for (const id of partnerIds) if (await tx.remove('partners', id)) counts.partner++;
  const chats = await ownChats(tx, person);
  const chatIds = new Set(chats.map((c) => c.id));
  for (const send of await sendsTo(tx, person, chats)) if (await tx.remove('sends', send.id)) counts.sends++;
  for (const chat of chats) if (await tx.remove('conversations', chat.id)) counts.conversations++;
  for (const { id } of found.channels) {
    const channel = await tx.get('conversations', id);
    if (!channel || !namedIn(person, channel)) continue;
    delete channel.reference.user;
    await tx.put('conversations', channel);
    counts.conversations++;
  }
  for (const { id } of await assignedRoles(tx, person)) if (await tx.remove('roleAssignments', id)) counts.roleAssignments++;
  for (const { id } of await findEach(tx, 'subscriptions', 'conversationRecordId', chatIds)) if (await tx.remove('subscriptions', id)) counts.subscriptions++;
  for (const { id } of found.subscriptions) {
    const subscription = await tx.get('subscriptions', id);
    if (!subscription || !refers(person, subscription.by)) continue;
    await tx.put('subscriptions', { ...subscription, by: tombstone() });
    counts.subscriptions++;
  }
  for (const { id } of found.surveys) {
    const survey = await tx.get('surveys', id);
    if (!survey || !refers(person, survey.createdBy)) continue;
    await tx.put('surveys', { ...survey, createdBy: tombstone() });
    counts.surveys++;
  }
  const exportOf = (ref: string) => {
    const who = parseWho(ref);
    return !!who && (refers(person, who.partnerId) || refers(person, who.aadObjectId) || refers(person, who.email));
  };
  const links = [
    ...(await Promise.all(droppedTokens.map((token) => tx.get('links', token)))).filter((l) => l?.kind === 'ics'),
    ...(await tx.findBy('links', 'kind', 'export')).filter((l) => exportOf(l.ref)),
    ...(await findEach(tx, 'links', 'partnerId', partnerIds)),
  ];
  for (const id of new Set(links.map((l) => l!.id))) if (await tx.remove('links', id)) counts.links++;
  for (const key of Object.keys(found.jobState)) {
    const value = await tx.jobState(key);
    if (value !== undefined && (mentions(person, key) || mentions(person, value)) && (await tx.removeJobState(key))) counts.jobState++;
  }
  for (const { id } of found.announcements) {
    const a = await tx.get('announcements', id);
    if (!a) continue;
    a.recipients = a.recipients.filter((r) => !person.partnerIds.has(r));
    a.acknowledgements = a.acknowledgements.filter((ack) => !person.partnerIds.has(ack.partnerId));
    if (refers(person, a.createdBy)) a.createdBy = tombstone();
    await tx.put('announcements', a);
    counts.announcements++;
  }
  for (const { id } of found.contactLists) {
    const list = await tx.get('segmentContacts', id);
    if (!list) continue;
    list.contacts = list.contacts.filter((contact) => !person.emails.has(contact.email.toLowerCase()));
    if (refers(person, list.updatedBy)) list.updatedBy = tombstone();
    await tx.put('segmentContacts', list);
    counts.announcements++;
  }
  for (const { id } of found.audit) {
    const entry = await tx.get('audit', id);
    if (!entry || !namesPerson(person, entry)) continue;
    if (isPerson(person, entry.actor)) entry.actor = { role: entry.actor.role, erased: true };
    if (isPerson(person, entry.target)) entry.target = { ...(entry.target.ref ? { ref: entry.target.ref } : {}), erased: true };
    await tx.put('audit', entry);
    counts.audit++;
  }
  return counts;
}

/**
 * Erases a person: removes their register entry, chats, role assignments,
 * sends and job state, and anonymises the records that named them (see the
 * top of this file), so the digest's counts, ratings and statuses stay. One
 * transaction: all of it or nothing. Records already anonymised no longer
 * match, so erasing someone already erased changes nothing.
 */
export async function erasePerson(records: RecordStore, config: AppConfig, who: Who): Promise<ErasureSummary> {
  const person = await identify(records, config.people, who);
  const found = await unindexed(records, person);
  const summary = await records.transaction(async (tx) => {
    const { counts, droppedTokens } = await anonymiseYears(tx, person);
    return { ...counts, ...(await eraseShared(tx, person, found, droppedTokens)) };
  }, { purge: true });
  return { ...summary, found: Object.values(summary).some((n) => n > 0) };
}
