// Validation of a partner as the partner card submits it (and as a CSV row is
// read). Errors are codes with params; the Teams layer translates them.
import { z } from 'zod';
import { LOCALES, type Locale, type Partner } from './types.js';
import type { FieldError, ParseResult } from './field-errors.js';
import { singleLine } from './plain-text.js';

export const PARTNER_INPUT_ERROR_CODES = [
  'required',
  'invalid', // not a string
  'too-long', // params: max
  'unknown-segment', // params: value
  'unknown-office', // params: value
  'invalid-email',
  'invalid-aad-object-id', // not a GUID
  'unknown-locale', // params: value
  'control-characters', // a line break, control or text-direction character
] as const;
export type PartnerInputErrorCode = (typeof PARTNER_INPUT_ERROR_CODES)[number];

/** `code` is a PartnerInputErrorCode or a code of the CSV import or the partner service. */
export type PartnerFieldError = FieldError;
export type PartnerParseResult<T> = ParseResult<T>;

/** The fields of a register entry a coordinator gives. */
export type PartnerInput = Pick<Partner, 'name' | 'organisation' | 'segment' | 'officeId' | 'email' | 'aadObjectId' | 'locale'>;

export interface PartnerInputContext {
  segments: string[];
  offices: string[];
}

export const DEFAULT_PARTNER_LOCALE: Locale = 'fi';

const MAX_NAME = 120;
const MAX_ORGANISATION = 160;
const MAX_EMAIL = 254; // RFC 5321 path limit
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const text = () => singleLine(z.string({ required_error: 'required', invalid_type_error: 'invalid' }).trim().min(1, 'required'));

/** One of `ids`, matched case-insensitively and returned as spelled in `ids`. */
const oneOf = <T extends string>(ids: readonly T[], code: PartnerInputErrorCode) =>
  text().transform((value, rc) => {
    const id = ids.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
    if (id === undefined) {
      rc.addIssue({ code: 'custom', message: code, params: { value } });
      return z.NEVER;
    }
    return id;
  });

function partnerSchema(ctx: PartnerInputContext) {
  return z.object({
    name: text().max(MAX_NAME, 'too-long'),
    organisation: text().max(MAX_ORGANISATION, 'too-long'),
    segment: oneOf(ctx.segments, 'unknown-segment'),
    officeId: oneOf(ctx.offices, 'unknown-office'),
    // pipe(): the format is checked only when the length passed (zod runs every check otherwise).
    email: text().max(MAX_EMAIL, 'too-long').toLowerCase().pipe(z.string().email('invalid-email')),
    aadObjectId: z.preprocess(
      blankToUndefined,
      z.string({ invalid_type_error: 'invalid' }).trim().regex(GUID, 'invalid-aad-object-id').toLowerCase().optional(),
    ),
    locale: z.preprocess(blankToUndefined, oneOf(LOCALES, 'unknown-locale').default(DEFAULT_PARTNER_LOCALE)),
  });
}

function toFieldError(issue: z.ZodIssue): PartnerFieldError {
  const field = String(issue.path[0] ?? '');
  const code = (PARTNER_INPUT_ERROR_CODES as readonly string[]).includes(issue.message) ? issue.message : 'invalid';
  if (issue.code === 'too_big') return { field, code, params: { max: Number(issue.maximum) } };
  if (issue.code === 'custom' && issue.params) return { field, code, params: issue.params };
  return { field, code };
}

/**
 * Validates a partner card submission; every invalid field is reported. Card
 * inputs are strings; other keys of the submission (verb, partnerId, …) are ignored.
 */
export function parsePartnerInput(raw: unknown, ctx: PartnerInputContext): PartnerParseResult<PartnerInput> {
  return partnerInputParser(ctx)(raw);
}

/** parsePartnerInput for many inputs in one context (a CSV file): the schema is built once. */
export function partnerInputParser(ctx: PartnerInputContext): (raw: unknown) => PartnerParseResult<PartnerInput> {
  const schema = partnerSchema(ctx);
  return (raw) => {
    const result = schema.safeParse(typeof raw === 'object' && raw !== null ? raw : {});
    if (!result.success) return { ok: false, errors: result.error.issues.map(toFieldError) };
    const { aadObjectId, ...rest } = result.data;
    return { ok: true, value: aadObjectId === undefined ? rest : { ...rest, aadObjectId } };
  };
}
