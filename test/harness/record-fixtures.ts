// One sample record of every kind the RecordStore keeps, for the store
// contract and copy tests. Built on the seed fixtures where they exist.
import type {
  Announcement,
  Feedback,
  FeedbackRequest,
  Invitation,
  OfficeFeedback,
  Plan,
  Proposal,
  ProposalStatus,
  SegmentContacts,
  Survey,
  SurveyRound,
} from '../../bot/domain/types.js';
import type { RecordKinds, StoredRoleAssignment } from '../../bot/store/record-kinds.js';
import { roleAssignmentId } from '../../bot/store/record-kinds.js';
import type { AuditEntry, DownloadLink, Subscription } from '../../bot/store/store.js';
import { meetingFixture, partnerFixture, personalChat } from './seed.js';

const AT = '2027-03-02T12:00:00.000Z';

export const planFixture = (id: string, overrides: Partial<Plan> = {}): Plan => ({
  id,
  officeId: 'uusimaa',
  year: 2027,
  theme: 'Perinnän ensimmäiset viikot',
  segments: ['municipalities'],
  weekday: 2,
  time: '13:00',
  durationMinutes: 90,
  createdBy: 'aad-coordinator',
  createdAt: AT,
  updatedAt: AT,
  ...overrides,
});

export const invitationFixture = (id: string, overrides: Partial<Invitation> = {}): Invitation => ({
  id,
  meetingId: 'meeting-1',
  partnerId: 'p1',
  rsvp: 'needs-action',
  sentSequence: -1,
  icsToken: `token-${id}`,
  ...overrides,
});

/** A sent invitation of `partnerId` to `meetingId`, with its RSVP and, where it was recorded, attendance. */
export const rsvpFixture = (meetingId: string, partnerId: string, rsvp: Invitation['rsvp'], attended?: boolean): Invitation =>
  invitationFixture(`${meetingId}-${partnerId}`, { meetingId, partnerId, rsvp, sentSequence: 0, ...(attended === undefined ? {} : { attended }) });

export const requestFixture = (id: string, overrides: Partial<FeedbackRequest> = {}): FeedbackRequest => ({
  id,
  kind: 'meeting',
  meetingId: 'meeting-1',
  partnerId: 'p1',
  officeId: 'uusimaa',
  segment: 'municipalities',
  sentAt: AT,
  remindersSent: 0,
  status: 'open',
  ...overrides,
});

export const feedbackFixture = (id: string, overrides: Partial<Feedback> = {}): Feedback => ({
  id,
  requestId: `request-${id}`,
  kind: 'meeting',
  meetingId: 'meeting-1',
  officeId: 'uusimaa',
  segment: 'municipalities',
  partnerId: 'p1',
  anonymous: false,
  rating: 4,
  works: 'Selkeä asialista',
  change: '',
  submittedAt: AT,
  updatedAt: AT,
  ...overrides,
});

export const proposalFixture = (id: string, overrides: Partial<Proposal> = {}): Proposal => ({
  id,
  feedbackId: 'feedback-1',
  officeId: 'uusimaa',
  segment: 'municipalities',
  text: 'Lomakkeeseen liitteiden lista',
  level: 'national',
  status: 'received',
  history: [{ status: 'received', at: AT, by: 'p1' }],
  authorPartnerId: 'p1',
  anonymous: false,
  createdAt: AT,
  ...overrides,
});

/** A proposal's status, history and creation time from its status changes, oldest first: its status is the last change's, and it was created at the first. */
export const proposalChanges = (changes: [ProposalStatus, string][], by = 'coordinator'): Pick<Proposal, 'status' | 'history' | 'createdAt'> => ({
  status: changes.at(-1)?.[0] ?? 'received',
  history: changes.map(([status, at]) => ({ status, at, by })),
  createdAt: changes[0]?.[1] ?? AT,
});

export const officeFeedbackFixture = (id: string, overrides: Partial<OfficeFeedback> = {}): OfficeFeedback => ({
  id,
  meetingId: 'meeting-1',
  officeId: 'uusimaa',
  organisation: 'Org p1',
  segment: 'municipalities',
  rating: 3,
  works: 'Hakemukset ajoissa',
  couldDoDifferently: 'Liitteet mukaan',
  givenBy: 'aad-coordinator',
  givenAt: AT,
  ...overrides,
});

export const surveyFixture = (id: string, overrides: Partial<Survey> = {}): Survey => ({
  id,
  officeId: 'uusimaa',
  segment: 'municipalities',
  topic: 'Yhteistyö',
  cadence: 'quarterly',
  createdBy: 'aad-coordinator',
  createdAt: AT,
  active: true,
  ...overrides,
});

export const surveyRoundFixture = (id: string, overrides: Partial<SurveyRound> = {}): SurveyRound => ({
  id,
  surveyId: 'survey-1',
  periodKey: '2027-Q1',
  sentAt: AT,
  ...overrides,
});

export const subscriptionFixture = (id: string, overrides: Partial<Subscription> = {}): Subscription => ({
  id,
  topic: 'digest',
  conversationRecordId: `chat-${id}`,
  by: 'aad-national',
  at: AT,
  locale: 'fi',
  ...overrides,
});

export const linkFixture = (id: string, overrides: Partial<DownloadLink> = {}): DownloadLink => ({
  id,
  kind: 'ics',
  ref: 'inv-1',
  expiresAt: '2027-04-01T00:00:00.000Z',
  ...overrides,
});

export const auditFixture = (id: string, at: string, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  id,
  at,
  actor: { aadObjectId: 'aad-admin', name: 'Admin', role: 'admin' },
  action: 'role.add',
  target: { email: 'new@example.fi' },
  details: { office: 'uusimaa' },
  ...overrides,
});

export const announcementFixture = (id: string, overrides: Partial<Announcement> = {}): Announcement => ({
  id,
  officeId: 'uusimaa',
  kind: 'disruption',
  title: 'Asiointipalvelu poissa käytöstä',
  text: 'Palvelu on katkolla tiistaina.',
  segments: ['municipalities'],
  locale: 'fi',
  createdBy: 'aad-coordinator',
  createdAt: AT,
  recipients: ['p1'],
  channels: ['a:channel-1'],
  acknowledgements: [{ partnerId: 'p1', at: AT }],
  statusCard: { conversationId: 'a:chat-coordinator', activityId: 'activity-status', locale: 'fi', userId: 'user-coordinator' },
  ...overrides,
});

/** The contact list of an office's segment; its id is `<officeId>:<segment>` as services/contacts.ts makes it. */
export const segmentContactsFixture = (officeId: string, segment: string, overrides: Partial<SegmentContacts> = {}): SegmentContacts => ({
  id: `${officeId}:${segment}`,
  officeId,
  segment,
  contacts: [{ name: 'Maija Meikäläinen', email: 'maija@example.fi' }],
  updatedBy: 'aad-coordinator',
  updatedAt: AT,
  ...overrides,
});

export const roleFixture = (overrides: Partial<StoredRoleAssignment> = {}): StoredRoleAssignment => {
  const assignment = { role: 'coordinator' as const, office: 'uusimaa', aadObjectId: 'aad-coordinator', email: 'Koordinaattori@Example.fi', ...overrides };
  return { ...assignment, id: roleAssignmentId(assignment) };
};

/** One record of every kind, year-filed ones with their year. */
export const oneOfEach = (): { [K in keyof RecordKinds]: RecordKinds[K] } => ({
  plans: planFixture('plan-1'),
  meetings: meetingFixture(),
  invitations: invitationFixture('inv-1'),
  feedbackRequests: requestFixture('request-1'),
  feedback: feedbackFixture('feedback-1'),
  proposals: proposalFixture('proposal-1'),
  officeFeedback: officeFeedbackFixture('office-feedback-1'),
  surveyRounds: surveyRoundFixture('round-1'),
  partners: partnerFixture('p1', { aadObjectId: 'aad-p1' }),
  conversations: personalChat('a:chat-1', 'aad-p1', new Date(AT)),
  roleAssignments: roleFixture(),
  subscriptions: subscriptionFixture('sub-1'),
  sends: { id: 'invite/inv-1/0/teams', channel: 'teams', target: 'a:chat-1', what: 'invite', status: 'sent', attempts: 1, at: AT, activityId: 'activity-1' },
  surveys: surveyFixture('survey-1'),
  links: linkFixture('link-1'),
  audit: auditFixture('audit-1', AT),
  announcements: announcementFixture('announcement-1'),
  segmentContacts: segmentContactsFixture('uusimaa', 'municipalities'),
});
