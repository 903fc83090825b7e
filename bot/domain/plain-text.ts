// What user text may hold. Control characters (C0, DEL, C1) break lines in
// logs, e-mail headers and CSV exports, and the Unicode direction controls
// (overrides, embeddings, isolates, marks) make a name or an organisation read
// reversed or reordered in a card. A single-line field refuses all of them; a
// free text keeps its line breaks and loses the rest; a CSV import strips them
// (see partner-csv.ts).
import { z } from 'zod';

export const CONTROL_CHARACTERS = 'control-characters';

const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f';
const DIRECTION = '\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const SINGLE_LINE = new RegExp(`^[^${CONTROL}${DIRECTION}]*$`);
const ANY_UNWANTED = new RegExp(`[${CONTROL}${DIRECTION}]`, 'g');
// In free text: everything but the line feed (line breaks are normalised to it first).
const UNWANTED_IN_FREE_TEXT = new RegExp(`[\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f${DIRECTION}]`, 'g');

/** A single-line field: refuses line breaks, other control characters and direction controls with `message`. */
export function singleLine(schema: z.ZodString, message: string = CONTROL_CHARACTERS): z.ZodString {
  return schema.regex(SINGLE_LINE, message);
}

/** Free text (multi-line inputs): CRLF and CR become LF, tabs a space; other control and direction characters are removed. */
export function cleanFreeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(UNWANTED_IN_FREE_TEXT, '');
}

/** `schema` applied to the cleaned text (cleanFreeText) when the input is a string. */
export function freeText<T extends z.ZodTypeAny>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' ? cleanFreeText(v) : v), schema);
}

/** For imports: line breaks and tabs become a space, other control and direction characters are removed. */
export function stripToSingleLine(text: string): string {
  return text.replace(/\r\n|[\r\n\t]/g, ' ').replace(ANY_UNWANTED, '');
}
