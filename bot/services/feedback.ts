// Recording a partner's feedback: the answer to a request (meeting or survey
// round) or feedback given at any time on a topic of the partner's choosing.
// A second submission for the same request updates the same record, never
// adds one. Input arrives validated by domain/feedback-input.ts.
import { randomUUID } from 'node:crypto';
import type { FeedbackInput } from '../domain/feedback-input.js';
import type { Feedback, FeedbackRequest, Meeting, Partner, Proposal } from '../domain/types.js';
import type { RecordReader, RecordStore, RecordTransaction } from '../store/records.js';
import { findRequest, isEditable, newRequest, yearOf, type FeedbackSettings } from './feedback-requests.js';
import { retryOnConflict } from './retry-on-conflict.js';

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
export async function parseTopic(reader: RecordReader, partner: Partner, value: string): Promise<FeedbackTopic | null> {
  if (value === GENERAL_TOPIC) return { kind: 'general' };
  const match = /^meeting:(.+)$/.exec(value);
  const meeting = match ? await reader.get('meetings', match[1]) : undefined;
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

/** The request `partner` may answer now, or why not (submitFeedback's rule); 'not-found' when there is no such request. */
export async function requestToAnswer(
  reader: RecordReader,
  partner: Partner,
  requestId: string,
  settings: FeedbackSettings,
  now: Date,
): Promise<{ ok: true; request: FeedbackRequest } | { ok: false; code: FeedbackErrorCode }> {
  const found = await findRequest(reader, requestId);
  const code = found ? refusal(found.request, partner, settings, now) : 'not-found';
  return code || !found ? { ok: false, code: code ?? 'not-found' } : { ok: true, request: found.request };
}

/**
 * Saves the partner's answer to the request `requestId`. When there is no such
 * request and a topic is given, starts an ad-hoc request with that id (the
 * card carries a fresh id, so submitting the same card twice updates).
 * Two submissions racing on two instances: the one that loses runs again and
 * updates the answer the other saved, as a second submission does.
 */
export function submitFeedback(
  records: RecordStore,
  settings: FeedbackSettings,
  args: { requestId: string; partner: Partner; input: FeedbackInput; topic?: FeedbackTopic; now: Date },
): Promise<SubmitResult> {
  const { requestId, partner, input, topic, now } = args;
  return retryOnConflict(() =>
    records.transaction(async (tx): Promise<SubmitResult> => {
      const found = await tx.get('feedbackRequests', requestId);
      const year = found && (await tx.yearOf('feedbackRequests', requestId));
      if (found && year !== undefined) {
        const code = refusal(found, partner, settings, now);
        if (code) return { ok: false, code };
        return { ok: true, ...(await apply(tx, year, found, partner, input, undefined, now)) };
      }
      if (!topic || !UUID.test(requestId)) return { ok: false, code: 'not-found' };
      const meetingId = topic.kind === 'meeting' ? topic.meeting.id : undefined;
      const request = newRequest({ id: requestId, kind: 'adhoc', partner, officeId: partner.officeId, meetingId }, settings, now);
      return { ok: true, ...(await apply(tx, yearOf(now), request, partner, input, topic, now)) };
    }),
  );
}

/** Writes the answer (and the request) under `year`; every check has passed before this runs. */
async function apply(
  tx: RecordTransaction,
  year: number,
  request: FeedbackRequest,
  partner: Partner,
  input: FeedbackInput,
  topic: FeedbackTopic | undefined,
  now: Date,
): Promise<SavedFeedback> {
  const at = now.toISOString();
  // A request gets answeredAt with its first answer, so an unanswered one needs no search.
  const [stored] = request.answeredAt ? await tx.findBy('feedback', 'requestId', request.id) : [];
  const created = !stored;
  const content = { anonymous: input.anonymous, rating: input.rating, works: input.works, change: input.change };
  const feedback: Feedback = stored
    ? { ...stored, ...content, updatedAt: at }
    : {
        id: randomUUID(),
        requestId: request.id,
        kind: request.kind,
        ...(request.meetingId ? { meetingId: request.meetingId } : {}),
        ...(request.surveyRoundId ? { surveyRoundId: request.surveyRoundId } : {}),
        ...(topic ? { topic: topic.kind === 'meeting' ? topic.meeting.subTheme : GENERAL_TOPIC } : {}),
        officeId: request.officeId,
        segment: request.segment,
        partnerId: partner.id,
        ...content,
        submittedAt: at,
        updatedAt: at,
      };
  if (input.justification !== undefined) feedback.justification = input.justification;
  else delete feedback.justification;
  const answered: FeedbackRequest = { ...request, status: 'answered', answeredAt: request.answeredAt ?? at };
  await tx.putInYear('feedbackRequests', year, answered);
  await tx.putInYear('feedback', year, feedback);
  const proposals = await syncProposals(tx, year, feedback, created, input, at);
  return { request: answered, feedback, proposals, created };
}

/**
 * Makes the feedback's proposals match the submission. Proposals still
 * "received" are replaced (one with the same text is kept and updated);
 * those already being handled stay as they are, whatever was submitted.
 * Returns the feedback's proposals, oldest first.
 */
async function syncProposals(tx: RecordTransaction, year: number, feedback: Feedback, created: boolean, input: FeedbackInput, at: string): Promise<Proposal[]> {
  // Feedback created just now has a fresh id, so no proposal refers to it yet (saves a lookup).
  const current = created ? [] : (await tx.findBy('proposals', 'feedbackId', feedback.id)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
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
  const dropped = current.filter((p) => !kept.has(p.id) && p.status === 'received');
  for (const proposal of dropped) await tx.remove('proposals', proposal.id);
  const proposals = [...current.filter((p) => !dropped.includes(p)), ...added];
  for (const proposal of proposals) {
    proposal.anonymous = feedback.anonymous;
    await tx.putInYear('proposals', year, proposal);
  }
  return proposals;
}

/** The partner's stored answer to a request, with its proposals, if there is one. */
export async function answerTo(reader: RecordReader, request: FeedbackRequest): Promise<{ feedback: Feedback; proposals: Proposal[] } | undefined> {
  if (!request.answeredAt) return undefined;
  const [feedback] = await reader.findBy('feedback', 'requestId', request.id);
  if (!feedback) return undefined;
  const proposals = (await reader.findBy('proposals', 'feedbackId', feedback.id)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { feedback, proposals };
}

const RECENT_MEETING_DAYS = 180;
const RECENT_MEETING_COUNT = 5;

/** The office's latest meetings that have started (not cancelled), newest first: topics a partner can give feedback on. */
export async function recentMeetings(reader: RecordReader, officeId: string, now: Date): Promise<Meeting[]> {
  const since = now.getTime() - RECENT_MEETING_DAYS * 86_400_000;
  return (await reader.findBy('meetings', 'officeId', officeId))
    .filter((m) => m.status !== 'cancelled')
    .filter((m) => Date.parse(m.startsAt) <= now.getTime() && Date.parse(m.startsAt) >= since)
    .sort((a, b) => b.startsAt.localeCompare(a.startsAt))
    .slice(0, RECENT_MEETING_COUNT);
}
