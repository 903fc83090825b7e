// Feedback from the office to the partner organisations that attended a
// meeting: who can be reviewed, saving the feedback (one per meeting and
// organisation), delivering it to the partners, and prompting coordinators.
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type { OfficeFeedbackInput } from '../domain/office-feedback-input.js';
import { handlesOffice } from '../domain/office-access.js';
import { attendingInvitations, meetingEnded, promptDue } from '../domain/office-feedback-rules.js';
import type { Meeting, OfficeFeedback, Partner } from '../domain/types.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import { personalChatOf } from './conversations.js';
import { notifyPartner, type NotifyPorts, type NotifyResult } from './notify-partner.js';
import { officeFeedbackMessage, promptCard } from './office-feedback-messages.js';
import { languageOf } from './people.js';
import type { Viewer } from '../domain/proposal-rules.js';
import type { Decider } from './proposals.js';
import { officeOrFirst } from '../domain/office-name.js';

export interface AttendingOrganisation {
  organisation: string;
  segment: string;
  /** The partners of this organisation who attended. */
  partners: Partner[];
}

export interface MeetingReview {
  year: number;
  meeting: Meeting;
  organisations: AttendingOrganisation[];
}

const collator = new Intl.Collator('fi');
const orgKey = (organisation: string) => organisation.trim().toLowerCase();

async function attendingOrganisations(reader: RecordReader, meetingId: string): Promise<AttendingOrganisation[]> {
  const invitations = attendingInvitations(await reader.findBy('invitations', 'meetingId', meetingId));
  const byOrg = new Map<string, AttendingOrganisation>();
  for (const invitation of invitations) {
    const partner = await reader.get('partners', invitation.partnerId);
    if (!partner) continue;
    const key = orgKey(partner.organisation);
    const entry = byOrg.get(key) ?? { organisation: partner.organisation.trim(), segment: partner.segment, partners: [] };
    entry.partners.push(partner);
    byOrg.set(key, entry);
  }
  return [...byOrg.values()].sort((a, b) => collator.compare(a.organisation, b.organisation));
}

/** The meeting and the partner organisations with someone who attended it; undefined for an unknown meeting. */
export async function organisationsToReview(reader: RecordReader, meetingId: string): Promise<MeetingReview | undefined> {
  const meeting = await reader.get('meetings', meetingId);
  const year = meeting && (await reader.yearOf('meetings', meetingId));
  if (!meeting || year === undefined) return undefined;
  return { year, meeting, organisations: await attendingOrganisations(reader, meetingId) };
}

/** The feedback already given for this meeting and organisation, if any. */
export async function findOfficeFeedback(reader: RecordReader, meetingId: string, organisation: string): Promise<OfficeFeedback | undefined> {
  return (await reader.findBy('officeFeedback', 'meetingId', meetingId)).find((f) => orgKey(f.organisation) === orgKey(organisation));
}

export type OfficeFeedbackErrorCode =
  | 'office-feedback-meeting-not-found'
  | 'office-feedback-not-allowed'
  | 'office-feedback-meeting-not-ended'
  | 'office-feedback-not-attended';

export type GiveResult =
  | { ok: true; feedback: OfficeFeedback; recipients: Partner[] }
  | { ok: false; code: OfficeFeedbackErrorCode };

export type ReviewResult = { ok: true; review: MeetingReview } | { ok: false; code: OfficeFeedbackErrorCode };

/** Why `by` may not give feedback on the meeting now, if they may not. */
function reviewRefusal(meeting: Meeting | undefined, by: Viewer, now: Date): OfficeFeedbackErrorCode | undefined {
  if (!meeting) return 'office-feedback-meeting-not-found';
  if (!handlesOffice(by, meeting.officeId)) return 'office-feedback-not-allowed';
  if (!meetingEnded(meeting, now)) return 'office-feedback-meeting-not-ended';
  return undefined;
}

/** The meeting `by` may give feedback on now, with the organisations that attended, or why not (giveOfficeFeedback's rules). */
export async function reviewFor(reader: RecordReader, by: Viewer, meetingId: string, now: Date): Promise<ReviewResult> {
  const review = await organisationsToReview(reader, meetingId);
  const code = reviewRefusal(review?.meeting, by, now);
  return code || !review ? { ok: false, code: code ?? 'office-feedback-meeting-not-found' } : { ok: true, review };
}

/** The attending organisation of this name (case and surrounding spaces aside), if it attended. */
export function attendee(organisations: readonly AttendingOrganisation[], organisation: string): AttendingOrganisation | undefined {
  return organisations.find((o) => orgKey(o.organisation) === orgKey(organisation));
}

const sameContent = (f: OfficeFeedback, input: OfficeFeedbackInput) =>
  f.rating === input.rating && f.works === input.works && f.couldDoDifferently === input.couldDoDifferently;

/**
 * Saves the office's feedback to an organisation that attended the meeting; a
 * second submission for the same meeting and organisation replaces the first
 * (an identical one keeps updatedAt, so it is not delivered twice).
 */
export function giveOfficeFeedback(records: RecordStore, input: OfficeFeedbackInput, by: Decider, now: Date): Promise<GiveResult> {
  return records.transaction(async (tx): Promise<GiveResult> => {
    // Locks the meeting: two coordinators saving feedback on it take turns.
    const meeting = await tx.get('meetings', input.meetingId);
    const year = meeting && (await tx.yearOf('meetings', input.meetingId));
    const code = reviewRefusal(meeting, by, now);
    if (code || !meeting || year === undefined) return { ok: false, code: code ?? 'office-feedback-meeting-not-found' };
    const attended = attendee(await attendingOrganisations(tx, meeting.id), input.organisation);
    if (!attended) return { ok: false, code: 'office-feedback-not-attended' };

    const at = now.toISOString();
    const content = { rating: input.rating, works: input.works, couldDoDifferently: input.couldDoDifferently };
    const given = await findOfficeFeedback(tx, meeting.id, attended.organisation);
    if (given && sameContent(given, input)) return { ok: true, feedback: given, recipients: attended.partners };
    const feedback: OfficeFeedback = given
      ? { ...given, ...content, givenBy: by.id, updatedAt: at }
      : {
          id: randomUUID(),
          meetingId: meeting.id,
          officeId: meeting.officeId,
          organisation: attended.organisation,
          segment: attended.segment,
          ...content,
          givenBy: by.id,
          givenAt: at,
          updatedAt: at,
        };
    await tx.putInYear('officeFeedback', year, feedback);
    return { ok: true, feedback, recipients: attended.partners };
  });
}

export type DeliveryCounts = Record<NotifyResult, number>;

/** Sends the feedback to each partner of the organisation who attended: in Teams, or by e-mail. */
export async function deliverOfficeFeedback(
  ports: NotifyPorts & { config: AppConfig },
  feedback: OfficeFeedback,
  recipients: readonly Partner[],
  meeting: Meeting,
  now: Date,
): Promise<DeliveryCounts> {
  const counts: DeliveryCounts = { teams: 0, email: 0, none: 0, failed: 0 };
  const version = feedback.updatedAt ?? feedback.givenAt;
  for (const partner of recipients) {
    const key = `office-feedback:${feedback.id}:${partner.id}:${version}`;
    const result = await notifyPartner(ports, partner, key, officeFeedbackMessage(ports.config, feedback, meeting, languageOf(partner)), 'office feedback', now);
    counts[result] += 1;
  }
  return counts;
}

/** The office feedback already given after this meeting, by organisation (the prompt card shows it). */
export async function givenFeedback(reader: RecordReader, review: MeetingReview): Promise<Map<string, OfficeFeedback>> {
  const given = new Map<string, OfficeFeedback>();
  for (const o of review.organisations) {
    const feedback = await findOfficeFeedback(reader, review.meeting.id, o.organisation);
    if (feedback) given.set(o.organisation, feedback);
  }
  return given;
}

/** Who coordinates an office and can be reached in a personal chat: their conversation record ids by aadObjectId. */
async function reachableCoordinators(reader: RecordReader, config: AppConfig, officeId: string): Promise<Map<string, string>> {
  const assigned = await reader.findBy('roleAssignments', 'office', officeId);
  const ids = [...config.people, ...assigned]
    .filter((p) => p.role === 'coordinator' && p.office === officeId && p.aadObjectId)
    .map((p) => p.aadObjectId!);
  const reachable = new Map<string, string>();
  for (const id of ids) {
    const chat = await personalChatOf(reader, id);
    if (chat) reachable.set(id, chat.id);
  }
  return reachable;
}

/**
 * The job: for each meeting that ended recently, sends every coordinator of
 * its office one card listing the organisations that attended, once.
 */
export async function sendFeedbackPrompts(ports: NotifyPorts & { config: AppConfig }, now: Date): Promise<number> {
  const { records, config } = ports;
  const years = (await records.years()).filter((y) => y >= now.getUTCFullYear() - 1);
  const due = (await Promise.all(years.map((y) => records.inYear('meetings', y)))).flat().filter((m) => promptDue(m, now));
  let sent = 0;
  for (const { id: meetingId } of due) {
    const review = await organisationsToReview(records, meetingId);
    if (!review || review.organisations.length === 0) continue;
    const locale = officeOrFirst(config.offices, review.meeting.officeId).locale;
    for (const [aadObjectId, chatId] of await reachableCoordinators(records, config, review.meeting.officeId)) {
      const key = `office-feedback-prompt:${meetingId}:${aadObjectId}`;
      if ((await records.get('sends', key))?.status === 'sent') continue;
      const result = await ports.delivery.send(key, chatId, { card: promptCard(config, review, await givenFeedback(records, review), locale) }, 'office feedback prompt');
      if (result === 'sent') sent += 1;
    }
  }
  return sent;
}
