// The shapes of what Sidos keeps, as the lowdb documents hold them: records of
// a year (plans, meetings, feedback, …) in one document per year, records not
// tied to a year in the shared document. The RecordStore (records.ts) is the one
// way to read and change them.
import type { Announcement, Instant, Locale, Partner, Role, SegmentContacts, Survey, YearRecords } from '../domain/types.js';
import { StorageUnavailableError } from './records.js';

/** A year's records as its lowdb document holds them. */
export type YearData = YearRecords;

export type ConversationKind = 'personal' | 'channel' | 'groupChat';

/** Where the bot can reach someone or some channel later. */
export interface ConversationRecord {
  id: string;
  kind: ConversationKind;
  conversationId: string;
  /** Set for personal chats: whose chat this is. */
  aadObjectId?: string;
  tenantId?: string;
  /** The transport's own reference, kept opaque outside the Teams layer. */
  reference: Record<string, unknown>;
  updatedAt: Instant;
  /** When the bot last greeted this conversation (installs arrive as two events). */
  greetedAt?: Instant;
}

export interface RoleAssignment {
  aadObjectId?: string;
  email?: string;
  role: Role;
  office?: string;
}

export type SendStatus = 'sent' | 'failed';

/** One outgoing message, recorded under its idempotency key. */
export interface SendRecord {
  id: string;
  channel: 'teams' | 'email';
  target: string;
  what: string;
  status: SendStatus;
  attempts: number;
  lastError?: string;
  at: Instant;
  /** Teams: the id of the message sent, so the card can be replaced later. */
  activityId?: string;
}

/** digest: the national digest; meetings and news: an office's channel network (meetings, announcements). */
export type SubscriptionTopic = 'digest' | 'meetings' | 'news';

export interface Subscription {
  id: string;
  topic: SubscriptionTopic;
  /** meetings and news: whose office's posts the channel gets. */
  officeId?: string;
  conversationRecordId: string;
  by: string;
  at: Instant;
  /** The subscriber's language when subscribing: delivered cards use it. */
  locale?: Locale;
}

/** Personal pages of a partner (/p/<token>): answer an invitation, answer a feedback request, read a notice, see their data. */
export const PARTNER_PAGE_KINDS = ['rsvp', 'feedback', 'office-feedback', 'proposal', 'my-data'] as const;
export type PartnerPageKind = (typeof PARTNER_PAGE_KINDS)[number];

export interface DownloadLink {
  id: string;
  kind: 'ics' | 'digest-html' | 'digest-csv' | 'export' | 'audit-csv' | PartnerPageKind;
  /** What the link serves, e.g. an invitation id or a period key (a partner page: the invitation, request, office feedback, proposal or partner id). */
  ref: string;
  expiresAt: Instant;
  /** A partner page link: the one person it belongs to. */
  partnerId?: string;
}

/** A person named in the audit trail; erasure drops the identifiers and sets `erased`. */
export interface AuditPerson {
  aadObjectId?: string;
  email?: string;
  name?: string;
  partnerId?: string;
  erased?: true;
}

/** One administrative or privacy action: who did what, when, on whom. Append-only. */
export interface AuditEntry {
  id: string;
  at: Instant;
  actor: AuditPerson & { role: Role };
  /** A stable code, e.g. "role.add" (see AUDIT_ACTIONS in services/audit.ts). */
  action: string;
  /** Whom the action was about, and `ref`, the id of what it was about (a plan, a proposal, …). */
  target: AuditPerson & { ref?: string };
  /** Facts without names or addresses: office ids, statuses, counts. */
  details: Record<string, string | number>;
}

export interface SharedData {
  partners: Partner[];
  conversations: ConversationRecord[];
  roleAssignments: RoleAssignment[];
  subscriptions: Subscription[];
  sends: SendRecord[];
  surveys: Survey[];
  links: DownloadLink[];
  audit: AuditEntry[];
  announcements: Announcement[];
  segmentContacts: SegmentContacts[];
  /** Small facts the jobs keep between runs, e.g. the last digest period delivered. */
  jobState: Record<string, string>;
}

export const emptyYear = (): YearData => ({
  plans: [],
  meetings: [],
  invitations: [],
  feedbackRequests: [],
  feedback: [],
  proposals: [],
  officeFeedback: [],
  surveyRounds: [],
});

export const emptyShared = (): SharedData => ({
  partners: [],
  conversations: [],
  roleAssignments: [],
  subscriptions: [],
  sends: [],
  surveys: [],
  links: [],
  audit: [],
  announcements: [],
  segmentContacts: [],
  jobState: {},
});

export interface WriteOptions {
  /** The change erases data: its old values must leave the disk now, not at the next compaction. */
  purge?: boolean;
}

export class StoreWriteError extends StorageUnavailableError {
  constructor(file: string, cause: unknown) {
    super(`Could not write ${file}: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'StoreWriteError';
  }
}

export class StoreFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`Data file ${file} ${problem}. Sidos did not change it; fix or move the file away and start again.`);
    this.name = 'StoreFileError';
  }
}
