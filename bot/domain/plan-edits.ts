// Validation of changes to a saved plan (the re-opened plan card) and to one
// meeting (the meeting edit card). Every field is checked with the same rules
// as when the plan was made: parsePlanInput and parseDateEdits.
import { DateTime } from 'luxon';
import { parseDateEdits, parsePlanInput, type PlanFieldError, type PlanInput, type PlanParseResult } from './plan-input.js';
import { instantToLocal, meetingSlot } from './schedule.js';
import type { Instant, Meeting, Plan } from './types.js';

export interface MeetingChange {
  meetingId: string;
  subTheme: string;
  startsAt: Instant;
  endsAt: Instant;
}

export interface PlanEdit {
  theme: string;
  segments: string[];
  place?: string;
  onlineUrl?: string;
  /** One per editable meeting, in the order given. */
  meetings: MeetingChange[];
}

export interface MeetingEdit {
  subTheme: string;
  startsAt: Instant;
  endsAt: Instant;
  place?: string;
  onlineUrl?: string;
}

function asRecord(raw: unknown): Record<string, unknown> {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
}

const minutesOf = (m: Meeting) => Math.round((Date.parse(m.endsAt) - Date.parse(m.startsAt)) / 60_000);

/**
 * Checks the plan-level fields a card shows (`fields`, taken from `card`)
 * with the plan card's rules; every other field comes from the saved plan.
 */
function checkPlanFields(
  plan: Plan,
  card: Record<string, unknown>,
  fields: readonly (keyof PlanInput)[],
  segments: readonly string[],
): PlanParseResult<PlanInput> {
  const saved: Record<string, unknown> = {
    officeId: plan.officeId,
    theme: plan.theme,
    // Sub-themes are checked per meeting by parseDateEdits; one stands in here.
    subThemes: [plan.theme],
    count: 1,
    segments: plan.segments,
    weekday: plan.weekday,
    time: plan.time,
    durationMinutes: plan.durationMinutes,
    place: plan.place,
    onlineUrl: plan.onlineUrl,
  };
  for (const field of fields) saved[field] = card[field];
  const result = parsePlanInput(saved, { segments: [...segments], offices: [plan.officeId], year: plan.year });
  if (result.ok) return result;
  const errors = result.errors.filter((e) => (fields as readonly string[]).includes(e.field));
  if (errors.length === 0) throw new Error(`Saved plan ${plan.id} does not pass validation: ${JSON.stringify(result.errors)}`);
  return { ok: false, errors };
}

const isAfter = (instant: Instant, notBefore: Instant) => DateTime.fromISO(instant).toMillis() > DateTime.fromISO(notBefore).toMillis();

/**
 * Validates the re-opened plan card: theme, segments, place, onlineUrl and
 * `date_<n>` / `subTheme_<n>` for each of `meetings`. A moved meeting keeps
 * its own start time and length.
 */
export function parsePlanEdit(
  raw: unknown,
  ctx: { plan: Plan; meetings: readonly Meeting[]; segments: readonly string[]; timeZone: string; notBefore: Instant },
): PlanParseResult<PlanEdit> {
  const input = asRecord(raw);
  const { plan, meetings, timeZone } = ctx;
  const fields = checkPlanFields(plan, input, ['theme', 'segments', 'place', 'onlineUrl'], ctx.segments);
  const errors: PlanFieldError[] = fields.ok ? [] : [...fields.errors];

  // Past dates are checked below at each meeting's own time, not the plan's.
  const dates = parseDateEdits(input, {
    year: plan.year,
    count: meetings.length,
    time: plan.time,
    durationMinutes: plan.durationMinutes,
    timeZone,
  });
  const changes: MeetingChange[] = [];
  if (!dates.ok) errors.push(...dates.errors);
  else {
    dates.value.forEach((slot, n) => {
      const meeting = meetings[n];
      const own = meetingSlot(slot.localDate, instantToLocal(meeting.startsAt, timeZone).time, minutesOf(meeting), timeZone);
      if (!isAfter(own.startsAt, ctx.notBefore)) errors.push({ field: `date_${n}`, code: 'date-past' });
      changes.push({ meetingId: meeting.id, subTheme: slot.subTheme, startsAt: own.startsAt, endsAt: own.endsAt });
    });
  }
  if (errors.length || !fields.ok) return { ok: false, errors };
  const { theme, segments, place, onlineUrl } = fields.value;
  return { ok: true, value: { theme, segments, place, onlineUrl, meetings: changes } };
}

const MEETING_FIELDS = ['date', 'time', 'subTheme', 'place', 'onlineUrl'];

/** Validates the meeting edit card: date, time, subTheme, place, onlineUrl. The length of the meeting is kept. */
export function parseMeetingEdit(
  raw: unknown,
  ctx: { plan: Plan; meeting: Meeting; timeZone: string; notBefore: Instant },
): PlanParseResult<MeetingEdit> {
  const input = asRecord(raw);
  const { plan, meeting, timeZone } = ctx;
  const fields = checkPlanFields(plan, input, ['time', 'place', 'onlineUrl'], plan.segments);
  const dates = parseDateEdits(
    { date_0: input.date, subTheme_0: input.subTheme },
    {
      year: meeting.year,
      count: 1,
      // With no valid time, the date is checked without the past check; the time error is shown anyway.
      time: fields.ok ? fields.value.time : instantToLocal(meeting.startsAt, timeZone).time,
      durationMinutes: minutesOf(meeting),
      timeZone,
      notBefore: fields.ok ? ctx.notBefore : undefined,
    },
  );
  const errors: PlanFieldError[] = [
    ...(fields.ok ? [] : fields.errors),
    ...(dates.ok ? [] : dates.errors.map((e) => ({ ...e, field: e.field.replace(/_0$/, '') }))),
  ].sort((a, b) => MEETING_FIELDS.indexOf(a.field) - MEETING_FIELDS.indexOf(b.field));
  if (!fields.ok || !dates.ok) return { ok: false, errors };
  const [slot] = dates.value;
  const { place, onlineUrl } = fields.value;
  return { ok: true, value: { subTheme: slot.subTheme, startsAt: slot.startsAt, endsAt: slot.endsAt, place, onlineUrl } };
}
