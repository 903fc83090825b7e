// The yearly plan and its meetings: propose dates, save a plan once, change
// it or one meeting later, cancel a meeting, and list what is coming.
// Inputs arrive validated by domain/plan-input.ts and domain/plan-edits.ts.
import { randomUUID } from 'node:crypto';
import type { EditedSlot, PlanInput } from '../domain/plan-input.js';
import type { MeetingEdit, PlanEdit } from '../domain/plan-edits.js';
import { PlanningError, proposeMeetingDates, type ProposedSlot } from '../domain/schedule.js';
import { handlesEveryOffice, handlesOffice } from '../domain/office-access.js';
import type { Viewer } from '../domain/proposal-rules.js';
import type { Instant, Invitation, Meeting, Office, Plan, Rsvp } from '../domain/types.js';
import { RecordConflictError, type RecordReader, type RecordStore, type RecordTransaction } from '../store/records.js';

export type ScheduleProposal =
  | { ok: true; slots: ProposedSlot[] }
  /** Fewer free dates on that weekday than meetings asked; `slots` holds those that fit. */
  | { ok: false; code: 'too-many-meetings'; requested: number; available: number; slots: ProposedSlot[] };

export type PlanErrorCode = 'plan-exists' | 'not-found' | 'other-office' | 'cancelled' | 'past' | 'stale';

/** For 'plan-exists', `plan` is the plan the office already has. */
export type Failure = { ok: false; code: PlanErrorCode; plan?: Plan };

export interface RsvpCounts {
  invited: number;
  accepted: number;
  tentative: number;
  declined: number;
  waiting: number;
}

export interface UpcomingMeeting {
  meeting: Meeting;
  theme: string;
  rsvp: RsvpCounts;
}

export interface InvitedMeeting {
  meeting: Meeting;
  theme: string;
  answer: Rsvp;
}

export function proposeSchedule(office: Office, input: PlanInput, now: Date): ScheduleProposal {
  try {
    const slots = proposeMeetingDates({
      year: input.year,
      count: input.count,
      weekday: input.weekday,
      time: input.time,
      durationMinutes: input.durationMinutes,
      timeZone: office.timeZone,
      notBefore: now.toISOString(),
    });
    return { ok: true, slots };
  } catch (err) {
    if (!(err instanceof PlanningError)) throw err;
    return { ok: false, code: err.code, ...err.params, slots: err.slots };
  }
}

const byStart = (a: { startsAt: Instant }, b: { startsAt: Instant }) => Date.parse(a.startsAt) - Date.parse(b.startsAt);

/** Sets or removes an optional field, so no `"place": undefined` is stored. */
function setOptional<T extends object, K extends keyof T>(record: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) delete record[key];
  else record[key] = value;
}

/** The existing plan of the office for the year, if any. */
export async function findPlanFor(reader: RecordReader, officeId: string, year: number): Promise<Plan | undefined> {
  return (await reader.findBy('plans', 'officeId', officeId)).find((p) => p.year === year);
}

/** Saves the plan and its meetings in one transaction (returned earliest first); refused when the office already has a plan for the year. */
export async function confirmPlan(
  records: RecordStore,
  input: PlanInput,
  slots: readonly EditedSlot[],
  createdBy: string,
  now: Date,
): Promise<{ ok: true; plan: Plan; meetings: Meeting[] } | Failure> {
  if (slots.length !== input.count) throw new RangeError(`${slots.length} dates for ${input.count} meetings`);
  try {
    return await records.transaction((tx) => savePlan(tx, input, slots, createdBy, now));
  } catch (err) {
    // Another instance saved the office's plan for the year meanwhile (plans_office_year).
    if (!(err instanceof RecordConflictError)) throw err;
    const plan = await findPlanFor(records, input.officeId, input.year);
    if (!plan) throw err;
    return { ok: false, code: 'plan-exists', plan };
  }
}

async function savePlan(tx: RecordTransaction, input: PlanInput, slots: readonly EditedSlot[], createdBy: string, now: Date) {
  // Checked inside the transaction, so two clicks at once cannot both save a plan.
  const existing = await findPlanFor(tx, input.officeId, input.year);
  if (existing) return { ok: false as const, code: 'plan-exists' as const, plan: existing };
  const at = now.toISOString();
  const plan: Plan = {
    id: randomUUID(),
    officeId: input.officeId,
    year: input.year,
    theme: input.theme,
    segments: [...input.segments],
    weekday: input.weekday,
    time: input.time,
    durationMinutes: input.durationMinutes,
    createdBy,
    createdAt: at,
    updatedAt: at,
  };
  setOptional(plan, 'place', input.place);
  setOptional(plan, 'onlineUrl', input.onlineUrl);
  const meetings = slots.map((slot): Meeting => {
    const id = randomUUID();
    const meeting: Meeting = {
      id,
      planId: plan.id,
      officeId: plan.officeId,
      year: plan.year,
      subTheme: slot.subTheme,
      startsAt: slot.startsAt,
      endsAt: slot.endsAt,
      segments: [...plan.segments],
      status: 'scheduled',
      sequence: 0,
      uid: `${id}@sidos`,
    };
    setOptional(meeting, 'place', plan.place);
    setOptional(meeting, 'onlineUrl', plan.onlineUrl);
    return meeting;
  });
  await tx.putInYear('plans', plan.year, plan);
  for (const meeting of meetings) await tx.putInYear('meetings', meeting.year, meeting);
  return { ok: true as const, plan, meetings: [...meetings].sort(byStart) };
}

const startsAfter = (meeting: Meeting, now: Date) => Date.parse(meeting.startsAt) > now.getTime();

/** The meetings of a plan that can still be changed: scheduled and not yet started, earliest first. */
async function editableMeetings(reader: RecordReader, planId: string, now: Date): Promise<Meeting[]> {
  const meetings = await reader.findBy('meetings', 'planId', planId);
  return meetings.filter((m) => m.status === 'scheduled' && startsAfter(m, now)).sort(byStart);
}

/** A plan and its editable meetings, for the re-opened plan card. */
export async function getPlan(
  reader: RecordReader,
  planId: string,
  viewer: Viewer,
  now: Date,
): Promise<{ ok: true; plan: Plan; meetings: Meeting[] } | Failure> {
  const plan = await reader.get('plans', planId);
  if (!plan) return { ok: false, code: 'not-found' };
  if (!handlesOffice(viewer, plan.officeId)) return { ok: false, code: 'other-office' };
  return { ok: true, plan, meetings: await editableMeetings(reader, planId, now) };
}

/** A meeting and its plan, if this user may change the meeting now (updateMeeting's and cancelMeeting's rule), for the meeting cards. */
export async function meetingToChange(reader: RecordReader, meetingId: string, viewer: Viewer, now: Date): Promise<{ ok: true; plan: Plan; meeting: Meeting } | Failure> {
  const meeting = await changeableMeeting(reader, meetingId, viewer, now);
  if ('ok' in meeting) return meeting;
  const plan = await reader.get('plans', meeting.planId);
  return plan ? { ok: true, plan, meeting } : { ok: false, code: 'not-found' };
}

type Timing = Pick<Meeting, 'subTheme' | 'startsAt' | 'endsAt' | 'place' | 'onlineUrl'>;

/** What an invitee sees changed: then the meeting's SEQUENCE goes up so invites are re-sent. */
function applyTiming(meeting: Meeting, next: Timing): boolean {
  const changed = (['subTheme', 'startsAt', 'endsAt', 'place', 'onlineUrl'] as const).some((k) => meeting[k] !== next[k]);
  if (!changed) return false;
  meeting.subTheme = next.subTheme;
  meeting.startsAt = next.startsAt;
  meeting.endsAt = next.endsAt;
  setOptional(meeting, 'place', next.place);
  setOptional(meeting, 'onlineUrl', next.onlineUrl);
  meeting.sequence += 1;
  return true;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Changes a saved plan and its editable meetings. `changes.meetings` must
 * name exactly the plan's editable meetings (else 'stale': the card is older
 * than the data). A new place or link applies to every editable meeting.
 * Returns the meetings earliest first, and the ids of those whose invitations should be re-sent.
 */
export async function updatePlan(
  records: RecordStore,
  planId: string,
  changes: PlanEdit,
  viewer: Viewer,
  now: Date,
): Promise<{ ok: true; plan: Plan; meetings: Meeting[]; changed: string[] } | Failure> {
  return records.transaction(async (tx) => {
    const plan = await tx.get('plans', planId);
    if (!plan) return { ok: false as const, code: 'not-found' as const };
    if (!handlesOffice(viewer, plan.officeId)) return { ok: false as const, code: 'other-office' as const };
    const meetings = await editableMeetings(tx, planId, now);
    const ids = meetings.map((m) => m.id);
    if (!sameList([...ids].sort(), changes.meetings.map((c) => c.meetingId).sort())) {
      return { ok: false as const, code: 'stale' as const };
    }
    if (changes.meetings.some((c) => Date.parse(c.startsAt) <= now.getTime())) return { ok: false as const, code: 'past' as const };
    const venueChanged = plan.place !== changes.place || plan.onlineUrl !== changes.onlineUrl;
    const segmentsChanged = !sameList(plan.segments, changes.segments);
    const changed: string[] = [];
    for (const change of changes.meetings) {
      const meeting = meetings.find((m) => m.id === change.meetingId)!;
      if (segmentsChanged) meeting.segments = [...changes.segments];
      const venue = venueChanged ? changes : meeting;
      const timing = { ...change, place: venue.place, onlineUrl: venue.onlineUrl };
      if (applyTiming(meeting, timing)) changed.push(meeting.id);
      if (segmentsChanged || changed.includes(meeting.id)) await tx.putInYear('meetings', meeting.year, meeting);
    }
    plan.theme = changes.theme;
    plan.segments = [...changes.segments];
    setOptional(plan, 'place', changes.place);
    setOptional(plan, 'onlineUrl', changes.onlineUrl);
    plan.updatedAt = now.toISOString();
    await tx.putInYear('plans', plan.year, plan);
    return { ok: true as const, plan, meetings: meetings.sort(byStart), changed };
  });
}

/** Reads the meeting (in a transaction: locking it) and checks that it may be changed now. */
async function changeableMeeting(tx: RecordReader, meetingId: string, viewer: Viewer, now: Date): Promise<Meeting | Failure> {
  const meeting = await tx.get('meetings', meetingId);
  if (!meeting) return { ok: false, code: 'not-found' };
  if (!handlesOffice(viewer, meeting.officeId)) return { ok: false, code: 'other-office' };
  if (meeting.status === 'cancelled') return { ok: false, code: 'cancelled' };
  if (!startsAfter(meeting, now)) return { ok: false, code: 'past' };
  return meeting;
}

export async function updateMeeting(
  records: RecordStore,
  meetingId: string,
  edit: MeetingEdit,
  viewer: Viewer,
  now: Date,
): Promise<{ ok: true; meeting: Meeting; changed: boolean } | Failure> {
  return records.transaction(async (tx) => {
    const meeting = await changeableMeeting(tx, meetingId, viewer, now);
    if ('ok' in meeting) return meeting;
    if (Date.parse(edit.startsAt) <= now.getTime()) return { ok: false as const, code: 'past' as const };
    const changed = applyTiming(meeting, edit);
    if (changed) await tx.putInYear('meetings', meeting.year, meeting);
    return { ok: true as const, meeting, changed };
  });
}

/** Cancels a coming meeting (SEQUENCE + 1, so a CANCEL can follow); cancelling twice changes nothing. */
export async function cancelMeeting(
  records: RecordStore,
  meetingId: string,
  viewer: Viewer,
  now: Date,
): Promise<{ ok: true; meeting: Meeting; changed: boolean } | Failure> {
  return records.transaction(async (tx) => {
    const meeting = await changeableMeeting(tx, meetingId, viewer, now);
    if ('ok' in meeting) {
      if (meeting.code !== 'cancelled') return meeting;
      return { ok: true as const, meeting: (await tx.get('meetings', meetingId))!, changed: false };
    }
    meeting.status = 'cancelled';
    meeting.sequence += 1;
    await tx.putInYear('meetings', meeting.year, meeting);
    return { ok: true as const, meeting, changed: true };
  });
}

function rsvpCounts(invitations: readonly Invitation[]): RsvpCounts {
  const counts: RsvpCounts = { invited: 0, accepted: 0, tentative: 0, declined: 0, waiting: 0 };
  for (const invitation of invitations) {
    counts.invited += 1;
    if (invitation.rsvp === 'needs-action') counts.waiting += 1;
    else counts[invitation.rsvp] += 1;
  }
  return counts;
}

/**
 * How many invitations the latest change of these meetings goes out to:
 * every invitation of a changed meeting, and of a cancelled one those
 * already sent, since nobody is told of a cancellation of a meeting they
 * never heard of.
 */
export async function invitationsToUpdate(reader: RecordReader, meetingIds: readonly string[]): Promise<number> {
  let count = 0;
  for (const meetingId of new Set(meetingIds)) {
    const meeting = await reader.get('meetings', meetingId);
    if (!meeting) continue;
    const invitations = await reader.findBy('invitations', 'meetingId', meetingId);
    count += invitations.filter((i) => meeting.status !== 'cancelled' || i.sentSequence >= 0).length;
  }
  return count;
}

/** How the invitees of a meeting have answered so far. */
export async function meetingRsvp(reader: RecordReader, meeting: Meeting): Promise<RsvpCounts> {
  return rsvpCounts(await reader.findBy('invitations', 'meetingId', meeting.id));
}

const isComing = (meeting: Meeting, now: Date) => meeting.status === 'scheduled' && Date.parse(meeting.endsAt) > now.getTime();

/** The themes of the meetings' plans, each plan read once. */
async function themesOf(reader: RecordReader, meetings: readonly Meeting[]): Promise<Map<string, string>> {
  const themes = new Map<string, string>();
  for (const planId of new Set(meetings.map((m) => m.planId))) themes.set(planId, (await reader.get('plans', planId))?.theme ?? '');
  return themes;
}

/** The scheduled meetings `viewer` handles that have not ended yet, earliest first: their office's, or every office's in the years that can hold them. */
async function comingMeetings(reader: RecordReader, viewer: Viewer, now: Date): Promise<Meeting[]> {
  let meetings: Meeting[];
  if (!handlesEveryOffice(viewer)) meetings = (await reader.findBy('meetings', 'officeId', viewer.officeId)).filter((m) => handlesOffice(viewer, m.officeId));
  else {
    meetings = [];
    // A meeting is filed under its plan's year, which is never before the year its end falls in.
    for (const year of (await reader.years()).filter((y) => y >= now.getUTCFullYear())) meetings.push(...(await reader.inYear('meetings', year)));
  }
  return meetings.filter((m) => isComing(m, now)).sort(byStart);
}

/** Coming meetings of an office (or all offices) with the invitation answers so far. */
export async function listUpcomingMeetings(reader: RecordReader, viewer: Viewer, now: Date): Promise<UpcomingMeeting[]> {
  const meetings = await comingMeetings(reader, viewer, now);
  const themes = await themesOf(reader, meetings);
  const rows: UpcomingMeeting[] = [];
  for (const meeting of meetings) rows.push({ meeting, theme: themes.get(meeting.planId)!, rsvp: await meetingRsvp(reader, meeting) });
  return rows;
}

/** Coming meetings a partner is invited to, with their own answer. */
export async function listInvitedMeetings(reader: RecordReader, partnerId: string, now: Date): Promise<InvitedMeeting[]> {
  const rows: { meeting: Meeting; answer: Rsvp }[] = [];
  for (const invitation of await reader.findBy('invitations', 'partnerId', partnerId)) {
    const meeting = await reader.get('meetings', invitation.meetingId);
    if (meeting && isComing(meeting, now)) rows.push({ meeting, answer: invitation.rsvp });
  }
  const themes = await themesOf(reader, rows.map((r) => r.meeting));
  return rows.sort((a, b) => byStart(a.meeting, b.meeting)).map((r) => ({ ...r, theme: themes.get(r.meeting.planId)! }));
}
