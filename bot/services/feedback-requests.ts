// Feedback requests: who is asked after a meeting, when a request closes, and
// what it is about. A request lives in the year file of its sentAt, together
// with its feedback. Sending requests and reminders is feedback-delivery.ts.
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type { FeedbackKind, FeedbackRequest, Instant, Invitation, Meeting, Partner, Survey, SurveyRound } from '../domain/types.js';
import type { RecordReader, RecordStore } from '../store/records.js';
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
