// Partner import from CSV, pasted into a card or sent as a file. Every data row
// is validated like a card submission and reported on its own; problems with
// the text as a whole are fatal and nothing is imported. Line breaks, control
// and text-direction characters are stripped from the cells rather than
// refused (a spreadsheet export easily carries them); the report names the
// lines where that happened.
import { CsvError, parse, type Info } from 'csv-parse/sync';
import {
  partnerInputParser,
  type PartnerFieldError,
  type PartnerInput,
  type PartnerInputContext,
} from './partner-input.js';
import { stripToSingleLine } from './plain-text.js';
import type { Locale } from './types.js';

export const PARTNER_CSV_ERROR_CODES = [
  // fatal: the whole text is refused
  'empty', // no text, or a header without data rows
  'too-large', // params: maxBytes
  'unparseable', // params: line (where csv-parse stopped)
  'missing-columns', // params: columns (comma-separated column keys)
  'duplicate-column', // params: column
  'too-many-rows', // params: max
  // per row, besides the PARTNER_INPUT_ERROR_CODES
  'column-count', // more cells than header columns; params: expected, found
  'duplicate-in-file', // params: line (the earlier row)
] as const;
export type PartnerCsvErrorCode = (typeof PARTNER_CSV_ERROR_CODES)[number];

export const MAX_CSV_BYTES = 1024 * 1024;
export const MAX_CSV_ROWS = 2000;

/** A validated row. A missing language or Teams identity is left out, so an import keeps the partner's own. */
export type PartnerImport = Omit<PartnerInput, 'locale'> & { locale?: Locale };

export type CsvRowResult = { line: number; email: string } & (
  | { ok: true; value: PartnerImport }
  | { ok: false; errors: PartnerFieldError[] }
);

export interface PartnerCsvResult {
  rows: CsvRowResult[];
  /** Lines where line breaks, control or text-direction characters were removed from a cell. */
  cleanedLines?: number[];
  fatal?: { code: PartnerCsvErrorCode; params?: Record<string, string | number> };
}

export interface PartnerCsvContext extends PartnerInputContext {
  /** The office of a row without an office column or value. */
  defaultOffice: string;
}

type Column = 'name' | 'organisation' | 'segment' | 'office' | 'email' | 'language' | 'aad';
const REQUIRED: Column[] = ['name', 'organisation', 'segment', 'email'];

// Header names in English, Finnish and Swedish, lower-case.
const HEADERS: Record<string, Column> = {
  name: 'name',
  nimi: 'name',
  namn: 'name',
  organisation: 'organisation',
  organization: 'organisation',
  organisaatio: 'organisation',
  segment: 'segment',
  segmentti: 'segment',
  office: 'office',
  toimisto: 'office',
  virasto: 'office', // the older Finnish word, still read
  kontor: 'office',
  email: 'email',
  'e-mail': 'email',
  sähköposti: 'email',
  'e-post': 'email',
  language: 'language',
  kieli: 'language',
  språk: 'language',
  aad: 'aad',
  aadobjectid: 'aad',
};

const DELIMITERS = [',', ';', '\t'];

/** The delimiter used most in the header line, outside quotes; "," when none is. */
function detectDelimiter(text: string): string {
  const header = text.split('\n', 1)[0].replace(/"[^"]*"/g, '');
  const count = (d: string) => header.split(d).length;
  return DELIMITERS.reduce((best, d) => (count(d) > count(best) ? d : best));
}

type Fatal = NonNullable<PartnerCsvResult['fatal']>;

function columnIndexes(header: string[]): Map<Column, number> | Fatal {
  const indexes = new Map<Column, number>();
  for (const [i, cell] of header.entries()) {
    const column = HEADERS[cell.normalize('NFC').toLowerCase()];
    if (!column) continue; // other columns (phone, notes, …) are ignored
    if (indexes.has(column)) return { code: 'duplicate-column', params: { column } };
    indexes.set(column, i);
  }
  const missing = REQUIRED.filter((c) => !indexes.has(c));
  return missing.length ? { code: 'missing-columns', params: { columns: missing.join(', ') } } : indexes;
}

function readRecords(text: string): { record: string[]; line: number }[] | Fatal {
  try {
    // With info: true each record comes as { record, info }, which the typings do not model.
    const parsed = parse(text, {
      delimiter: detectDelimiter(text),
      trim: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      info: true,
    }) as unknown as { record: string[]; info: Info }[];
    // info.lines is the line a record ends on; a quoted cell may span lines.
    return parsed.map(({ record, info }) => ({
      record,
      line: info.lines - record.join('').split('\n').length + 1,
    }));
  } catch (err) {
    if (err instanceof CsvError) return { code: 'unparseable', params: { line: Number(err.lines) } };
    throw err;
  }
}

/** Reads partner rows from CSV with a header row; "," ";" or tab separated. */
export function parsePartnerCsv(text: string, ctx: PartnerCsvContext): PartnerCsvResult {
  if (Buffer.byteLength(text, 'utf8') > MAX_CSV_BYTES) {
    return { rows: [], fatal: { code: 'too-large', params: { maxBytes: MAX_CSV_BYTES } } };
  }
  // One line ending, so csv-parse counts lines as an editor does.
  const records = readRecords(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
  if (!Array.isArray(records)) return { rows: [], fatal: records };
  const [header, ...data] = records;
  if (!header || data.length === 0) return { rows: [], fatal: { code: 'empty' } };
  const columns = columnIndexes(header.record);
  if (!(columns instanceof Map)) return { rows: [], fatal: columns };
  if (data.length > MAX_CSV_ROWS) return { rows: [], fatal: { code: 'too-many-rows', params: { max: MAX_CSV_ROWS } } };

  const parsePartner = partnerInputParser(ctx);
  const firstLineOf = new Map<string, number>();
  const cleanedLines: number[] = [];
  const rows = data.map(({ record, line }): CsvRowResult => {
    const cells = new Map<Column, string>();
    for (const [column, i] of columns) {
      const raw = record[i] ?? '';
      cells.set(column, stripToSingleLine(raw).trim());
      if (cells.get(column) !== raw.trim() && !cleanedLines.includes(line)) cleanedLines.push(line);
    }
    const cell = (column: Column) => cells.get(column) ?? '';
    const email = cell('email').toLowerCase();
    const errors: PartnerFieldError[] = [];
    // More cells than headers: most likely a value with an unquoted delimiter, so the columns shifted.
    if (record.length > header.record.length) {
      errors.push({ field: 'row', code: 'column-count', params: { expected: header.record.length, found: record.length } });
    }
    const parsed = parsePartner({
      name: cell('name'),
      organisation: cell('organisation'),
      segment: cell('segment'),
      officeId: cell('office') || ctx.defaultOffice,
      email,
      aadObjectId: cell('aad'),
      locale: cell('language'),
    });
    if (!parsed.ok) errors.push(...parsed.errors);
    const earlier = email ? firstLineOf.get(email) : undefined;
    if (earlier !== undefined) errors.push({ field: 'email', code: 'duplicate-in-file', params: { line: earlier } });
    else if (email) firstLineOf.set(email, line);

    if (!parsed.ok || errors.length) return { line, email, ok: false, errors };
    const { locale, ...withoutLocale } = parsed.value;
    return { line, email, ok: true, value: cell('language') ? parsed.value : withoutLocale };
  });
  return cleanedLines.length ? { rows, cleanedLines } : { rows };
}
