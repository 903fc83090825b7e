// The partner register: add, edit, remove (with undo), list, and import many
// partners at once. Inputs arrive validated by domain/partner-input.ts or
// domain/partner-csv.ts; the codes here are about the register itself.
import { randomUUID } from 'node:crypto';
import type { CsvRowResult, PartnerImport } from '../domain/partner-csv.js';
import type { PartnerFieldError, PartnerInput } from '../domain/partner-input.js';
import type { Locale, Partner } from '../domain/types.js';
import type { Store } from '../store/store.js';

export const PARTNER_ERROR_CODES = [
  'duplicate-email', // another partner has this e-mail
  'duplicate-aad-object-id', // another partner has this Teams identity
  'not-found',
  'other-office', // import: the e-mail belongs to a partner of another office; params: office
] as const;
export type PartnerErrorCode = (typeof PARTNER_ERROR_CODES)[number];

export type PartnerResult = { ok: true; partner: Partner } | { ok: false; code: PartnerErrorCode };

export interface ImportRowResult {
  line: number;
  status: 'added' | 'updated' | 'unchanged' | 'rejected';
  email: string;
  errors?: PartnerFieldError[];
}

const DATA_KEYS = ['name', 'organisation', 'segment', 'officeId', 'email', 'aadObjectId', 'locale'] as const;

const sameEmail = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Why `input` cannot be stored as the partner `selfId` (none: a new partner), if it cannot. */
function conflict(partners: readonly Partner[], input: PartnerInput, selfId?: string): PartnerErrorCode | undefined {
  const others = partners.filter((p) => p.id !== selfId);
  if (others.some((p) => sameEmail(p.email, input.email))) return 'duplicate-email';
  const aad = input.aadObjectId?.toLowerCase();
  if (aad && others.some((p) => p.aadObjectId?.toLowerCase() === aad)) return 'duplicate-aad-object-id';
  return undefined;
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

export function addPartner(store: Store, input: PartnerInput, now: Date): Promise<PartnerResult> {
  return store.updateShared((data): PartnerResult => {
    const code = conflict(data.partners, input);
    if (code) return { ok: false, code };
    const partner = toPartner(input, randomUUID(), now.toISOString(), now.toISOString());
    data.partners.push(partner);
    return { ok: true, partner: { ...partner } };
  });
}

/** Replaces the partner's data; an unchanged submission keeps updatedAt. */
export function updatePartner(store: Store, id: string, input: PartnerInput, now: Date): Promise<PartnerResult> {
  return store.updateShared((data): PartnerResult => {
    const index = data.partners.findIndex((p) => p.id === id);
    if (index < 0) return { ok: false, code: 'not-found' };
    const current = data.partners[index];
    const code = conflict(data.partners, input, id);
    if (code) return { ok: false, code };
    if (isUnchanged(current, input)) return { ok: true, partner: { ...current } };
    const partner = toPartner(input, id, current.createdAt, now.toISOString());
    data.partners[index] = partner;
    return { ok: true, partner: { ...partner } };
  });
}

/** The partner's own choice of language ("language" command); the rest of the entry stays as it is. */
export function setPartnerLanguage(store: Store, id: string, locale: Locale, now: Date): Promise<PartnerResult> {
  return store.updateShared((data): PartnerResult => {
    const partner = data.partners.find((p) => p.id === id);
    if (!partner) return { ok: false, code: 'not-found' };
    if (partner.locale !== locale) Object.assign(partner, { locale, updatedAt: now.toISOString() });
    return { ok: true, partner: { ...partner } };
  });
}

/** Removes the partner and returns it, so the caller can offer to undo with restorePartner. */
export function removePartner(store: Store, id: string): Promise<PartnerResult> {
  return store.updateShared((data): PartnerResult => {
    const index = data.partners.findIndex((p) => p.id === id);
    if (index < 0) return { ok: false, code: 'not-found' };
    const [partner] = data.partners.splice(index, 1);
    return { ok: true, partner };
  });
}

/** Puts a removed partner back as it was, unless its e-mail or Teams identity was taken meanwhile. */
export function restorePartner(store: Store, partner: Partner): Promise<PartnerResult> {
  return store.updateShared((data): PartnerResult => {
    const present = data.partners.find((p) => p.id === partner.id);
    if (present) return { ok: true, partner: { ...present } }; // undo pressed twice
    const code = conflict(data.partners, partner);
    if (code) return { ok: false, code };
    data.partners.push({ ...partner });
    return { ok: true, partner: { ...partner } };
  });
}

const collator = new Intl.Collator('fi');

/** Partners sorted by segment, organisation and name (Finnish alphabetical order). */
export function listPartners(store: Store, filter: { officeId?: string; segment?: string } = {}): Partner[] {
  return store.readShared((data) =>
    data.partners
      .filter((p) => (!filter.officeId || p.officeId === filter.officeId) && (!filter.segment || p.segment === filter.segment))
      .map((p) => ({ ...p }))
      .sort(
        (a, b) =>
          collator.compare(a.segment, b.segment) ||
          collator.compare(a.organisation, b.organisation) ||
          collator.compare(a.name, b.name),
      ),
  );
}

/** A row without a language or Teams identity keeps the partner's. */
const merge = (current: Partner, row: PartnerImport): PartnerInput => ({
  ...row,
  aadObjectId: row.aadObjectId ?? current.aadObjectId,
  locale: row.locale ?? current.locale,
});

/** Applies one row to the working list `partners`; a new partner without a language gets their office's. */
function importRow(partners: Partner[], row: CsvRowResult, now: string, officeLanguage: (officeId: string) => Locale): ImportRowResult {
  const { line, email } = row;
  const reject = (...errors: PartnerFieldError[]): ImportRowResult => ({ line, status: 'rejected', email, errors });
  if (!row.ok) return reject(...row.errors);

  const index = partners.findIndex((p) => sameEmail(p.email, row.value.email));
  if (index < 0) {
    const input = { ...row.value, locale: row.value.locale ?? officeLanguage(row.value.officeId) };
    const code = conflict(partners, input);
    if (code) return reject({ field: 'aadObjectId', code });
    partners.push(toPartner(input, randomUUID(), now, now));
    return { line, status: 'added', email };
  }

  const current = partners[index];
  if (current.officeId !== row.value.officeId) {
    return reject({ field: 'email', code: 'other-office', params: { office: current.officeId } });
  }
  const input = merge(current, row.value);
  const code = conflict(partners, input, current.id);
  if (code) return reject({ field: 'aadObjectId', code });
  if (isUnchanged(current, input)) return { line, status: 'unchanged', email };
  partners[index] = toPartner(input, current.id, current.createdAt, now);
  return { line, status: 'updated', email };
}

/**
 * Imports parsed CSV rows and reports each. Accepted rows are saved together
 * in one write: all of them are on disk when this resolves, or none if it rejects.
 */
export function importPartners(store: Store, rows: CsvRowResult[], now: Date, officeLanguage: (officeId: string) => Locale): Promise<ImportRowResult[]> {
  return store.updateShared((data) => {
    // Rows change a copy that replaces the list at the end: should anything throw, the register is untouched.
    const partners = [...data.partners];
    const results = rows.map((row) => importRow(partners, row, now.toISOString(), officeLanguage));
    data.partners = partners;
    return results;
  });
}
