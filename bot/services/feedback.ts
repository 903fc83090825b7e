// Recording a partner's feedback: the answer to a request (meeting or survey
// round) or feedback given at any time on a topic of the partner's choosing.
// A second submission for the same request updates the same record, never
// adds one. Input arrives validated by domain/feedback-input.ts.
import { randomUUID } from 'node:crypto';
import type { FeedbackInput } from '../domain/feedback-input.js';
import type { Feedback, FeedbackRequest, Meeting, Partner, Proposal } from '../domain/types.js';
import type { Store, YearData } from '../store/store.js';
import { findMeeting, findRequest, isEditable, newRequest, yearOf, type FeedbackSettings } from './feedback-requests.js';

export const FEEDBACK_ERROR_CODES = [
  'not-found', // no such request, and no topic to start one
  'not-yours', // the request was sent to someone else
  'closed', // the answering window has passed
  'unknown-topic',
] as const;
export type FeedbackErrorCode = (typeof FEEDBACK_ERROR_CODES)[number];

/** What feedback given at any time is about. */
export type FeedbackTopic = { kind: 'general' } | { kind: 'meeting'; meeting: Meeting };

export const GENERAL_TOPIC = 'general';
export const topicValue = (topic: FeedbackTopic) => (topic.kind === 'general' ? GENERAL_TOPIC : `meeting:${topic.meeting.id}`);

/** Reads a topic value ("general" or "meeting:<id>"); a meeting must be a non-cancelled one of the partner's office. */
export function parseTopic(store: Store, partner: Partner, value: string): FeedbackTopic | null {
  if (value === GENERAL_TOPIC) return { kind: 'general' };
  const match = /^meeting:(.+)$/.exec(value);
  const meeting = match ? findMeeting(store, match[1]) : undefined;
  return meeting && meeting.officeId === partner.officeId && meeting.status !== 'cancelled' ? { kind: 'meeting', meeting } : null;
}

export interface SavedFeedback {
  request: FeedbackRequest;
  feedback: Feedback;
  proposals: Proposal[];
  /** false when an earlier answer was updated. */
  created: boolean;
}

export type SubmitResult = ({ ok: true } & SavedFeedback) | { ok: false; code: FeedbackErrorCode };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why `partner` may not answer `request` now, if they may not. */
function refusal(request: FeedbackRequest, partner: Partner, settings: FeedbackSettings, now: Date): FeedbackErrorCode | undefined {
  if (request.partnerId !== partner.id) return 'not-yours';
  if (!isEditable(request, settings, now)) return 'closed';
  return undefined;
}

/**
 * Saves the partner's answer to the request `requestId`. When there is no such
 * request and a topic is given, starts an ad-hoc request with that id (the
 * card carries a fresh id, so submitting the same card twice updates).
 */
export async function submitFeedback(
  store: Store,
  settings: FeedbackSettings,
  args: { requestId: string; partner: Partner; input: FeedbackInput; topic?: FeedbackTopic; now: Date },
): Promise<SubmitResult> {
  const { requestId, partner, input, topic, now } = args;
  const found = findRequest(store, requestId);
  if (found) {
    const code = refusal(found.request, partner, settings, now);
    if (code) return { ok: false, code };
    return store.updateYear(found.year, (data): SubmitResult => {
      const request = data.feedbackRequests.findLast((r) => r.id === requestId);
      if (!request) return { ok: false, code: 'not-found' };
      const again = refusal(request, partner, settings, now);
      if (again) return { ok: false, code: again };
      return { ok: true, ...apply(data, request, partner, input, undefined, now) };
    });
  }
  if (!topic || !UUID.test(requestId)) return { ok: false, code: 'not-found' };
  return store.updateYear(yearOf(now), (data): SubmitResult => {
    // A double click may have created it meanwhile.
    const existing = data.feedbackRequests.find((r) => r.id === requestId);
    const code = existing && refusal(existing, partner, settings, now);
    if (code) return { ok: false, code };
    const meetingId = topic.kind === 'meeting' ? topic.meeting.id : undefined;
    const request = existing ?? newRequest({ id: requestId, kind: 'adhoc', partner, officeId: partner.officeId, meetingId }, settings, now);
    if (!existing) data.feedbackRequests.push(request);
    return { ok: true, ...apply(data, request, partner, input, topic, now) };
  });
}

/** Writes the answer into the year data; every check has passed before this runs. */
function apply(data: YearData, request: FeedbackRequest, partner: Partner, input: FeedbackInput, topic: FeedbackTopic | undefined, now: Date): SavedFeedback {
  const at = now.toISOString();
  // A request gets answeredAt with its first answer, so an unanswered one needs no search.
  let feedback = request.answeredAt ? data.feedback.findLast((f) => f.requestId === request.id) : undefined;
  const created = !feedback;
  if (!feedback) {
    feedback = {
      id: randomUUID(),
      requestId: request.id,
      kind: request.kind,
      ...(request.meetingId ? { meetingId: request.meetingId } : {}),
      ...(request.surveyRoundId ? { surveyRoundId: request.surveyRoundId } : {}),
      ...(topic ? { topic: topic.kind === 'meeting' ? topic.meeting.subTheme : GENERAL_TOPIC } : {}),
      officeId: request.officeId,
      segment: request.segment,
      partnerId: partner.id,
      anonymous: input.anonymous,
      rating: input.rating,
      works: input.works,
      change: input.change,
      submittedAt: at,
      updatedAt: at,
    };
    data.feedback.push(feedback);
  } else {
    Object.assign(feedback, { anonymous: input.anonymous, rating: input.rating, works: input.works, change: input.change, updatedAt: at });
  }
  if (input.justification !== undefined) feedback.justification = input.justification;
  else delete feedback.justification;
  const proposals = syncProposals(data, feedback, created, input, at);
  request.status = 'answered';
  request.answeredAt ??= at;
  return {
    request: { ...request },
    feedback: { ...feedback },
    proposals: proposals.map((p) => ({ ...p })),
    created,
  };
}

/**
 * Makes the feedback's proposals match the submission. Proposals still
 * "received" are replaced (one with the same text is kept and updated);
 * those already being handled stay as they are, whatever was submitted.
 * Returns the feedback's proposals, in store order.
 */
function syncProposals(data: YearData, feedback: Feedback, created: boolean, input: FeedbackInput, at: string): Proposal[] {
  // Feedback created just now has a fresh id, so no proposal refers to it yet (saves a scan of all proposals).
  const current = created ? [] : data.proposals.filter((p) => p.feedbackId === feedback.id);
  const kept = new Set<string>();
  const added: Proposal[] = [];
  for (const given of input.proposals) {
    const same = current.find((p) => !kept.has(p.id) && p.text === given.text);
    if (same) {
      kept.add(same.id);
      if (same.status !== 'received') continue;
      same.level = given.level;
      if (given.justification !== undefined) same.justification = given.justification;
      else delete same.justification;
      continue;
    }
    added.push({
      id: randomUUID(),
      feedbackId: feedback.id,
      officeId: feedback.officeId,
      segment: feedback.segment,
      text: given.text,
      level: given.level,
      ...(given.justification !== undefined ? { justification: given.justification } : {}),
      status: 'received',
      // "partner" rather than an id: the history must not name an anonymous author.
      history: [{ status: 'received', at, by: 'partner' }],
      authorPartnerId: feedback.partnerId,
      anonymous: feedback.anonymous,
      createdAt: at,
    });
  }
  const dropped = new Set(current.filter((p) => !kept.has(p.id) && p.status === 'received'));
  if (dropped.size > 0) data.proposals = data.proposals.filter((p) => !dropped.has(p));
  data.proposals.push(...added);
  const proposals = [...current.filter((p) => !dropped.has(p)), ...added];
  for (const proposal of proposals) proposal.anonymous = feedback.anonymous;
  return proposals;
}

/** The partner's stored answer to a request, with its proposals, if there is one. */
export function answerTo(store: Store, request: FeedbackRequest): { feedback: Feedback; proposals: Proposal[] } | undefined {
  if (!request.answeredAt) return undefined;
  const requestId = request.id;
  for (const year of [...store.years()].reverse()) {
    const answer = store.readYear(year, (d) => {
      const feedback = d.feedback.find((f) => f.requestId === requestId);
      return feedback && { feedback: { ...feedback }, proposals: d.proposals.filter((p) => p.feedbackId === feedback.id).map((p) => ({ ...p })) };
    });
    if (answer) return answer;
  }
  return undefined;
}

const RECENT_MEETING_DAYS = 180;
const RECENT_MEETING_COUNT = 5;

/** The office's latest meetings that have started (not cancelled), newest first: topics a partner can give feedback on. */
export function recentMeetings(store: Store, officeId: string, now: Date): Meeting[] {
  const since = now.getTime() - RECENT_MEETING_DAYS * 86_400_000;
  return store
    .years()
    .filter((y) => y >= yearOf(new Date(since)) && y <= yearOf(now))
    .flatMap((y) =>
      store.readYear(y, (d) =>
        d.meetings
          .filter((m) => m.officeId === officeId && m.status !== 'cancelled')
          .filter((m) => Date.parse(m.startsAt) <= now.getTime() && Date.parse(m.startsAt) >= since)
          .map((m) => ({ ...m })),
      ),
    )
    .sort((a, b) => b.startsAt.localeCompare(a.startsAt))
    .slice(0, RECENT_MEETING_COUNT);
}
