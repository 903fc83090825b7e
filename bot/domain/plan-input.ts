// Validation of the plan card and the date preview card. Errors are codes with
// params; the Teams layer translates them to the user's language.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { meetingSlot, validateMeetingDate, type ProposedSlot } from './schedule.js';
import type { Instant } from './types.js';
import type { FieldError, ParseResult } from './field-errors.js';
import { singleLine } from './plain-text.js';

export const PLAN_INPUT_ERROR_CODES = [
  'required',
  'invalid',
  'too-long', // params: max; for a sub-theme also item (1-based)
  'too-many', // params: max
  'not-integer',
  'out-of-range', // params: min, max (numbers, or "HH:mm" for time)
  'invalid-time', // not HH:mm
  'unknown-office',
  'unknown-segment', // params: value
  'count-mismatch', // params: count, subThemes
  'invalid-url',
  'not-https',
  'place-or-url-required',
  'date-invalid', // not a real yyyy-MM-dd date
  'date-out-of-year', // params: year
  'date-weekend',
  'date-holiday',
  'date-july',
  'date-christmas',
  'date-duplicate', // params: date
  'control-characters', // a line break, control or text-direction character
  'date-past',
] as const;
export type PlanInputErrorCode = (typeof PLAN_INPUT_ERROR_CODES)[number];

export type PlanFieldError = FieldError<PlanInputErrorCode>;
export type PlanParseResult<T> = ParseResult<T, PlanInputErrorCode>;

/** From this month on, `plan` without a year opens the coming year: most of this year's meeting dates are behind. */
const NEXT_YEAR_FROM_MONTH = 10;

/** The year `plan` opens when none is given, from today's date in the office's time zone. */
export function defaultPlanYear(today: { year: number; month: number }): number {
  return today.month >= NEXT_YEAR_FROM_MONTH ? today.year + 1 : today.year;
}

export interface PlanInput {
  year: number;
  officeId: string;
  theme: string;
  subThemes: string[];
  segments: string[];
  count: number;
  weekday: number;
  time: string;
  durationMinutes: number;
  place?: string;
  onlineUrl?: string;
}

export interface EditedSlot extends ProposedSlot {
  subTheme: string;
}

const MAX_TEXT = 200;
const MAX_MEETINGS = 24;
const EARLIEST = '07:00';
const LATEST = '18:00';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const text = () =>
  singleLine(z.string({ required_error: 'required', invalid_type_error: 'invalid' }).trim().min(1, 'required').max(MAX_TEXT, 'too-long'));

const optionalText = () => z.preprocess(blankToUndefined, text().optional());

// Adaptive Card inputs arrive as strings; numbers are accepted too.
const integer = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v)) : v),
    z
      .number({ required_error: 'required', invalid_type_error: 'not-integer' })
      .int('not-integer')
      .pipe(z.number().refine((n) => n >= min && n <= max, { message: 'out-of-range', params: { min, max } })),
  );

// A separated string (as a card input sends it) or an array → trimmed non-empty items.
const list = (separator: RegExp) =>
  z.preprocess(
    (v) => {
      const items = typeof v === 'string' ? v.split(separator) : v;
      return Array.isArray(items)
        ? items.map((s: unknown) => (typeof s === 'string' ? s.trim() : s)).filter((s) => s !== '')
        : items;
    },
    z.array(z.string({ invalid_type_error: 'invalid' }), { required_error: 'required', invalid_type_error: 'invalid' }),
  );

function planFields(ctx: { segments: string[]; offices: string[] }) {
  return {
    // pipe(): a second check runs only when the first passed (zod refines run on failed values too).
    officeId: text().pipe(z.string().refine((id) => ctx.offices.includes(id), 'unknown-office')),
    theme: text(),
    subThemes: list(/\r?\n/).pipe(
      z.array(singleLine(z.string().max(MAX_TEXT, 'too-long'))).min(1, 'required').max(MAX_MEETINGS, 'too-many'),
    ),
    segments: list(/,/)
      .pipe(z.array(z.string()).min(1, 'required'))
      .superRefine((ids, rc) => {
        for (const value of ids.filter((id) => !ctx.segments.includes(id))) {
          rc.addIssue({ code: 'custom', message: 'unknown-segment', params: { value } });
        }
      })
      .transform((ids) => [...new Set(ids)]),
    count: integer(1, MAX_MEETINGS),
    weekday: integer(1, 5),
    time: z
      .string({ required_error: 'required', invalid_type_error: 'invalid-time' })
      .trim()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'invalid-time')
      .pipe(
        z.string().refine((t) => t >= EARLIEST && t <= LATEST, {
          message: 'out-of-range',
          params: { min: EARLIEST, max: LATEST },
        }),
      ),
    durationMinutes: integer(15, 480),
    place: optionalText(),
    onlineUrl: z.preprocess(
      blankToUndefined,
      singleLine(z.string({ invalid_type_error: 'invalid-url' }).trim().url('invalid-url'))
        .pipe(z.string().refine((u) => new URL(u).protocol === 'https:', 'not-https'))
        .optional(),
    ),
  };
}

function toFieldError(field: string, issue: z.ZodIssue): PlanFieldError {
  const code = (PLAN_INPUT_ERROR_CODES as readonly string[]).includes(issue.message)
    ? (issue.message as PlanInputErrorCode)
    : 'invalid';
  const params: Record<string, string | number> = {};
  if (issue.code === 'too_big') params.max = Number(issue.maximum);
  if (issue.code === 'custom') Object.assign(params, issue.params);
  // An issue inside a list names the item (the n-th sub-theme), 1-based.
  if (typeof issue.path[0] === 'number') params.item = issue.path[0] + 1;
  return Object.keys(params).length ? { field, code, params } : { field, code };
}

function asRecord(raw: unknown): Record<string, unknown> {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
}

/** Validates the plan card submission; every invalid field is reported, not just the first. */
export function parsePlanInput(
  raw: unknown,
  ctx: { segments: string[]; offices: string[]; year: number },
): PlanParseResult<PlanInput> {
  const input = asRecord(raw);
  const errors: PlanFieldError[] = [];
  const value: Record<string, unknown> = { year: ctx.year };
  for (const [field, schema] of Object.entries(planFields(ctx))) {
    const result = schema.safeParse(input[field]);
    if (!result.success) errors.push(...result.error.issues.map((issue) => toFieldError(field, issue)));
    else if (result.data !== undefined) value[field] = result.data;
  }
  const plan = value as Partial<PlanInput>;

  if (plan.count !== undefined && plan.subThemes !== undefined && plan.count !== plan.subThemes.length) {
    errors.push({ field: 'count', code: 'count-mismatch', params: { count: plan.count, subThemes: plan.subThemes.length } });
  }
  const placeOrUrlFailed = errors.some((e) => e.field === 'place' || e.field === 'onlineUrl');
  if (!placeOrUrlFailed && plan.place === undefined && plan.onlineUrl === undefined) {
    errors.push({ field: 'place', code: 'place-or-url-required' });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: plan as PlanInput };
}

/**
 * Validates the preview card submission: `date_<n>` (yyyy-MM-dd from Input.Date)
 * and `subTheme_<n>` for n = 0 … count-1. Returns the edited slots in input order.
 */
export function parseDateEdits(
  raw: unknown,
  ctx: { year: number; count: number; time: string; durationMinutes: number; timeZone: string; notBefore?: Instant },
): PlanParseResult<EditedSlot[]> {
  const input = asRecord(raw);
  const errors: PlanFieldError[] = [];
  const slots: EditedSlot[] = [];
  const seen = new Set<string>();
  const notBeforeMs = ctx.notBefore === undefined ? undefined : DateTime.fromISO(ctx.notBefore).toMillis();

  for (let n = 0; n < ctx.count; n++) {
    const dateField = `date_${n}`;
    const subThemeField = `subTheme_${n}`;
    const subTheme = text().safeParse(input[subThemeField]);
    if (!subTheme.success) errors.push(...subTheme.error.issues.map((issue) => toFieldError(subThemeField, issue)));

    const date = input[dateField];
    const localDate = typeof date === 'string' ? date.trim() : '';
    if (date === undefined || (typeof date === 'string' && localDate === '')) {
      errors.push({ field: dateField, code: 'required' });
      continue;
    }
    const problem = typeof date === 'string' ? validateMeetingDate(localDate, ctx.year) : 'invalid';
    if (problem) {
      errors.push(
        problem === 'out-of-year'
          ? { field: dateField, code: 'date-out-of-year', params: { year: ctx.year } }
          : { field: dateField, code: `date-${problem}` },
      );
      continue;
    }
    if (seen.has(localDate)) {
      errors.push({ field: dateField, code: 'date-duplicate', params: { date: localDate } });
      continue;
    }
    seen.add(localDate);
    const slot = meetingSlot(localDate, ctx.time, ctx.durationMinutes, ctx.timeZone);
    if (notBeforeMs !== undefined && DateTime.fromISO(slot.startsAt).toMillis() <= notBeforeMs) {
      errors.push({ field: dateField, code: 'date-past' });
      continue;
    }
    if (subTheme.success) slots.push({ ...slot, subTheme: subTheme.data });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: slots };
}
