// Privacy: what Sidos stores about a person ("my data" and an admin's export)
// and the download link to it as JSON.
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type {
  Feedback,
  FeedbackRequest,
  Instant,
  Invitation,
  MeetingStatus,
  OfficeFeedback,
  Partner,
  Proposal,
  ProposalStatusChange,
  Role,
} from '../domain/types.js';
import type { YearKind } from '../store/record-kinds.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import type { AuditEntry, ConversationRecord, SendRecord } from '../store/store.js';
import type { FileDownload } from './downloads.js';
import {
  assignedRoles,
  findEach,
  identify,
  isPerson,
  matchesEntry,
  ownChats,
  parseWho,
  refers,
  sendsTo,
  staffActsInYear,
  unindexedNaming,
  type Person,
  type UnindexedRecords,
  type Who,
} from './privacy-person.js';

export const EXPORT_LINK_HOURS = 24;

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

/** An entry as the person may see it: the other side (who looked them up, whom they looked up) is not their data. */
const ownPart = (person: Person, entry: AuditEntry): AuditEntry => ({
  ...entry,
  actor: isPerson(person, entry.actor) ? { ...entry.actor } : { role: entry.actor.role },
  target: isPerson(person, entry.target) ? { ...entry.target } : entry.target.ref ? { ref: entry.target.ref } : {},
});

/** Each record with the year it is filed under, oldest year first. */
async function withYears<T extends { id: string }>(reader: RecordReader, kind: YearKind, records: T[]): Promise<(T & { year: number })[]> {
  const filed = await Promise.all(records.map(async (r) => ({ ...r, year: (await reader.yearOf(kind, r.id)) ?? 0 })));
  return filed.sort((a, b) => a.year - b.year);
}

/** Looks meetings up once each. */
function meetingRefs(reader: RecordReader): (id: string | undefined) => Promise<MeetingRef | null> {
  const refs = new Map<string, MeetingRef | null>();
  return async (id) => {
    if (!id) return null;
    if (!refs.has(id)) {
      const m = await reader.get('meetings', id);
      refs.set(id, m ? { id: m.id, subTheme: m.subTheme, startsAt: m.startsAt, officeId: m.officeId, status: m.status } : null);
    }
    return refs.get(id)!;
  };
}

/** What the person did as office staff: the year records naming them, walked year by year (no index finds them by who acted). */
async function staffRecords(records: RecordStore, person: Person, found: UnindexedRecords): Promise<PersonalData['staffRecords']> {
  const staff: PersonalData['staffRecords'] = {
    plans: [],
    surveys: found.surveys.map(({ id, officeId, topic, createdAt }) => ({ id, officeId, topic, createdAt })),
    officeFeedbackGiven: [],
    proposalDecisions: [],
    subscriptions: found.subscriptions.map(({ id, topic, conversationRecordId, at }) => ({ id, topic, conversationRecordId, at })),
  };
  for (const year of await records.years()) {
    const acts = await staffActsInYear(records, person, year);
    for (const p of acts.plans) staff.plans.push({ id: p.id, year, officeId: p.officeId, theme: p.theme, createdAt: p.createdAt });
    for (const f of acts.officeFeedback) staff.officeFeedbackGiven.push({ id: f.id, year, officeId: f.officeId, organisation: f.organisation, givenAt: f.givenAt });
    for (const p of acts.proposals) {
      for (const h of p.history.filter((h) => refers(person, h.by))) staff.proposalDecisions.push({ proposalId: p.id, year, status: h.status, at: h.at });
    }
  }
  return staff;
}

/** Everything Sidos stores about the person, as plain JSON. */
export async function personalData(records: RecordStore, config: AppConfig, who: Who): Promise<PersonalData> {
  const person = await identify(records, config.people, who);
  const partnerIds = [...person.partnerIds];
  const partner = (await Promise.all(partnerIds.map((id) => records.get('partners', id)))).find((p) => p !== undefined) ?? null;
  const chats = await ownChats(records, person);
  const found = await unindexedNaming(records, person);
  const meetingOf = meetingRefs(records);
  const organisation = partner && orgKey(partner.organisation);
  const ownFeedback = partner ? (await records.findBy('officeFeedback', 'officeId', partner.officeId)).filter((f) => orgKey(f.organisation) === organisation) : [];
  return {
    identifiers: { partnerIds, aadObjectIds: [...person.aadObjectIds], emails: [...person.emails] },
    partner,
    roles: [
      ...config.people.filter((p) => matchesEntry(person, p)).map((p) => ({ role: p.role, ...(p.office ? { office: p.office } : {}), source: 'configuration' as const })),
      ...(await assignedRoles(records, person)).map((p) => ({ role: p.role, ...(p.office ? { office: p.office } : {}), source: 'assigned' as const })),
    ],
    conversations: [...chats, ...found.channels],
    invitations: await Promise.all(
      (await withYears(records, 'invitations', await findEach(records, 'invitations', 'partnerId', partnerIds))).map(async ({ partnerId: _p, icsToken: _t, ...rest }) => ({
        ...rest,
        meeting: await meetingOf(rest.meetingId),
      })),
    ),
    feedbackRequests: await Promise.all(
      (await withYears(records, 'feedbackRequests', await findEach(records, 'feedbackRequests', 'partnerId', partnerIds))).map(async ({ partnerId: _p, ...rest }) => ({
        ...rest,
        meeting: await meetingOf(rest.meetingId),
      })),
    ),
    feedback: await Promise.all(
      (await withYears(records, 'feedback', await findEach(records, 'feedback', 'partnerId', partnerIds))).map(async ({ partnerId: _p, ...rest }) => ({
        ...rest,
        meeting: await meetingOf(rest.meetingId),
      })),
    ),
    proposals: (await withYears(records, 'proposals', await findEach(records, 'proposals', 'authorPartnerId', partnerIds))).map(({ authorPartnerId: _a, history, ...rest }) => ({
      ...rest,
      history: history.map(({ by: _b, ...change }) => change),
    })),
    organisationFeedback: await Promise.all(
      (await withYears(records, 'officeFeedback', ownFeedback)).map(async ({ givenBy: _g, ...rest }) => ({ ...rest, meeting: await meetingOf(rest.meetingId) })),
    ),
    sends: await sendsTo(records, person, chats),
    announcements: found.announcements.filter((a) => a.recipients.some((id) => person.partnerIds.has(id))).map((a) => {
      const acknowledgedAt = a.acknowledgements.find((ack) => person.partnerIds.has(ack.partnerId))?.at;
      return { id: a.id, officeId: a.officeId, kind: a.kind, title: a.title, createdAt: a.createdAt, ...(acknowledgedAt ? { acknowledgedAt } : {}) };
    }),
    jobState: found.jobState,
    audit: found.audit.map((e) => ownPart(person, e)),
    staffRecords: await staffRecords(records, person, found),
  };
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

/**
 * A download link (valid EXPORT_LINK_HOURS) to the person's data as JSON. The
 * data is gathered when the link is opened. Expired export links are dropped.
 */
export async function exportLink(records: RecordStore, config: AppConfig, who: Who, now: Date): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  const ref = JSON.stringify({ partnerId: who.partnerId, aadObjectId: who.aadObjectId, email: who.email });
  const expiresAt = new Date(now.getTime() + EXPORT_LINK_HOURS * 3_600_000).toISOString();
  await records.transaction(async (tx) => {
    for (const link of await tx.findBy('links', 'kind', 'export')) if (Date.parse(link.expiresAt) <= now.getTime()) await tx.remove('links', link.id);
    await tx.put('links', { id: token, kind: 'export', ref, expiresAt });
  });
  return `${config.publicBaseUrl}/files/${token}`;
}

/** What an export link serves; null when unknown or expired. */
export async function resolveExportDownload(records: RecordStore, config: AppConfig, token: string, now: Date): Promise<FileDownload | null> {
  const link = await records.get('links', token);
  const who = link?.kind === 'export' && Date.parse(link.expiresAt) > now.getTime() ? parseWho(link.ref) : null;
  if (!who) return null;
  return {
    contentType: 'application/json; charset=utf-8',
    fileName: `sidos-personal-data-${now.toISOString().slice(0, 10)}.json`,
    body: JSON.stringify(await personalData(records, config, who), null, 2),
  };
}
