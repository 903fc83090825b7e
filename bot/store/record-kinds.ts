// The kinds of record the RecordStore keeps and the fields each is looked up by.
// Both implementations read this one table: lowdb keeps a Map per index, the
// PostgreSQL migrations give each a column and an index led by it (the column is
// `column` here; a migration is fixed once released, so a new index here needs
// a new migration too).
import type {
  Announcement,
  Feedback,
  FeedbackRequest,
  Invitation,
  Meeting,
  OfficeFeedback,
  Partner,
  Plan,
  Proposal,
  SegmentContacts,
  Survey,
  SurveyRound,
} from '../domain/types.js';
import type { AuditEntry, ConversationRecord, DownloadLink, RoleAssignment, SendRecord, SendStatus, Subscription } from './store.js';

/** A role assignment as the RecordStore keeps it: with an id derived from what it assigns (see roleAssignmentId). */
export type StoredRoleAssignment = RoleAssignment & { id: string };

/**
 * A send record as the RecordStore keeps it: `claimed` while an instance is
 * sending it, until `claimedUntil` (after which another instance may take it over).
 */
export type StoredSend = Omit<SendRecord, 'status'> & { status: SendStatus | 'claimed'; claimedBy?: string; claimedUntil?: string };

/** Records kept per year (the year a service files them under, e.g. a meeting's year). */
export interface YearKinds {
  plans: Plan;
  meetings: Meeting;
  invitations: Invitation;
  feedbackRequests: FeedbackRequest;
  feedback: Feedback;
  proposals: Proposal;
  officeFeedback: OfficeFeedback;
  surveyRounds: SurveyRound;
}

/** Records not tied to a year. */
export interface SharedKinds {
  partners: Partner;
  conversations: ConversationRecord;
  roleAssignments: StoredRoleAssignment;
  subscriptions: Subscription;
  sends: StoredSend;
  surveys: Survey;
  links: DownloadLink;
  audit: AuditEntry;
  announcements: Announcement;
  segmentContacts: SegmentContacts;
}

export type RecordKinds = YearKinds & SharedKinds;
export type YearKind = keyof YearKinds;
export type SharedKind = keyof SharedKinds;
export type Kind = keyof RecordKinds;

interface IndexDefinition<R> {
  /** The PostgreSQL column holding the key (a generated column of the JSONB record). */
  column: string;
  /** The key a record is found under; undefined: not in this index. Must match the column's SQL expression. */
  key: (record: R) => string | undefined;
}

interface KindDefinition<K extends Kind> {
  table: string;
  perYear: K extends YearKind ? true : false;
  indexes: Record<string, IndexDefinition<RecordKinds[K]>>;
  /**
   * What two records of the kind may not share (two instances could otherwise
   * race to add both). The name is the PostgreSQL unique index's name.
   */
  unique?: Record<string, (record: RecordKinds[K]) => string | undefined>;
}

const lower = (value: string | undefined) => value?.toLowerCase();
/** A composite key; undefined when a part is missing (such records are not constrained). */
const both = (a: string | undefined, b: string | undefined) => (a === undefined || b === undefined ? undefined : `${a}\u0000${b}`);

/** What each kind is looked up by besides its id. Keys compare exactly; e-mail keys are lower case. */
export const KINDS = {
  plans: {
    table: 'plans',
    perYear: true,
    indexes: { officeId: { column: 'office_id', key: (r) => r.officeId } },
    // One plan per office and year: two instances confirming at once cannot both save one. A plan is filed under its year.
    unique: { plans_office_year: (r) => both(r.officeId, String(r.year)) },
  },
  meetings: {
    table: 'meetings',
    perYear: true,
    indexes: { planId: { column: 'plan_id', key: (r) => r.planId }, officeId: { column: 'office_id', key: (r) => r.officeId } },
  },
  invitations: {
    table: 'invitations',
    perYear: true,
    indexes: {
      meetingId: { column: 'meeting_id', key: (r) => r.meetingId },
      partnerId: { column: 'partner_id', key: (r) => r.partnerId },
      icsToken: { column: 'ics_token', key: (r) => r.icsToken },
    },
    unique: { invitations_meeting_partner: (r) => both(r.meetingId, r.partnerId) },
  },
  feedbackRequests: {
    table: 'feedback_requests',
    perYear: true,
    indexes: {
      partnerId: { column: 'partner_id', key: (r) => r.partnerId },
      meetingId: { column: 'meeting_id', key: (r) => r.meetingId },
      surveyRoundId: { column: 'survey_round_id', key: (r) => r.surveyRoundId },
      status: { column: 'status', key: (r) => r.status },
    },
    // One request after a meeting per attendee; feedback a partner gives unasked (kind adhoc) on a meeting is not limited.
    unique: { feedback_requests_meeting_partner: (r) => (r.kind === 'meeting' ? both(r.meetingId, r.partnerId) : undefined) },
  },
  feedback: {
    table: 'feedback',
    perYear: true,
    indexes: {
      requestId: { column: 'request_id', key: (r) => r.requestId },
      partnerId: { column: 'partner_id', key: (r) => r.partnerId },
      officeId: { column: 'office_id', key: (r) => r.officeId },
    },
    unique: { feedback_request: (r) => r.requestId },
  },
  proposals: {
    table: 'proposals',
    perYear: true,
    indexes: {
      feedbackId: { column: 'feedback_id', key: (r) => r.feedbackId },
      officeId: { column: 'office_id', key: (r) => r.officeId },
      authorPartnerId: { column: 'author_partner_id', key: (r) => r.authorPartnerId },
    },
  },
  officeFeedback: {
    table: 'office_feedback',
    perYear: true,
    indexes: { meetingId: { column: 'meeting_id', key: (r) => r.meetingId }, officeId: { column: 'office_id', key: (r) => r.officeId } },
  },
  surveyRounds: { table: 'survey_rounds', perYear: true, indexes: { surveyId: { column: 'survey_id', key: (r) => r.surveyId } } },
  partners: {
    table: 'partners',
    perYear: false,
    indexes: {
      officeId: { column: 'office_id', key: (r) => r.officeId },
      email: { column: 'email', key: (r) => lower(r.email) },
      aadObjectId: { column: 'aad_object_id', key: (r) => r.aadObjectId },
    },
    unique: { partners_office_email: (r) => both(r.officeId, lower(r.email)) },
  },
  conversations: {
    table: 'conversations',
    perYear: false,
    indexes: { aadObjectId: { column: 'aad_object_id', key: (r) => r.aadObjectId }, kind: { column: 'kind', key: (r) => r.kind } },
  },
  roleAssignments: {
    table: 'role_assignments',
    perYear: false,
    indexes: {
      aadObjectId: { column: 'aad_object_id', key: (r) => r.aadObjectId },
      email: { column: 'email', key: (r) => lower(r.email) },
      role: { column: 'role', key: (r) => r.role },
      // The staff of an office (e.g. its coordinators, asked for feedback to partners after a meeting).
      office: { column: 'office', key: (r) => r.office },
    },
  },
  subscriptions: {
    table: 'subscriptions',
    perYear: false,
    indexes: {
      topic: { column: 'topic', key: (r) => r.topic },
      conversationRecordId: { column: 'conversation_record_id', key: (r) => r.conversationRecordId },
      officeId: { column: 'office_id', key: (r) => r.officeId },
    },
    // A channel may follow the news (or meetings) of more than one office; a digest subscription has no office ('' in the key).
    unique: { subscriptions_topic_conversation_office: (r) => both(both(r.topic, r.conversationRecordId), r.officeId ?? '') },
  },
  sends: {
    table: 'sends',
    perYear: false,
    indexes: { status: { column: 'status', key: (r) => r.status }, target: { column: 'target', key: (r) => r.target } },
  },
  surveys: { table: 'surveys', perYear: false, indexes: { officeId: { column: 'office_id', key: (r) => r.officeId } } },
  links: {
    table: 'links',
    perYear: false,
    indexes: {
      ref: { column: 'ref', key: (r) => r.ref },
      kind: { column: 'kind', key: (r) => r.kind },
      partnerId: { column: 'partner_id', key: (r) => r.partnerId },
    },
  },
  audit: { table: 'audit', perYear: false, indexes: {} },
  announcements: { table: 'announcements', perYear: false, indexes: { officeId: { column: 'office_id', key: (r) => r.officeId } } },
  // One contact list per office and segment (its id is `<officeId>:<segment>`, so get() finds the one of a segment).
  segmentContacts: {
    table: 'segment_contacts',
    perYear: false,
    indexes: { officeId: { column: 'office_id', key: (r) => r.officeId } },
    unique: { segment_contacts_office_segment: (r) => both(r.officeId, r.segment) },
  },
} satisfies { [K in Kind]: KindDefinition<K> };

export type IndexName<K extends Kind> = keyof (typeof KINDS)[K]['indexes'] & string;

export const ALL_KINDS = Object.keys(KINDS) as Kind[];

export const isYearKind = (kind: Kind): kind is YearKind => KINDS[kind].perYear;

export function uniquesOf<K extends Kind>(kind: K): [string, (record: RecordKinds[K]) => string | undefined][] {
  const unique = (KINDS[kind] as KindDefinition<K>).unique ?? {};
  return Object.entries(unique);
}

export function indexesOf<K extends Kind>(kind: K): [string, IndexDefinition<RecordKinds[K]>][] {
  return Object.entries(KINDS[kind].indexes) as [string, IndexDefinition<RecordKinds[K]>][];
}

/** Role assignments have no id of their own: this one names what they assign. */
export function roleAssignmentId(a: RoleAssignment): string {
  return [a.role, a.office ?? '', a.aadObjectId ?? '', a.email?.toLowerCase() ?? ''].join('|');
}
