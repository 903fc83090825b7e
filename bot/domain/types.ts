// Domain records of Sidos. Plain data: everything here is stored as JSON, so
// times are ISO-8601 instants (UTC, with "Z") and ids are strings.

export const LOCALES = ['fi', 'sv', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const ROLES = ['coordinator', 'partner', 'national', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** An ISO-8601 instant such as "2027-03-02T11:00:00.000Z". */
export type Instant = string;

/** One name for every language, or a name per language (the office's own language at least). */
export type OfficeName = string | Partial<Record<Locale, string>>;

export interface Office {
  id: string;
  /** Shown through officeName(), which picks the reader's language. */
  name: OfficeName;
  /** IANA zone, e.g. "Europe/Helsinki": meetings are planned and shown in it. */
  timeZone: string;
  locale: Locale;
  /** Organizer address used in calendar invites and as e-mail sender. */
  email: string;
}

export interface Segment {
  id: string;
  name: Record<Locale, string>;
}

export interface Partner {
  id: string;
  name: string;
  organisation: string;
  segment: string;
  officeId: string;
  email: string;
  aadObjectId?: string;
  locale: Locale;
  createdAt: Instant;
  updatedAt: Instant;
}

/** How many partners an office has registered in a segment (the digest's target group). */
export interface PartnerCount {
  officeId: string;
  segment: string;
  count: number;
}

export interface Plan {
  id: string;
  officeId: string;
  year: number;
  theme: string;
  segments: string[];
  /** ISO weekday, 1 = Monday … 5 = Friday. */
  weekday: number;
  /** Local wall-clock start time "HH:mm" in the office time zone. */
  time: string;
  durationMinutes: number;
  place?: string;
  onlineUrl?: string;
  createdBy: string;
  createdAt: Instant;
  updatedAt: Instant;
}

export type MeetingStatus = 'scheduled' | 'cancelled';

export interface Meeting {
  id: string;
  planId: string;
  officeId: string;
  year: number;
  subTheme: string;
  startsAt: Instant;
  endsAt: Instant;
  segments: string[];
  place?: string;
  onlineUrl?: string;
  status: MeetingStatus;
  /** iCalendar SEQUENCE: bumped on every change that is re-sent to invitees. */
  sequence: number;
  /** Stable iCalendar UID. */
  uid: string;
}

export type Rsvp = 'needs-action' | 'accepted' | 'tentative' | 'declined';

export interface Invitation {
  id: string;
  meetingId: string;
  partnerId: string;
  rsvp: Rsvp;
  respondedAt?: Instant;
  /** The meeting SEQUENCE last delivered to this invitee (-1: none yet). */
  sentSequence: number;
  /** Unguessable token for the .ics download link. */
  icsToken: string;
  attended?: boolean;
  reminderSentAt?: Instant;
}

export type FeedbackKind = 'meeting' | 'survey' | 'adhoc';

export interface FeedbackRequest {
  id: string;
  kind: FeedbackKind;
  meetingId?: string;
  surveyRoundId?: string;
  partnerId: string;
  officeId: string;
  segment: string;
  sentAt: Instant;
  remindersSent: number;
  lastReminderAt?: Instant;
  answeredAt?: Instant;
  status: 'open' | 'answered' | 'closed';
  /** Until when the partner may answer and edit; set when the request is created. */
  closesAt?: Instant;
}

export type ProposalLevel = 'local' | 'national';
export const PROPOSAL_STATUSES = ['received', 'under-review', 'planned', 'done', 'declined'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export interface Feedback {
  id: string;
  requestId?: string;
  kind: FeedbackKind;
  meetingId?: string;
  surveyRoundId?: string;
  topic?: string;
  officeId: string;
  segment: string;
  /** Kept so the author can edit and be told about their proposals; never shown when anonymous. */
  partnerId: string;
  anonymous: boolean;
  rating: number;
  works: string;
  change: string;
  /** Required when rating is 1 or 2. */
  justification?: string;
  submittedAt: Instant;
  updatedAt: Instant;
}

export interface ProposalStatusChange {
  status: ProposalStatus;
  at: Instant;
  by: string;
  reason?: string;
}

export interface Proposal {
  id: string;
  feedbackId: string;
  officeId: string;
  segment: string;
  text: string;
  level: ProposalLevel;
  justification?: string;
  status: ProposalStatus;
  history: ProposalStatusChange[];
  authorPartnerId: string;
  anonymous: boolean;
  createdAt: Instant;
}

/** Feedback from the office to a partner organisation. */
export interface OfficeFeedback {
  id: string;
  meetingId?: string;
  officeId: string;
  organisation: string;
  segment: string;
  rating: number;
  works: string;
  couldDoDifferently: string;
  givenBy: string;
  givenAt: Instant;
  /** When the feedback was last changed (a second submission replaces the first). */
  updatedAt?: Instant;
}

export type SurveyCadence = 'monthly' | 'quarterly' | 'yearly';

export interface Survey {
  id: string;
  officeId: string;
  segment: string;
  topic: string;
  cadence: SurveyCadence;
  createdBy: string;
  createdAt: Instant;
  active: boolean;
}

export interface SurveyRound {
  id: string;
  surveyId: string;
  /** Period key of the round, e.g. "2027-Q1". */
  periodKey: string;
  sentAt: Instant;
}

/** The records an office's work leaves in one year (the store files them by year). */
export interface YearRecords {
  plans: Plan[];
  meetings: Meeting[];
  invitations: Invitation[];
  feedbackRequests: FeedbackRequest[];
  feedback: Feedback[];
  proposals: Proposal[];
  officeFeedback: OfficeFeedback[];
  surveyRounds: SurveyRound[];
}

export const ANNOUNCEMENT_KINDS = ['change', 'disruption', 'event'] as const;
export type AnnouncementKind = (typeof ANNOUNCEMENT_KINDS)[number];

/** A card the bot sent and may replace later (updateActivity). */
export interface SentCardRef {
  conversationId: string;
  activityId: string;
  locale: Locale;
  /** The Teams user id whose client refreshes the card by itself. */
  userId: string;
}

/** News from an office to the partners of some of its segments (and its subscribed channels). */
export interface Announcement {
  id: string;
  officeId: string;
  kind: AnnouncementKind;
  title: string;
  text: string;
  link?: string;
  segments: string[];
  /** The language the coordinator wrote in: partners reading another language are told so. */
  locale: Locale;
  createdBy: string;
  createdAt: Instant;
  /** The partners and channels it is for, fixed when it was sent, so a restart sends to the same ones. */
  recipients: string[];
  channels: string[];
  /** Bumped when the text of an unresolved disruption is updated: each version replaces the Teams cards once. */
  version?: number;
  updatedAt?: Instant;
  /** Set when a disruption is marked resolved: the Teams cards are replaced and e-mail recipients told once. */
  resolvedAt?: Instant;
  resolution?: string;
  acknowledgements: { partnerId: string; at: Instant }[];
  /** The coordinator's card with the counts, updated when the sends end. */
  statusCard?: SentCardRef;
}

export interface Contact {
  name: string;
  email: string;
}

/** The staff named as contacts of one office for one segment. */
export interface SegmentContacts {
  /** `<officeId>:<segment>` */
  id: string;
  officeId: string;
  segment: string;
  contacts: Contact[];
  updatedBy: string;
  updatedAt: Instant;
}
