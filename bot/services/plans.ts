// The yearly plan and its meetings: propose dates, save a plan once, change
// it or one meeting later, cancel a meeting, and list what is coming.
// Inputs arrive validated by domain/plan-input.ts and domain/plan-edits.ts.
import { randomUUID } from 'node:crypto';
import type { EditedSlot, PlanInput } from '../domain/plan-input.js';
import type { MeetingEdit, PlanEdit } from '../domain/plan-edits.js';
import { PlanningError, proposeMeetingDates, type ProposedSlot } from '../domain/schedule.js';
import type { Instant, Meeting, Office, Plan, Rsvp } from '../domain/types.js';
import type { Store, YearData } from '../store/store.js';

/** Whose data a caller may touch: one office, or every office (admin). */
export type OfficeScope = string | 'all';

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

const copy = <T extends object>(record: T): T => structuredClone(record);
const byStart = (a: { startsAt: Instant }, b: { startsAt: Instant }) => Date.parse(a.startsAt) - Date.parse(b.startsAt);

/** Sets or removes an optional field, so no `"place": undefined` reaches the file. */
function setOptional<T extends object, K extends keyof T>(record: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) delete record[key];
  else record[key] = value;
}

function planOf(data: Readonly<YearData>, officeId: string, year: number): Plan | undefined {
  return data.plans.find((p) => p.officeId === officeId && p.year === year);
}

/** The existing plan of the office for the year, if any. */
export function findPlanFor(store: Store, officeId: string, year: number): Plan | undefined {
  return store.readYear(year, (data) => {
    const plan = planOf(data, officeId, year);
    return plan && copy(plan);
  });
}

/** Saves the plan and its meetings in one write (returned earliest first); refused when the office already has a plan for the year. */
export function confirmPlan(
  store: Store,
  input: PlanInput,
  slots: readonly EditedSlot[],
  createdBy: string,
  now: Date,
): Promise<{ ok: true; plan: Plan; meetings: Meeting[] } | Failure> {
  if (slots.length !== input.count) throw new RangeError(`${slots.length} dates for ${input.count} meetings`);
  return store.updateYear(input.year, (data) => {
    // Checked inside the write, so two clicks at once cannot both save a plan.
    const existing = planOf(data, input.officeId, input.year);
    if (existing) return { ok: false as const, code: 'plan-exists' as const, plan: copy(existing) };

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
    data.plans.push(plan);
    data.meetings.push(...meetings);
    return { ok: true as const, plan: copy(plan), meetings: meetings.map(copy).sort(byStart) };
  });
}

function yearHolding(store: Store, has: (data: Readonly<YearData>) => boolean): number | undefined {
  return store.years().find((year) => store.readYear(year, has));
}

const inScope = (scope: OfficeScope, officeId: string) => scope === 'all' || scope === officeId;
const startsAfter = (meeting: Meeting, now: Date) => Date.parse(meeting.startsAt) > now.getTime();

/** The meetings of a plan that can still be changed: scheduled and not yet started, earliest first. */
function editableMeetings(data: Readonly<YearData>, planId: string, now: Date): Meeting[] {
  return data.meetings.filter((m) => m.planId === planId && m.status === 'scheduled' && startsAfter(m, now)).sort(byStart);
}

/** A plan and its editable meetings, for the re-opened plan card. */
export function getPlan(
  store: Store,
  planId: string,
  scope: OfficeScope,
  now: Date,
): { ok: true; plan: Plan; meetings: Meeting[] } | Failure {
  const year = yearHolding(store, (d) => d.plans.some((p) => p.id === planId));
  if (year === undefined) return { ok: false, code: 'not-found' };
  return store.readYear(year, (data) => {
    const plan = data.plans.find((p) => p.id === planId)!;
    if (!inScope(scope, plan.officeId)) return { ok: false as const, code: 'other-office' as const };
    return { ok: true as const, plan: copy(plan), meetings: editableMeetings(data, planId, now).map(copy) };
  });
}

/** A meeting and its plan, for the meeting cards. */
export function getMeeting(store: Store, meetingId: string, scope: OfficeScope): { ok: true; plan: Plan; meeting: Meeting } | Failure {
  const year = yearHolding(store, (d) => d.meetings.some((m) => m.id === meetingId));
  if (year === undefined) return { ok: false, code: 'not-found' };
  return store.readYear(year, (data) => {
    const meeting = data.meetings.find((m) => m.id === meetingId)!;
    if (!inScope(scope, meeting.officeId)) return { ok: false as const, code: 'other-office' as const };
    const plan = data.plans.find((p) => p.id === meeting.planId);
    if (!plan) return { ok: false as const, code: 'not-found' as const };
    return { ok: true as const, plan: copy(plan), meeting: copy(meeting) };
  });
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
  store: Store,
  planId: string,
  changes: PlanEdit,
  scope: OfficeScope,
  now: Date,
): Promise<{ ok: true; plan: Plan; meetings: Meeting[]; changed: string[] } | Failure> {
  const year = yearHolding(store, (d) => d.plans.some((p) => p.id === planId));
  if (year === undefined) return { ok: false, code: 'not-found' };
  return store.updateYear(year, (data) => {
    const plan = data.plans.find((p) => p.id === planId);
    if (!plan) return { ok: false as const, code: 'not-found' as const };
    if (!inScope(scope, plan.officeId)) return { ok: false as const, code: 'other-office' as const };
    const meetings = editableMeetings(data, planId, now);
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
    }
    plan.theme = changes.theme;
    plan.segments = [...changes.segments];
    setOptional(plan, 'place', changes.place);
    setOptional(plan, 'onlineUrl', changes.onlineUrl);
    plan.updatedAt = now.toISOString();
    return { ok: true as const, plan: copy(plan), meetings: meetings.map(copy).sort(byStart), changed };
  });
}

/** Runs `change` in a write of the year file that holds the meeting. */
async function updateMeetingYear<R>(store: Store, meetingId: string, change: (data: YearData) => R | Failure): Promise<R | Failure> {
  const year = yearHolding(store, (d) => d.meetings.some((m) => m.id === meetingId));
  if (year === undefined) return { ok: false, code: 'not-found' };
  return store.updateYear(year, change);
}

/** Finds the meeting inside a write and checks that it may be changed now. */
function changeableMeeting(data: YearData, meetingId: string, scope: OfficeScope, now: Date): Meeting | Failure {
  const meeting = data.meetings.find((m) => m.id === meetingId);
  if (!meeting) return { ok: false, code: 'not-found' };
  if (!inScope(scope, meeting.officeId)) return { ok: false, code: 'other-office' };
  if (meeting.status === 'cancelled') return { ok: false, code: 'cancelled' };
  if (!startsAfter(meeting, now)) return { ok: false, code: 'past' };
  return meeting;
}

export async function updateMeeting(
  store: Store,
  meetingId: string,
  edit: MeetingEdit,
  scope: OfficeScope,
  now: Date,
): Promise<{ ok: true; meeting: Meeting; changed: boolean } | Failure> {
  return updateMeetingYear(store, meetingId, (data) => {
    const meeting = changeableMeeting(data, meetingId, scope, now);
    if ('ok' in meeting) return meeting;
    if (Date.parse(edit.startsAt) <= now.getTime()) return { ok: false as const, code: 'past' as const };
    const changed = applyTiming(meeting, edit);
    return { ok: true as const, meeting: copy(meeting), changed };
  });
}

/** Cancels a coming meeting (SEQUENCE + 1, so a CANCEL can follow); cancelling twice changes nothing. */
export async function cancelMeeting(
  store: Store,
  meetingId: string,
  scope: OfficeScope,
  now: Date,
): Promise<{ ok: true; meeting: Meeting; changed: boolean } | Failure> {
  return updateMeetingYear(store, meetingId, (data) => {
    const meeting = changeableMeeting(data, meetingId, scope, now);
    if ('ok' in meeting) {
      if (meeting.code !== 'cancelled') return meeting;
      return { ok: true as const, meeting: copy(data.meetings.find((m) => m.id === meetingId)!), changed: false };
    }
    meeting.status = 'cancelled';
    meeting.sequence += 1;
    return { ok: true as const, meeting: copy(meeting), changed: true };
  });
}

function rsvpCounts(data: Readonly<YearData>, meetingId: string): RsvpCounts {
  const counts: RsvpCounts = { invited: 0, accepted: 0, tentative: 0, declined: 0, waiting: 0 };
  for (const invitation of data.invitations) {
    if (invitation.meetingId !== meetingId) continue;
    counts.invited += 1;
    if (invitation.rsvp === 'needs-action') counts.waiting += 1;
    else counts[invitation.rsvp] += 1;
  }
  return counts;
}

/**
 * How many invitations the latest change of these meetings (all in one year)
 * goes out to: every invitation of a changed meeting, and of a cancelled one
 * those already sent, since nobody is told of a cancellation of a meeting
 * they never heard of.
 */
export function invitationsToUpdate(store: Store, year: number, meetingIds: readonly string[]): number {
  return store.readYear(year, (data) => {
    const ids = new Set(meetingIds);
    const cancelled = new Set(data.meetings.filter((m) => ids.has(m.id) && m.status === 'cancelled').map((m) => m.id));
    return data.invitations.filter((i) => ids.has(i.meetingId) && (!cancelled.has(i.meetingId) || i.sentSequence >= 0)).length;
  });
}

/** How the invitees of a meeting have answered so far. */
export function meetingRsvp(store: Store, meeting: Meeting): RsvpCounts {
  return store.readYear(meeting.year, (data) => rsvpCounts(data, meeting.id));
}

/** Scheduled meetings that have not ended yet, in the years that can hold them. */
function comingMeetings<T>(store: Store, now: Date, pick: (data: Readonly<YearData>, meeting: Meeting) => T | undefined): T[] {
  const rows: { startsAt: Instant; row: T }[] = [];
  for (const year of store.years().filter((y) => y >= now.getUTCFullYear())) {
    store.readYear(year, (data) => {
      for (const meeting of data.meetings) {
        if (meeting.status !== 'scheduled' || Date.parse(meeting.endsAt) <= now.getTime()) continue;
        const row = pick(data, meeting);
        if (row !== undefined) rows.push({ startsAt: meeting.startsAt, row });
      }
    });
  }
  return rows.sort(byStart).map((r) => r.row);
}

const themeOf = (data: Readonly<YearData>, meeting: Meeting) => data.plans.find((p) => p.id === meeting.planId)?.theme ?? '';

/** Coming meetings of an office (or all offices) with the invitation answers so far. */
export function listUpcomingMeetings(store: Store, scope: OfficeScope, now: Date): UpcomingMeeting[] {
  return comingMeetings(store, now, (data, meeting) =>
    inScope(scope, meeting.officeId)
      ? { meeting: copy(meeting), theme: themeOf(data, meeting), rsvp: rsvpCounts(data, meeting.id) }
      : undefined,
  );
}

/** Coming meetings a partner is invited to, with their own answer. */
export function listInvitedMeetings(store: Store, partnerId: string, now: Date): InvitedMeeting[] {
  return comingMeetings(store, now, (data, meeting) => {
    const invitation = data.invitations.find((i) => i.meetingId === meeting.id && i.partnerId === partnerId);
    return invitation ? { meeting: copy(meeting), theme: themeOf(data, meeting), answer: invitation.rsvp } : undefined;
  });
}
