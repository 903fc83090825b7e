// The partner register: add, edit, remove (with undo), list, and import many
// partners at once. Inputs arrive validated by domain/partner-input.ts or
// domain/partner-csv.ts; the codes here are about the register itself. A
// coordinator changes their own office's partners, an admin every office's
// (domain/office-access.ts): each change checks it in its transaction.
import { randomUUID } from 'node:crypto';
import { handlesOffice } from '../domain/office-access.js';
import type { CsvRowResult, PartnerImport } from '../domain/partner-csv.js';
import type { PartnerFieldError, PartnerInput } from '../domain/partner-input.js';
import type { Viewer } from '../domain/proposal-rules.js';
import type { Locale, Partner } from '../domain/types.js';
import { RecordConflictError, type RecordReader, type RecordStore, type RecordTransaction } from '../store/records.js';

export const PARTNER_ERROR_CODES = [
  'duplicate-email', // another partner has this e-mail
  'duplicate-aad-object-id', // another partner has this Teams identity
  'not-found',
  'other-office', // the partner is in an office the user does not handle; import: the e-mail is another office's (params: office)
] as const;
export type PartnerErrorCode = (typeof PARTNER_ERROR_CODES)[number];

export type PartnerResult = { ok: true; partner: Partner } | { ok: false; code: PartnerErrorCode };
/** A partner the user may change, or why they may not: it is gone, or in an office they do not handle. */
export type PartnerToChange = { ok: true; partner: Partner } | { ok: false; code: 'not-found' | 'other-office' };

export interface ImportRowResult {
  line: number;
  status: 'added' | 'updated' | 'unchanged' | 'rejected';
  email: string;
  errors?: PartnerFieldError[];
}

const DATA_KEYS = ['name', 'organisation', 'segment', 'officeId', 'email', 'aadObjectId', 'locale'] as const;

/** Why `input` cannot be stored as the partner `selfId` (none: a new partner), if it cannot. */
async function conflict(reader: RecordReader, input: PartnerInput, selfId?: string): Promise<PartnerErrorCode | undefined> {
  const others = (found: Partner[]) => found.some((p) => p.id !== selfId);
  if (others(await reader.findBy('partners', 'email', input.email.toLowerCase()))) return 'duplicate-email';
  if (input.aadObjectId && others(await reader.findBy('partners', 'aadObjectId', input.aadObjectId))) return 'duplicate-aad-object-id';
  return undefined;
}

/**
 * A change refused by a unique constraint: another instance added a partner
 * with this e-mail between our check and our commit. The answer is the check's.
 */
async function unlessTaken(change: () => Promise<PartnerResult>): Promise<PartnerResult> {
  try {
    return await change();
  } catch (err) {
    if (err instanceof RecordConflictError && err.constraint === 'partners_office_email') return { ok: false, code: 'duplicate-email' };
    throw err;
  }
}

const isUnchanged = (partner: Partner, input: PartnerInput) => DATA_KEYS.every((key) => partner[key] === input[key]);

/** A stored partner from `input`, without an aadObjectId key when there is none. */
function toPartner(input: PartnerInput, id: string, createdAt: string, updatedAt: string): Partner {
  const { name, organisation, segment, officeId, email, aadObjectId, locale } = input;
  return {
    id,
    name,
    organisation,
    segment,
    officeId,
    email,
    ...(aadObjectId ? { aadObjectId } : {}),
    locale,
    createdAt,
    updatedAt,
  };
}

/** The partner `viewer` may change, or why not. */
export async function partnerToChange(reader: RecordReader, viewer: Viewer, partnerId: string): Promise<PartnerToChange> {
  const partner = await reader.get('partners', partnerId);
  if (!partner) return { ok: false, code: 'not-found' };
  return handlesOffice(viewer, partner.officeId) ? { ok: true, partner } : { ok: false, code: 'other-office' };
}

export function addPartner(records: RecordStore, viewer: Viewer, input: PartnerInput, now: Date): Promise<PartnerResult> {
  return unlessTaken(() =>
    records.transaction(async (tx): Promise<PartnerResult> => {
      if (!handlesOffice(viewer, input.officeId)) return { ok: false, code: 'other-office' };
      const code = await conflict(tx, input);
      if (code) return { ok: false, code };
      const partner = toPartner(input, randomUUID(), now.toISOString(), now.toISOString());
      await tx.put('partners', partner);
      return { ok: true, partner };
    }),
  );
}

/** Replaces the partner's data; an unchanged submission keeps updatedAt. Neither the partner nor its new office may be another's. */
export function updatePartner(records: RecordStore, viewer: Viewer, id: string, input: PartnerInput, now: Date): Promise<PartnerResult> {
  return unlessTaken(() =>
    records.transaction(async (tx): Promise<PartnerResult> => {
      const found = await partnerToChange(tx, viewer, id);
      if (!found.ok) return found;
      if (!handlesOffice(viewer, input.officeId)) return { ok: false, code: 'other-office' };
      const current = found.partner;
      const code = await conflict(tx, input, id);
      if (code) return { ok: false, code };
      if (isUnchanged(current, input)) return { ok: true, partner: current };
      const partner = toPartner(input, id, current.createdAt, now.toISOString());
      await tx.put('partners', partner);
      return { ok: true, partner };
    }),
  );
}

/** The partner's own choice of language ("language" command); the rest of the entry stays as it is. */
export function setPartnerLanguage(records: RecordStore, id: string, locale: Locale, now: Date): Promise<PartnerResult> {
  return records.transaction(async (tx): Promise<PartnerResult> => {
    const partner = await tx.get('partners', id);
    if (!partner) return { ok: false, code: 'not-found' };
    if (partner.locale === locale) return { ok: true, partner };
    const changed = { ...partner, locale, updatedAt: now.toISOString() };
    await tx.put('partners', changed);
    return { ok: true, partner: changed };
  });
}

/** Removes the partner and returns it, so the caller can offer to undo with restorePartner. */
export async function removePartner(tx: RecordTransaction, id: string): Promise<PartnerResult> {
  const partner = await tx.get('partners', id);
  if (!partner) return { ok: false, code: 'not-found' };
  await tx.remove('partners', id);
  return { ok: true, partner };
}

/** Puts a removed partner back as it was, unless its e-mail or Teams identity was taken meanwhile. */
export async function restorePartner(tx: RecordTransaction, partner: Partner): Promise<PartnerResult> {
  const present = await tx.get('partners', partner.id);
  if (present) return { ok: true, partner: present }; // undo pressed twice
  const code = await conflict(tx, partner);
  if (code) return { ok: false, code };
  await tx.put('partners', partner);
  return { ok: true, partner };
}

const collator = new Intl.Collator('fi');

/** The partners of the offices given, sorted by segment, organisation and name (Finnish alphabetical order). */
export async function listPartners(reader: RecordReader, filter: { officeIds: readonly string[]; segment?: string }): Promise<Partner[]> {
  const partners = (await Promise.all(filter.officeIds.map((officeId) => reader.findBy('partners', 'officeId', officeId)))).flat();
  return partners
    .filter((p) => !filter.segment || p.segment === filter.segment)
    .sort(
      (a, b) =>
        collator.compare(a.segment, b.segment) ||
        collator.compare(a.organisation, b.organisation) ||
        collator.compare(a.name, b.name),
    );
}

/** A row without a language or Teams identity keeps the partner's. */
const merge = (current: Partner, row: PartnerImport): PartnerInput => ({
  ...row,
  aadObjectId: row.aadObjectId ?? current.aadObjectId,
  locale: row.locale ?? current.locale,
});

/** Applies one row; a new partner without a language gets their office's. */
async function importRow(tx: RecordTransaction, row: CsvRowResult, now: string, officeLanguage: (officeId: string) => Locale): Promise<ImportRowResult> {
  const { line, email } = row;
  const reject = (...errors: PartnerFieldError[]): ImportRowResult => ({ line, status: 'rejected', email, errors });
  if (!row.ok) return reject(...row.errors);

  const [current] = await tx.findBy('partners', 'email', row.value.email.toLowerCase());
  if (!current) {
    const input = { ...row.value, locale: row.value.locale ?? officeLanguage(row.value.officeId) };
    const code = await conflict(tx, input);
    if (code) return reject({ field: 'aadObjectId', code });
    await tx.put('partners', toPartner(input, randomUUID(), now, now));
    return { line, status: 'added', email };
  }

  if (current.officeId !== row.value.officeId) {
    return reject({ field: 'email', code: 'other-office', params: { office: current.officeId } });
  }
  const input = merge(current, row.value);
  const code = await conflict(tx, input, current.id);
  if (code) return reject({ field: 'aadObjectId', code });
  if (isUnchanged(current, input)) return { line, status: 'unchanged', email };
  await tx.put('partners', toPartner(input, current.id, current.createdAt, now));
  return { line, status: 'updated', email };
}

/** Rows per transaction: small enough that no chunk holds the event loop for long (npm run bench measures it). */
export const IMPORT_CHUNK_ROWS = 100;
/** A chunk a concurrent add got in the way of is read and applied again, this many times at most. */
const CHUNK_ATTEMPTS = 3;

/**
 * Imports parsed CSV rows and reports each. Rows are written in transactions
 * of IMPORT_CHUNK_ROWS rows, one after another, so a large import never holds
 * the event loop (or, on PostgreSQL, locks) for long. Chunks are safe because
 * each row's result depends only on the register, not on the other rows'
 * success; and should a later chunk fail, importing the file again is
 * idempotent: the rows already there come out "unchanged". A chunk refused by
 * a unique constraint (another instance added one of its e-mails meanwhile) is
 * read and applied again, so that row answers as the register now stands.
 */
export async function importPartners(
  records: RecordStore,
  rows: CsvRowResult[],
  now: Date,
  officeLanguage: (officeId: string) => Locale,
): Promise<ImportRowResult[]> {
  const results: ImportRowResult[] = [];
  for (let start = 0; start < rows.length; start += IMPORT_CHUNK_ROWS) {
    const chunk = rows.slice(start, start + IMPORT_CHUNK_ROWS);
    results.push(...(await importChunk(records, chunk, now.toISOString(), officeLanguage)));
  }
  return results;
}

async function importChunk(records: RecordStore, rows: CsvRowResult[], now: string, officeLanguage: (officeId: string) => Locale): Promise<ImportRowResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await records.transaction(async (tx) => {
        const results: ImportRowResult[] = [];
        for (const row of rows) results.push(await importRow(tx, row, now, officeLanguage));
        return results;
      });
    } catch (err) {
      if (!(err instanceof RecordConflictError) || attempt >= CHUNK_ATTEMPTS) throw err;
    }
  }
}
