// Validation of the announcement card (title, text, kind, segments, link,
// resolution note) and of the contacts card (per segment, one contact a line).
// Errors are codes with params; the Teams layer translates them.
import { z } from 'zod';
import type { FieldError, ParseResult } from './field-errors.js';
import { freeText, singleLine } from './plain-text.js';
import { ANNOUNCEMENT_KINDS, type AnnouncementKind, type Contact } from './types.js';

export interface AnnouncementInput {
  kind: AnnouncementKind;
  title: string;
  text: string;
  segments: string[];
  link?: string;
}

const MAX_TITLE = 120;
const MAX_TEXT = 2_000;
const MAX_NAME = 100;
const MAX_EMAIL = 254;
/** Contacts per segment: a few named people, as the offices asked. */
export const MAX_CONTACTS = 5;

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const required = { required_error: 'required', invalid_type_error: 'invalid' };

const title = singleLine(z.string(required).trim().min(1, 'required').max(MAX_TITLE, 'too-long'));
const body = freeText(z.string(required).trim().min(1, 'required').max(MAX_TEXT, 'too-long'));
const link = z.preprocess(
  blankToUndefined,
  singleLine(z.string({ invalid_type_error: 'invalid-url' }).trim().url('invalid-url'))
    .pipe(z.string().refine((u) => new URL(u).protocol === 'https:', 'not-https'))
    .optional(),
);

function issueToError(field: string, issue: z.ZodIssue): FieldError {
  const params: Record<string, string | number> = {};
  if (issue.code === 'too_big') params.max = Number(issue.maximum);
  if (issue.code === 'custom') Object.assign(params, issue.params);
  return Object.keys(params).length ? { field, code: issue.message, params } : { field, code: issue.message };
}

function check<T>(field: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown, errors: FieldError[]): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  errors.push(...result.error.issues.map((issue) => issueToError(field, issue)));
  return undefined;
}

/** The card's fields; `officeSegments` are the segments the coordinator may choose (all of them when none is picked). */
export function parseAnnouncementInput(raw: Record<string, unknown>, officeSegments: readonly string[]): ParseResult<AnnouncementInput> {
  const errors: FieldError[] = [];
  const kind = check('kind', z.enum(ANNOUNCEMENT_KINDS, { errorMap: () => ({ message: 'invalid' }) }), raw.kind, errors);
  const parsedTitle = check('title', title, raw.title, errors);
  const text = check('text', body, raw.text, errors);
  const parsedLink = check('link', link, raw.link, errors);
  const picked = typeof raw.segments === 'string' ? raw.segments.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const unknown = picked.filter((s) => !officeSegments.includes(s));
  for (const value of unknown) errors.push({ field: 'segments', code: 'unknown-segment', params: { value } });
  if (errors.length > 0 || !kind || !parsedTitle || !text) return { ok: false, errors };
  const segments = picked.length > 0 ? [...new Set(picked)] : [...officeSegments];
  return { ok: true, value: { kind, title: parsedTitle, text, segments, ...(parsedLink ? { link: parsedLink } : {}) } };
}

/** The new text of a disruption being updated. */
export function parseUpdateText(raw: unknown): ParseResult<string> {
  const errors: FieldError[] = [];
  const text = check('text', body, raw, errors);
  return text === undefined ? { ok: false, errors } : { ok: true, value: text };
}

/** The optional note of a resolved disruption. */
export function parseResolution(raw: unknown): ParseResult<string> {
  const errors: FieldError[] = [];
  const note = check('resolution', z.preprocess(blankToUndefined, body.optional()), raw, errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: note ?? '' };
}

const contactLine = z.object({
  name: singleLine(z.string().trim().min(1, 'required').max(MAX_NAME, 'too-long')),
  email: z.string().trim().toLowerCase().max(MAX_EMAIL, 'too-long').email('invalid-email'),
});

/**
 * One segment's contacts as typed in the card: one person a line, "Name <e-mail>"
 * or "Name, e-mail". An empty text clears the segment's contacts.
 */
export function parseContactLines(field: string, raw: unknown): ParseResult<Contact[]> {
  const lines = (typeof raw === 'string' ? raw : '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const errors: FieldError[] = [];
  if (lines.length > MAX_CONTACTS) errors.push({ field, code: 'too-many', params: { max: MAX_CONTACTS } });
  const contacts: Contact[] = [];
  for (const line of lines.slice(0, MAX_CONTACTS)) {
    const match = /^(.*?)\s*(?:<([^<>]*)>|,\s*([^,]*))$/.exec(line);
    const parsed = contactLine.safeParse({ name: match?.[1] ?? '', email: match?.[2] ?? match?.[3] ?? '' });
    if (parsed.success) contacts.push(parsed.data);
    else errors.push({ field, code: 'invalid-contact', params: { line: line.slice(0, 80) } });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: contacts };
}

/** How a contact is written in the card's text field. */
export const contactLineOf = (c: Contact) => `${c.name} <${c.email}>`;
