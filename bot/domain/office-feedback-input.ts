// Validation of the office-to-partner feedback card. Errors are codes with
// params; the Teams layer translates them.
import { z } from 'zod';
import type { FieldError, ParseResult } from './field-errors.js';
import { freeText, singleLine } from './plain-text.js';

export const OFFICE_FEEDBACK_ERROR_CODES = [
  'required',
  'invalid',
  'too-long', // params: max
  'not-integer',
  'out-of-range', // params: min, max
  'office-feedback-text-required', // neither what works nor what could change was written
  'office-feedback-low-rating-needs-change', // params: max (the highest rating that needs it)
  'control-characters', // a line break, control or text-direction character in a single-line field
] as const;
export type OfficeFeedbackErrorCode = (typeof OFFICE_FEEDBACK_ERROR_CODES)[number];

export type OfficeFeedbackFieldError = FieldError<OfficeFeedbackErrorCode>;

export interface OfficeFeedbackInput {
  meetingId: string;
  organisation: string;
  rating: number;
  works: string;
  couldDoDifferently: string;
}

export type OfficeFeedbackParseResult = ParseResult<OfficeFeedbackInput, OfficeFeedbackErrorCode>;

export const MAX_FEEDBACK_TEXT = 2000;
/** Criticism is only useful with a reason: ratings up to this one must say what the partner could do differently. */
export const LOW_RATING = 2;

const text = () => z.string({ required_error: 'required', invalid_type_error: 'invalid' }).trim();
const optionalText = () => freeText(z.preprocess((v) => (v === undefined || v === null ? '' : v), text().max(MAX_FEEDBACK_TEXT, 'too-long')));

const schema = z.object({
  meetingId: singleLine(text().min(1, 'required').max(100, 'too-long')),
  organisation: singleLine(text().min(1, 'required').max(160, 'too-long')),
  // Card inputs arrive as strings; numbers are accepted too.
  rating: z.preprocess(
    (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v)) : v),
    z
      .number({ required_error: 'required', invalid_type_error: 'not-integer' })
      .int('not-integer')
      .pipe(z.number().refine((n) => n >= 1 && n <= 5, { message: 'out-of-range', params: { min: 1, max: 5 } })),
  ),
  works: optionalText(),
  couldDoDifferently: optionalText(),
});

function toFieldError(issue: z.ZodIssue): OfficeFeedbackFieldError {
  const field = String(issue.path[0] ?? '');
  const code = (OFFICE_FEEDBACK_ERROR_CODES as readonly string[]).includes(issue.message)
    ? (issue.message as OfficeFeedbackErrorCode)
    : 'invalid';
  if (issue.code === 'too_big') return { field, code, params: { max: Number(issue.maximum) } };
  if (issue.code === 'custom' && issue.params) return { field, code, params: issue.params };
  return { field, code };
}

/** Validates a submission of the office feedback card; every invalid field is reported. */
export function parseOfficeFeedbackInput(raw: unknown): OfficeFeedbackParseResult {
  const parsed = schema.safeParse(typeof raw === 'object' && raw !== null ? raw : {});
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map(toFieldError) };
  const value = parsed.data;
  if (value.works === '' && value.couldDoDifferently === '') {
    return { ok: false, errors: [{ field: 'works', code: 'office-feedback-text-required' }] };
  }
  if (value.rating <= LOW_RATING && value.couldDoDifferently === '') {
    return { ok: false, errors: [{ field: 'couldDoDifferently', code: 'office-feedback-low-rating-needs-change', params: { max: LOW_RATING } }] };
  }
  return { ok: true, value };
}
