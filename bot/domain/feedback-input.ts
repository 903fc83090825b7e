// Validation of the partner feedback card and of the survey card. Errors are
// codes with params; the Teams layer translates them. Every field is checked
// and every problem reported at once.
import { z } from 'zod';
import type { ProposalLevel, SurveyCadence } from './types.js';
import type { FieldError, ParseResult } from './field-errors.js';
import { freeText, singleLine } from './plain-text.js';

export const FEEDBACK_INPUT_ERROR_CODES = [
  'required',
  'invalid',
  'not-integer',
  'out-of-range', // params: min, max
  'too-long', // params: max
  'too-many', // params: max
  'unknown-segment', // params: value
  'feedback-justification-required', // a rating of 1 or 2 without a reason; params: min
  'feedback-justification-too-short', // params: min
  'control-characters', // a line break, control or text-direction character in a single-line field
] as const;
export type FeedbackInputErrorCode = (typeof FEEDBACK_INPUT_ERROR_CODES)[number];

export type FeedbackFieldError = FieldError<FeedbackInputErrorCode>;
export type FeedbackParseResult<T> = ParseResult<T, FeedbackInputErrorCode>;

export const MAX_FEEDBACK_TEXT = 2000;
export const MIN_JUSTIFICATION = 10;
export const MAX_PROPOSALS = 3;
/** Ratings at or below this need a justification: criticism without a reason cannot be acted on. */
export const LOW_RATING = 2;
export const PROPOSAL_LEVELS = ['local', 'national'] as const satisfies readonly ProposalLevel[];
export const SURVEY_CADENCES = ['monthly', 'quarterly', 'yearly'] as const satisfies readonly SurveyCadence[];
export const MAX_SURVEY_TOPIC = 200;

export interface ProposalInput {
  text: string;
  level: ProposalLevel;
  justification?: string;
}

export interface FeedbackInput {
  rating: number;
  works: string;
  change: string;
  justification?: string;
  proposals: ProposalInput[];
  anonymous: boolean;
}

export interface SurveyInput {
  segment: string;
  topic: string;
  cadence: SurveyCadence;
}

/** Card field names of the n-th proposal (0-based). */
export const proposalFields = (n: number) => ({ text: `proposal_${n}`, level: `level_${n}`, justification: `proposalJustification_${n}` });

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

// The texts of the feedback card are multi-line; the survey card's fields are single lines.
const optionalText = (max: number) =>
  freeText(z.preprocess(blankToUndefined, z.string({ invalid_type_error: 'invalid' }).trim().max(max, 'too-long').optional()));

const requiredText = (max: number) =>
  singleLine(z.string({ required_error: 'required', invalid_type_error: 'invalid' }).trim().min(1, 'required').max(max, 'too-long'));

// Card inputs arrive as strings; numbers are accepted too.
const rating = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v)) : v),
  z
    .number({ required_error: 'required', invalid_type_error: 'not-integer' })
    .int('not-integer')
    .pipe(z.number().refine((n) => n >= 1 && n <= 5, { message: 'out-of-range', params: { min: 1, max: 5 } })),
);

const level = z.preprocess(
  blankToUndefined,
  z.enum(PROPOSAL_LEVELS, { errorMap: () => ({ message: 'invalid' }) }).optional(),
);

// Input.Toggle sends "true"/"false"; a missing toggle means not anonymous.
const anonymous = z.preprocess(
  (v) => (v === undefined || v === '' ? false : v === 'true' ? true : v === 'false' ? false : v),
  z.boolean({ invalid_type_error: 'invalid' }),
);

function toFieldError(field: string, issue: z.ZodIssue): FeedbackFieldError {
  const code = (FEEDBACK_INPUT_ERROR_CODES as readonly string[]).includes(issue.message)
    ? (issue.message as FeedbackInputErrorCode)
    : 'invalid';
  if (issue.code === 'too_big') return { field, code, params: { max: Number(issue.maximum) } };
  if (issue.code === 'custom' && issue.params) return { field, code, params: issue.params };
  return { field, code };
}

function asRecord(raw: unknown): Record<string, unknown> {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
}

/** Parses one field; on failure records its first problem and returns undefined. */
function parseField<T>(
  input: Record<string, unknown>,
  field: string,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  errors: FeedbackFieldError[],
): T | undefined {
  const result = schema.safeParse(input[field]);
  if (result.success) return result.data;
  errors.push(toFieldError(field, result.error.issues[0]));
  return undefined;
}

/**
 * Validates a feedback card submission: rating 1–5, texts of at most 2000
 * characters, a justification of at least 10 characters when the rating is 1
 * or 2, up to three proposals (a level is required for each written one) and
 * the anonymity toggle. Other keys (requestId, topic, …) are ignored.
 */
export function parseFeedbackInput(raw: unknown): FeedbackParseResult<FeedbackInput> {
  const input = asRecord(raw);
  const errors: FeedbackFieldError[] = [];
  const value = {
    rating: parseField(input, 'rating', rating, errors),
    works: parseField(input, 'works', optionalText(MAX_FEEDBACK_TEXT), errors) ?? '',
    change: parseField(input, 'change', optionalText(MAX_FEEDBACK_TEXT), errors) ?? '',
    justification: parseField(input, 'justification', optionalText(MAX_FEEDBACK_TEXT), errors),
    anonymous: parseField(input, 'anonymous', anonymous, errors),
  };
  const justificationFailed = errors.some((e) => e.field === 'justification');
  if (value.rating !== undefined && value.rating <= LOW_RATING && !justificationFailed) {
    if (value.justification === undefined) {
      errors.push({ field: 'justification', code: 'feedback-justification-required', params: { min: MIN_JUSTIFICATION } });
    } else if (value.justification.length < MIN_JUSTIFICATION) {
      errors.push({ field: 'justification', code: 'feedback-justification-too-short', params: { min: MIN_JUSTIFICATION } });
    }
  }

  const proposals: ProposalInput[] = [];
  for (let n = 0; n < MAX_PROPOSALS; n++) {
    const fields = proposalFields(n);
    const text = parseField(input, fields.text, optionalText(MAX_FEEDBACK_TEXT), errors);
    const chosen = parseField(input, fields.level, level, errors);
    const justification = parseField(input, fields.justification, optionalText(MAX_FEEDBACK_TEXT), errors);
    const textFailed = errors.some((e) => e.field === fields.text);
    // A level left selected without a text is ignored: a choice set cannot be cleared in Teams.
    if (text === undefined && justification !== undefined && !textFailed) errors.push({ field: fields.text, code: 'required' });
    if (text !== undefined && chosen === undefined && !errors.some((e) => e.field === fields.level)) {
      errors.push({ field: fields.level, code: 'required' });
    }
    if (text !== undefined && chosen !== undefined) {
      proposals.push(justification === undefined ? { text, level: chosen } : { text, level: chosen, justification });
    }
  }
  const extra = Object.keys(input).filter((key) => {
    const match = /^proposal_(\d+)$/.exec(key);
    return match !== null && Number(match[1]) >= MAX_PROPOSALS && blankToUndefined(input[key]) !== undefined;
  });
  if (extra.length > 0) errors.push({ field: 'proposals', code: 'too-many', params: { max: MAX_PROPOSALS } });

  if (errors.length > 0) return { ok: false, errors };
  const feedback: FeedbackInput = { rating: value.rating!, works: value.works, change: value.change, proposals, anonymous: value.anonymous! };
  if (value.justification !== undefined) feedback.justification = value.justification;
  return { ok: true, value: feedback };
}

/** Validates the survey card: a segment of the configuration, a topic and a cadence. */
export function parseSurveyInput(raw: unknown, ctx: { segments: string[] }): FeedbackParseResult<SurveyInput> {
  const input = asRecord(raw);
  const errors: FeedbackFieldError[] = [];
  const segment = parseField(
    input,
    'segment',
    requiredText(100).pipe(
      z.string().refine((s) => ctx.segments.includes(s), (value) => ({ message: 'unknown-segment', params: { value } })),
    ),
    errors,
  );
  const topic = parseField(input, 'topic', requiredText(MAX_SURVEY_TOPIC), errors);
  const cadence = parseField(
    input,
    'cadence',
    requiredText(20).pipe(z.enum(SURVEY_CADENCES, { errorMap: () => ({ message: 'invalid' }) })),
    errors,
  );
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { segment: segment!, topic: topic!, cadence: cadence! } };
}
