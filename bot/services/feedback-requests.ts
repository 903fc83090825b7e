// Feedback requests: who is asked after a meeting, how the card reaches them
// (their Teams chat, or an e-mail with a link to the form on the web), reminders to those
// who have not answered, and closing. A request lives in the year file of its
// sentAt, together with its feedback.
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type { EmailDelivery } from '../delivery/email-delivery.js';
import type { EmailMessage } from '../delivery/email.js';
import { recordSend, sendRecordOf } from '../delivery/send-log.js';
import type { OutgoingMessage } from '../delivery/outgoing.js';
import type { SendResult, TeamsDelivery } from '../delivery/teams-delivery.js';
import type { FeedbackKind, FeedbackRequest, Instant, Invitation, Meeting, Partner, Survey, SurveyRound } from '../domain/types.js';
import type { Store } from '../store/store.js';
import { personalConversation } from './conversations.js';

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

/** Stored years from the year of `from` to the year of `to`. */
function yearsBetween(store: Store, from: number, to: Date): number[] {
  return store.years().filter((y) => y >= yearOf(new Date(from)) && y <= yearOf(to));
}

/** Years in which a request sent at `now` could still be open. */
function openYears(store: Store, settings: FeedbackSettings, now: Date): number[] {
  const window = Date.parse(closesAt(now.toISOString(), settings)) - now.getTime();
  return yearsBetween(store, now.getTime() - window - DAY_MS, now);
}

export interface StoredRequest {
  year: number;
  request: FeedbackRequest;
}

export function findRequest(store: Store, id: string): StoredRequest | undefined {
  for (const year of [...store.years()].reverse()) {
    // From the end: requests are appended as they are sent, and the ones answered are recent.
    const request = store.readYear(year, (d) => d.feedbackRequests.findLast((r) => r.id === id));
    if (request) return { year, request: { ...request } };
  }
  return undefined;
}

/** The requests a partner may still answer or edit, newest first. */
export function editableRequests(store: Store, partnerId: string, settings: FeedbackSettings, now: Date): FeedbackRequest[] {
  return openYears(store, settings, now)
    .flatMap((year) => store.readYear(year, (d) => d.feedbackRequests.filter((r) => r.partnerId === partnerId && isEditable(r, settings, now))))
    .map((r) => ({ ...r }))
    .sort((a, b) => b.sentAt.localeCompare(a.sentAt));
}

export function findMeeting(store: Store, id: string): Meeting | undefined {
  for (const year of [...store.years()].reverse()) {
    const meeting = store.readYear(year, (d) => d.meetings.find((m) => m.id === id));
    if (meeting) return { ...meeting };
  }
  return undefined;
}

export function findRound(store: Store, id: string): SurveyRound | undefined {
  for (const year of [...store.years()].reverse()) {
    const round = store.readYear(year, (d) => d.surveyRounds.find((r) => r.id === id));
    if (round) return { ...round };
  }
  return undefined;
}

/** What a request (or its feedback) is about: the meeting, or the survey and its round. */
export interface RequestSubject {
  meeting?: Meeting;
  survey?: Survey;
  round?: SurveyRound;
}

export function subjectOf(store: Store, ref: { meetingId?: string; surveyRoundId?: string }): RequestSubject {
  if (ref.meetingId) {
    const meeting = findMeeting(store, ref.meetingId);
    return meeting ? { meeting } : {};
  }
  if (ref.surveyRoundId) {
    const round = findRound(store, ref.surveyRoundId);
    const survey = round && store.readShared((d) => d.surveys.find((s) => s.id === round.surveyId));
    return round && survey ? { round, survey: { ...survey } } : {};
  }
  return {};
}

/**
 * Creates one request per attendee of every meeting that has ended (and was
 * not cancelled) within the window; a meeting's attendee is asked once, however
 * often this runs. Returns the requests created now.
 */
export async function createMeetingRequests(store: Store, settings: FeedbackSettings, now: Date): Promise<FeedbackRequest[]> {
  const since = now.getTime() - MEETING_REQUEST_WINDOW_DAYS * DAY_MS;
  const years = yearsBetween(store, since, now);
  const ended = years.flatMap((y) =>
    store.readYear(y, (d) =>
      d.meetings.filter((m) => m.status !== 'cancelled' && Date.parse(m.endsAt) <= now.getTime() && Date.parse(m.endsAt) > since),
    ),
  );
  if (ended.length === 0) return [];
  const asked = new Set(
    years.flatMap((y) => store.readYear(y, (d) => d.feedbackRequests.filter((r) => r.kind === 'meeting').map((r) => `${r.meetingId}/${r.partnerId}`))),
  );
  const invitations = years.flatMap((y) => store.readYear(y, (d) => [...d.invitations]));
  const partners = store.readShared((d) => new Map(d.partners.map((p) => [p.id, { ...p }])));
  const fresh: FeedbackRequest[] = [];
  for (const meeting of ended) {
    for (const partnerId of attendeeIds(invitations.filter((i) => i.meetingId === meeting.id))) {
      const partner = partners.get(partnerId);
      if (!partner || asked.has(`${meeting.id}/${partnerId}`)) continue;
      fresh.push(newRequest({ kind: 'meeting', partner, officeId: meeting.officeId, meetingId: meeting.id }, settings, now));
    }
  }
  if (fresh.length === 0) return [];
  return store.updateYear(yearOf(now), (data) => {
    const added = fresh.filter(
      (r) => !data.feedbackRequests.some((x) => x.kind === 'meeting' && x.meetingId === r.meetingId && x.partnerId === r.partnerId),
    );
    data.feedbackRequests.push(...added);
    return added.map((r) => ({ ...r }));
  });
}

/** How requests reach partners; the messages themselves are made by the Teams layer. */
export interface FeedbackOutbox {
  teams: TeamsDelivery;
  email: EmailDelivery | null;
  log: (line: string) => void;
  /** The card for a request; `reminder` 0 is the first send, n the n-th reminder. */
  teamsMessage(request: FeedbackRequest, partner: Partner, reminder: number): OutgoingMessage;
  /** An e-mail for a partner without a Teams chat, with the personal link to the form on the web. */
  emailMessage(request: FeedbackRequest, partner: Partner, reminder: number, now: Date): Promise<Omit<EmailMessage, 'to' | 'idempotencyKey'>>;
}

export type DeliveryResult = SendResult | 'unreachable';

export const requestKey = (requestId: string) => `feedback-request:${requestId}`;
export const reminderKey = (requestId: string, n: number) => `feedback-reminder:${requestId}:${n}`;

/** Sends the request (reminder 0) or its n-th reminder: in Teams when the partner has a chat with the bot, else by e-mail. */
async function deliver(
  store: Store,
  outbox: FeedbackOutbox,
  request: FeedbackRequest,
  partner: Partner,
  reminder: number,
  now: Date,
): Promise<DeliveryResult> {
  const key = reminder === 0 ? requestKey(request.id) : reminderKey(request.id, reminder);
  const what = reminder === 0 ? `feedback request ${request.id}` : `feedback reminder ${reminder} for ${request.id}`;
  const conversation = personalConversation(store, partner.aadObjectId);
  if (conversation) return outbox.teams.send(key, conversation.id, outbox.teamsMessage(request, partner, reminder), what);
  if (outbox.email) return outbox.email.send(key, partner.id, { to: partner.email, ...(await outbox.emailMessage(request, partner, reminder, now)) }, what);
  // Recorded once for the first send, so it is not tried again every run; reminders will try again.
  if (reminder === 0) {
    const lastError = 'unreachable: no Teams chat with the partner and no SMTP configured';
    await recordSend(store, { id: key, channel: 'teams', target: partner.id, what, status: 'failed', attempts: 0, lastError, at: now.toISOString() });
  }
  return 'unreachable';
}

/** Sends the card of every open request of `kind` that has not been sent yet (one attempt each). */
export async function deliverNewRequests(
  store: Store,
  outbox: FeedbackOutbox,
  settings: FeedbackSettings,
  kind: FeedbackKind,
  now: Date,
): Promise<Record<DeliveryResult, number>> {
  const partners = store.readShared((d) => new Map(d.partners.map((p) => [p.id, { ...p }])));
  const pending = openYears(store, settings, now).flatMap((y) =>
    store.readYear(y, (d) => d.feedbackRequests.filter((r) => r.kind === kind && r.status === 'open' && !sendRecordOf(store, requestKey(r.id))).map((r) => ({ ...r }))),
  );
  const counts: Record<DeliveryResult, number> = { sent: 0, 'already-sent': 0, failed: 0, unreachable: 0 };
  // All sends are handed to the paced send queue at once; it decides how many run together.
  await Promise.all(
    pending.map(async (request) => {
      const partner = partners.get(request.partnerId);
      if (partner) counts[await deliver(store, outbox, request, partner, 0, now)]++;
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
  store: Store,
  outbox: FeedbackOutbox,
  settings: FeedbackSettings,
  now: Date,
): Promise<{ closed: number; reminded: number }> {
  let closed = 0;
  const years = openYears(store, settings, now);
  for (const year of years) {
    const expired = store.readYear(year, (d) => d.feedbackRequests.some((r) => r.status === 'open' && !isEditable(r, settings, now)));
    if (!expired) continue;
    closed += await store.updateYear(year, (data) => {
      const due = data.feedbackRequests.filter((r) => r.status === 'open' && !isEditable(r, settings, now));
      for (const request of due) request.status = 'closed';
      return due.length;
    });
  }

  const interval = settings.reminderAfterDays * DAY_MS;
  const partners = store.readShared((d) => new Map(d.partners.map((p) => [p.id, { ...p }])));
  let reminded = 0;
  for (const year of years) {
    const due = store.readYear(year, (d) =>
      d.feedbackRequests
        .filter((r) => r.status === 'open' && r.remindersSent < settings.maxReminders)
        .filter((r) => now.getTime() - Date.parse(r.lastReminderAt ?? r.sentAt) >= interval)
        .map((r) => ({ ...r })),
    );
    for (const request of due) {
      const partner = partners.get(request.partnerId);
      if (!partner) continue;
      const n = request.remindersSent + 1;
      const result = await deliver(store, outbox, request, partner, n, now);
      if (result !== 'sent' && result !== 'already-sent') continue;
      reminded += await store.updateYear(year, (data) => {
        const stored = data.feedbackRequests.find((r) => r.id === request.id);
        if (!stored || stored.remindersSent !== n - 1) return 0;
        Object.assign(stored, { remindersSent: n, lastReminderAt: now.toISOString() });
        return 1;
      });
    }
  }
  return { closed, reminded };
}
