// Digest stage 1, the tally: one pass over each kind of record, counting every
// record in its office's total and segment row and in its period's slot
// (0 = the digest's period, 1 = the one before, …), so the history costs no
// further scans. Ends with the anonymity hiding of each slot's small groups.
// Which record counts where is described in digest.ts.
import { slotOf, type PeriodSlots } from './digest-periods.js';
import { rowCounts, type AskedRound, type DigestInput, type RowCounts } from './digest-types.js';
import type { Feedback, FeedbackRequest, Invitation, Meeting, Office, OfficeFeedback, Partner } from './types.js';

/** A row's counts in one period, with what its rating metrics are computed from. */
export interface Tally extends RowCounts {
  feedbackCount: number;
  ratingSum: number;
  positive: number;
  critical: number;
  respondents: Set<string>;
  suppressed: boolean;
}

export interface RowTallies {
  segment: string | null;
  targetGroupSize: number;
  /** One per counted period, by slot: [this period, the one before, …]. */
  periods: Tally[];
  heldMeetings: Meeting[];
  officeFeedback: { count: number; ratingSum: number };
}

export interface OfficeTallies {
  office: Office;
  total: RowTallies;
  segments: RowTallies[];
  /** segment → [total, segment row]: the rows a record of that segment counts in. */
  rowsBySegment: Map<string, RowTallies[]>;
  totalOnly: RowTallies[];
}

/** One meeting's or survey round's feedback requests sent in the digest's period. */
export interface RoundTally {
  officeId: string;
  round: Omit<AskedRound, 'asked' | 'answered' | 'rate' | 'segments'>;
  /** round.firstSentAt in ms. */
  firstSent: number;
  segments: Set<string>;
  asked: Set<string>;
  answered: Set<string>;
}

export interface DigestTallies {
  /** By office id, in input order. */
  offices: Map<string, OfficeTallies>;
  partners: Map<string, Partner>;
  /** The asked rounds of the digest's period, by office, kind and ref. */
  rounds: Map<string, RoundTally>;
  /** Ids of the feedback given anonymously, whatever its period. */
  anonymousFeedback: Set<string>;
}

/** Every record of the input counted in its rows and period slots, small groups hidden. */
export function tallyDigest(input: DigestInput, slots: PeriodSlots): DigestTallies {
  const offices = new Map(input.offices.map((office) => [office.id, officeTallies(office, input.segments, slots.periods.length)]));
  const partners = new Map(input.partners.map((p) => [p.id, p]));
  for (const group of input.targetGroups) {
    for (const row of rowsOf(offices, group.officeId, group.segment)) row.targetGroupSize += group.count;
  }
  const plannedMeetings = tallyMeetings(input.meetings, offices, slots);
  tallyInvitations(input.invitations, plannedMeetings, offices, partners);
  const rounds = tallyRequests(input.feedbackRequests, new Map(input.meetings.map((m) => [m.id, m])), offices, slots);
  const anonymousFeedback = tallyFeedback(input.feedback, partners, offices, slots);
  tallyOfficeFeedback(input.officeFeedback, offices, slots);
  for (const office of offices.values()) {
    for (let slot = 0; slot < slots.periods.length; slot++) {
      suppressSmallGroups(office.total.periods[slot], office.segments.map((row) => row.periods[slot]), input.anonymityMinimum);
    }
  }
  return { offices, partners, rounds, anonymousFeedback };
}

/** How many partners are registered in the office and segment (0 for a segment or office not in the digest). */
export function targetGroupSize(tallies: DigestTallies, officeId: string, segment: string): number {
  return segmentRow(tallies.offices, officeId, segment)?.targetGroupSize ?? 0;
}

export function emptyTally(): Tally {
  return {
    ...rowCounts(() => 0),
    feedbackCount: 0,
    ratingSum: 0,
    positive: 0,
    critical: 0,
    respondents: new Set(),
    suppressed: false,
  };
}

function emptyRow(segment: string | null, slots: number): RowTallies {
  return { segment, targetGroupSize: 0, periods: Array.from({ length: slots }, emptyTally), heldMeetings: [], officeFeedback: { count: 0, ratingSum: 0 } };
}

function officeTallies(office: Office, segments: string[], slots: number): OfficeTallies {
  const total = emptyRow(null, slots);
  const rows = segments.map((segment) => emptyRow(segment, slots));
  return {
    office,
    total,
    segments: rows,
    rowsBySegment: new Map(rows.map((row) => [row.segment as string, [total, row]])),
    totalOnly: [total],
  };
}

const NO_ROWS: RowTallies[] = [];

/** The rows a record of the office and segment counts in: the total, and the segment's row when the digest has that segment. */
function rowsOf(offices: Map<string, OfficeTallies>, officeId: string, segment: string | undefined): RowTallies[] {
  const office = offices.get(officeId);
  if (!office) return NO_ROWS;
  const rows = segment === undefined ? undefined : office.rowsBySegment.get(segment);
  return rows ?? office.totalOnly;
}

function segmentRow(offices: Map<string, OfficeTallies>, officeId: string, segment: string): RowTallies | undefined {
  return offices.get(officeId)?.rowsBySegment.get(segment)?.[1];
}

interface PlannedMeeting {
  slot: number;
  held: boolean;
  officeId: string;
}

/** Counts meetings planned and held; returns the planned ones (not cancelled, in a counted period, of a digest office) by id. */
function tallyMeetings(meetings: Meeting[], offices: Map<string, OfficeTallies>, slots: PeriodSlots): Map<string, PlannedMeeting> {
  const planned = new Map<string, PlannedMeeting>();
  for (const meeting of meetings) {
    if (meeting.status === 'cancelled') continue;
    const office = offices.get(meeting.officeId);
    const slot = slotOf(slots, Date.parse(meeting.startsAt));
    if (!office || slot === -1) continue;
    const held = Date.parse(meeting.endsAt) <= slots.cutoffs[slot];
    planned.set(meeting.id, { slot, held, officeId: meeting.officeId });
    const rows = [office.total];
    for (const segment of new Set(meeting.segments)) {
      const row = segmentRow(offices, meeting.officeId, segment);
      if (row) rows.push(row);
    }
    for (const row of rows) {
      const tally = row.periods[slot];
      tally.meetingsPlanned++;
      if (!held) continue;
      tally.meetingsHeld++;
      if (slot === 0) row.heldMeetings.push(meeting);
    }
  }
  return planned;
}

function tallyInvitations(
  invitations: Invitation[],
  plannedMeetings: Map<string, PlannedMeeting>,
  offices: Map<string, OfficeTallies>,
  partners: Map<string, Partner>,
): void {
  const attendanceRecorded = new Set<string>();
  for (const invitation of invitations) {
    if (invitation.attended !== undefined) attendanceRecorded.add(invitation.meetingId);
  }
  for (const invitation of invitations) {
    const meeting = plannedMeetings.get(invitation.meetingId);
    if (!meeting) continue;
    const attended = attendanceRecorded.has(invitation.meetingId) ? invitation.attended === true : invitation.rsvp === 'accepted';
    for (const row of rowsOf(offices, meeting.officeId, partners.get(invitation.partnerId)?.segment)) {
      const tally = row.periods[meeting.slot];
      tally.invitations++;
      if (invitation.rsvp === 'accepted') tally.accepted++;
      if (!meeting.held) continue;
      tally.invitedToHeld++;
      if (attended) tally.attended++;
    }
  }
}

/** Counts feedback requests and answers; returns the asked rounds of the digest's period. */
function tallyRequests(
  requests: FeedbackRequest[],
  meetings: Map<string, Meeting>,
  offices: Map<string, OfficeTallies>,
  slots: PeriodSlots,
): Map<string, RoundTally> {
  const rounds = new Map<string, RoundTally>();
  for (const request of requests) {
    const sentAt = Date.parse(request.sentAt);
    const slot = slotOf(slots, sentAt);
    if (slot === -1) continue;
    if (slot === 0 && offices.has(request.officeId)) countRound(rounds, request, sentAt, meetings);
    for (const row of rowsOf(offices, request.officeId, request.segment)) {
      const tally = row.periods[slot];
      tally.feedbackRequests++;
      if (request.status === 'answered') tally.requestsAnswered++;
    }
  }
  return rounds;
}

function countRound(rounds: Map<string, RoundTally>, request: FeedbackRequest, sentAt: number, meetings: Map<string, Meeting>): void {
  const ref = request.meetingId ?? request.surveyRoundId;
  if (ref === undefined) return;
  const kind = request.meetingId !== undefined ? 'meeting' : 'survey';
  const key = `${request.officeId}\u0000${kind}\u0000${ref}`;
  let tally = rounds.get(key);
  if (!tally) {
    const subTheme = kind === 'meeting' ? (meetings.get(ref)?.subTheme ?? null) : null;
    tally = { officeId: request.officeId, round: { kind, ref, subTheme, firstSentAt: request.sentAt }, firstSent: sentAt, segments: new Set(), asked: new Set(), answered: new Set() };
    rounds.set(key, tally);
  }
  if (sentAt < tally.firstSent) {
    tally.round.firstSentAt = request.sentAt;
    tally.firstSent = sentAt;
  }
  tally.segments.add(request.segment);
  tally.asked.add(request.partnerId);
  if (request.status === 'answered') tally.answered.add(request.partnerId);
}

/** Counts ratings and respondents (partners of the row's office and segment); returns the ids of anonymous feedback. */
function tallyFeedback(feedback: Feedback[], partners: Map<string, Partner>, offices: Map<string, OfficeTallies>, slots: PeriodSlots): Set<string> {
  const anonymous = new Set<string>();
  for (const answer of feedback) {
    if (answer.anonymous) anonymous.add(answer.id);
    const slot = slotOf(slots, Date.parse(answer.submittedAt));
    if (slot === -1) continue;
    const partner = partners.get(answer.partnerId);
    const inOffice = partner?.officeId === answer.officeId;
    for (const row of rowsOf(offices, answer.officeId, answer.segment)) {
      const tally = row.periods[slot];
      tally.feedbackCount++;
      tally.ratingSum += answer.rating;
      if (answer.rating >= 4) tally.positive++;
      else if (answer.rating <= 2) tally.critical++;
      if (inOffice && (row.segment === null || partner?.segment === row.segment)) tally.respondents.add(answer.partnerId);
    }
  }
  return anonymous;
}

/** Office → partner feedback is summed for the digest's period only. */
function tallyOfficeFeedback(officeFeedback: OfficeFeedback[], offices: Map<string, OfficeTallies>, slots: PeriodSlots): void {
  for (const given of officeFeedback) {
    if (slotOf(slots, Date.parse(given.givenAt)) !== 0) continue;
    for (const row of rowsOf(offices, given.officeId, given.segment)) {
      row.officeFeedback.count++;
      row.officeFeedback.ratingSum += given.rating;
    }
  }
}

/**
 * Hides rating metrics of rows with fewer answers than the minimum. A lone
 * hidden group could still be recovered as the office total minus the visible
 * segments, so the smallest visible segments are hidden too until the hidden
 * remainder reaches the minimum.
 */
function suppressSmallGroups(total: Tally, segments: Tally[], minimum: number): void {
  for (const tally of [total, ...segments]) tally.suppressed = tally.feedbackCount > 0 && tally.feedbackCount < minimum;
  const visible = segments.filter((t) => !t.suppressed && t.feedbackCount > 0).sort((a, b) => a.feedbackCount - b.feedbackCount);
  let hidden = total.feedbackCount - visible.reduce((sum, t) => sum + t.feedbackCount, 0);
  for (const tally of visible) {
    if (hidden === 0 || hidden >= minimum) break;
    tally.suppressed = true;
    hidden += tally.feedbackCount;
  }
}
