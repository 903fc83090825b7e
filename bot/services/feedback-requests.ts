// Feedback requests: who is asked after a meeting, how the card reaches them
// (their Teams chat, or an e-mail with a link to the form on the web), reminders to those
// who have not answered, and closing. A request lives in the year file of its
// sentAt, together with its feedback.
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type { EmailDelivery } from '../delivery/email-delivery.js';
import type { EmailMessage } from '../delivery/email.js';
import type { OutgoingMessage } from '../delivery/outgoing.js';
import type { SendResult, TeamsDelivery } from '../delivery/teams-delivery.js';
import type { FeedbackKind, FeedbackRequest, Instant, Invitation, Meeting, Partner, Survey, SurveyRound } from '../domain/types.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import { personalChatOf } from './conversations.js';
import { retryOnConflict } from './retry-on-conflict.js';

export type FeedbackSettings = AppConfig['feedback'];

const DAY_MS = 86_400_000;
/** A meeting that ended longer ago gets no requests (e.g. old meetings when the bot is first started). */
export const MEETING_REQUEST_WINDOW_DAYS = 14;

export const yearOf = (instant: Instant | Date): number => new Date(instant).getUTCFullYear();

/** The end of the answering window: the reminders and one more interval after the last one. */
export function closesAt(sentAt: Instant, settings: FeedbackSettings): Instant {
  const days = Math.max(1, settings.reminderAfterDays * (settings.maxReminders + 1));
  return new Date(Date.parse(sentAt) + days * DAY_MS).toISOString();
}

export const closingTime = (request: FeedbackRequest, settings: FeedbackSettings): Instant =>
  request.closesAt ?? closesAt(request.sentAt, settings);

/** The partner may answer, and edit the answer, until the request closes. */
export function isEditable(request: FeedbackRequest, settings: FeedbackSettings, now: Date): boolean {
  return request.status !== 'closed' && now.getTime() < Date.parse(closingTime(request, settings));
}

export function newRequest(
  fields: { id?: string; kind: FeedbackKind; partner: Partner; officeId: string; meetingId?: string; surveyRoundId?: string },
  settings: FeedbackSettings,
  now: Date,
): FeedbackRequest {
  const sentAt = now.toISOString();
  return {
    id: fields.id ?? randomUUID(),
    kind: fields.kind,
    ...(fields.meetingId ? { meetingId: fields.meetingId } : {}),
    ...(fields.surveyRoundId ? { surveyRoundId: fields.surveyRoundId } : {}),
    partnerId: fields.partner.id,
    officeId: fields.officeId,
    segment: fields.partner.segment,
    sentAt,
    remindersSent: 0,
    status: 'open',
    closesAt: closesAt(sentAt, settings),
  };
}

/**
 * The partners who attended a meeting, from its invitations: where attendance
 * was recorded for the meeting, those marked attended; otherwise those who
 * accepted or tentatively accepted.
 */
export function attendeeIds(invitations: readonly Invitation[]): string[] {
  const recorded = invitations.some((i) => i.attended !== undefined);
  const attended = invitations.filter((i) => (recorded ? i.attended === true : i.rsvp === 'accepted' || i.rsvp === 'tentative'));
  return [...new Set(attended.map((i) => i.partnerId))];
}

/** Whether a request sent at `sentAt` is filed in a year that can still hold open requests at `now` (as the year files were read before). */
function inOpenYears(sentAt: Instant, settings: FeedbackSettings, now: Date): boolean {
  const window = Date.parse(closesAt(now.toISOString(), settings)) - now.getTime();
  return yearOf(sentAt) >= yearOf(new Date(now.getTime() - window - DAY_MS));
}

export interface StoredRequest {
  year: number;
  request: FeedbackRequest;
}

export async function findRequest(reader: RecordReader, id: string): Promise<StoredRequest | undefined> {
  const request = await reader.get('feedbackRequests', id);
  const year = request && (await reader.yearOf('feedbackRequests', id));
  return request && year !== undefined ? { year, request } : undefined;
}

/** The requests a partner may still answer or edit, newest first. */
export async function editableRequests(reader: RecordReader, partnerId: string, settings: FeedbackSettings, now: Date): Promise<FeedbackRequest[]> {
  return (await reader.findBy('feedbackRequests', 'partnerId', partnerId))
    .filter((r) => isEditable(r, settings, now))
    .sort((a, b) => b.sentAt.localeCompare(a.sentAt));
}

export function findMeeting(reader: RecordReader, id: string): Promise<Meeting | undefined> {
  return reader.get('meetings', id);
}

/** What a request (or its feedback) is about: the meeting, or the survey and its round. */
export interface RequestSubject {
  meeting?: Meeting;
  survey?: Survey;
  round?: SurveyRound;
}

export async function subjectOf(reader: RecordReader, ref: { meetingId?: string; surveyRoundId?: string }): Promise<RequestSubject> {
  if (ref.meetingId) {
    const meeting = await reader.get('meetings', ref.meetingId);
    return meeting ? { meeting } : {};
  }
  if (ref.surveyRoundId) {
    const round = await reader.get('surveyRounds', ref.surveyRoundId);
    const survey = round && (await reader.get('surveys', round.surveyId));
    return round && survey ? { round, survey } : {};
  }
  return {};
}

/**
 * Creates one request per attendee of every meeting that has ended (and was
 * not cancelled) within the window; a meeting's attendee is asked once, however
 * often this runs (and on however many instances). Returns the requests created now.
 */
export async function createMeetingRequests(records: RecordStore, settings: FeedbackSettings, now: Date): Promise<FeedbackRequest[]> {
  const since = now.getTime() - MEETING_REQUEST_WINDOW_DAYS * DAY_MS;
  const years = (await records.years()).filter((y) => y >= yearOf(new Date(since)) && y <= yearOf(now));
  const ended = (await Promise.all(years.map((y) => records.inYear('meetings', y)))).flat().filter(
    (m) => m.status !== 'cancelled' && Date.parse(m.endsAt) <= now.getTime() && Date.parse(m.endsAt) > since,
  );
  const created: FeedbackRequest[] = [];
  for (const meeting of ended) created.push(...(await retryOnConflict(() => requestAttendees(records, meeting.id, settings, now))));
  return created;
}

/** The requests of one ended meeting's attendees not asked yet, filed under the year of `now`. */
function requestAttendees(records: RecordStore, meetingId: string, settings: FeedbackSettings, now: Date): Promise<FeedbackRequest[]> {
  return records.transaction(async (tx) => {
    // Locks the meeting, so two instances asking its attendees take turns.
    const meeting = await tx.get('meetings', meetingId);
    if (!meeting) return [];
    const asked = new Set((await tx.findBy('feedbackRequests', 'meetingId', meeting.id)).filter((r) => r.kind === 'meeting').map((r) => r.partnerId));
    const fresh: FeedbackRequest[] = [];
    for (const partnerId of attendeeIds(await tx.findBy('invitations', 'meetingId', meeting.id))) {
      const partner = asked.has(partnerId) ? undefined : await tx.get('partners', partnerId);
      if (!partner) continue;
      const request = newRequest({ kind: 'meeting', partner, officeId: meeting.officeId, meetingId: meeting.id }, settings, now);
      await tx.putInYear('feedbackRequests', yearOf(now), request);
      fresh.push(request);
    }
    return fresh;
  });
}

/** How requests reach partners; the messages themselves are made by the Teams layer. */
export interface FeedbackOutbox {
  teams: TeamsDelivery;
  email: EmailDelivery | null;
  log: (line: string) => void;
  /** The card for a request; `reminder` 0 is the first send, n the n-th reminder. */
  teamsMessage(request: FeedbackRequest, partner: Partner, reminder: number): Promise<OutgoingMessage>;
  /** An e-mail for a partner without a Teams chat, with the personal link to the form on the web. */
  emailMessage(request: FeedbackRequest, partner: Partner, reminder: number, now: Date): Promise<Omit<EmailMessage, 'to' | 'idempotencyKey'>>;
}

export type DeliveryResult = SendResult | 'unreachable';

export const requestKey = (requestId: string) => `feedback-request:${requestId}`;
export const reminderKey = (requestId: string, n: number) => `feedback-reminder:${requestId}:${n}`;

/** Sends the request (reminder 0) or its n-th reminder: in Teams when the partner has a chat with the bot, else by e-mail. */
async function deliver(
  records: RecordStore,
  outbox: FeedbackOutbox,
  request: FeedbackRequest,
  partner: Partner,
  reminder: number,
  now: Date,
): Promise<DeliveryResult> {
  const key = reminder === 0 ? requestKey(request.id) : reminderKey(request.id, reminder);
  const what = reminder === 0 ? `feedback request ${request.id}` : `feedback reminder ${reminder} for ${request.id}`;
  const conversation = await personalChatOf(records, partner.aadObjectId);
  if (conversation) return outbox.teams.send(key, conversation.id, await outbox.teamsMessage(request, partner, reminder), what);
  if (outbox.email) return outbox.email.send(key, partner.id, { to: partner.email, ...(await outbox.emailMessage(request, partner, reminder, now)) }, what);
  // Recorded once for the first send, so it is not tried again every run; reminders will try again.
  if (reminder === 0) {
    const lastError = 'unreachable: no Teams chat with the partner and no SMTP configured';
    await records.transaction(async (tx) => {
      if (await tx.get('sends', key)) return;
      await tx.put('sends', { id: key, channel: 'teams', target: partner.id, what, status: 'failed', attempts: 0, lastError, at: now.toISOString() });
    });
  }
  return 'unreachable';
}

/** The open requests in the years that can still hold open ones (of `kind`, when given). */
async function openRequests(reader: RecordReader, settings: FeedbackSettings, now: Date, kind?: FeedbackKind): Promise<FeedbackRequest[]> {
  return (await reader.findBy('feedbackRequests', 'status', 'open')).filter((r) => (!kind || r.kind === kind) && inOpenYears(r.sentAt, settings, now));
}

/** Sends the card of every open request of `kind` that has not been sent yet (one attempt each). */
export async function deliverNewRequests(
  records: RecordStore,
  outbox: FeedbackOutbox,
  settings: FeedbackSettings,
  kind: FeedbackKind,
  now: Date,
): Promise<Record<DeliveryResult, number>> {
  const open = await openRequests(records, settings, now, kind);
  const unsent = await Promise.all(open.map(async (r) => ((await records.get('sends', requestKey(r.id))) ? undefined : r)));
  const counts: Record<DeliveryResult, number> = { sent: 0, 'already-sent': 0, failed: 0, unreachable: 0 };
  // All sends are handed to the paced send queue at once; it decides how many run together.
  await Promise.all(
    unsent.map(async (request) => {
      const partner = request && (await records.get('partners', request.partnerId));
      if (request && partner) counts[await deliver(records, outbox, request, partner, 0, now)]++;
    }),
  );
  return counts;
}

/**
 * Closes unanswered requests whose window has passed, then reminds those who
 * have not answered `reminderAfterDays` after the last send, at most
 * `maxReminders` times. An answered request is never reminded.
 */
export async function remindAndClose(
  records: RecordStore,
  outbox: FeedbackOutbox,
  settings: FeedbackSettings,
  now: Date,
): Promise<{ closed: number; reminded: number }> {
  const expired = (await openRequests(records, settings, now)).filter((r) => !isEditable(r, settings, now));
  const closed = expired.length === 0 ? 0 : await records.transaction(async (tx) => {
    let count = 0;
    for (const { id } of expired) {
      const request = await tx.get('feedbackRequests', id);
      const year = await tx.yearOf('feedbackRequests', id);
      if (!request || year === undefined || request.status !== 'open' || isEditable(request, settings, now)) continue;
      await tx.putInYear('feedbackRequests', year, { ...request, status: 'closed' });
      count++;
    }
    return count;
  });

  const interval = settings.reminderAfterDays * DAY_MS;
  const due = (await openRequests(records, settings, now))
    .filter((r) => r.remindersSent < settings.maxReminders)
    .filter((r) => now.getTime() - Date.parse(r.lastReminderAt ?? r.sentAt) >= interval);
  let reminded = 0;
  for (const request of due) {
    const partner = await records.get('partners', request.partnerId);
    if (!partner) continue;
    const n = request.remindersSent + 1;
    const result = await deliver(records, outbox, request, partner, n, now);
    if (result !== 'sent' && result !== 'already-sent') continue;
    reminded += await records.transaction(async (tx) => {
      const stored = await tx.get('feedbackRequests', request.id);
      const year = await tx.yearOf('feedbackRequests', request.id);
      if (!stored || year === undefined || stored.remindersSent !== n - 1) return 0;
      await tx.putInYear('feedbackRequests', year, { ...stored, remindersSent: n, lastReminderAt: now.toISOString() });
      return 1;
    });
  }
  return { closed, reminded };
}
