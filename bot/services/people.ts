// Who is this? Resolves a sender to a role, an office and, for partners, the
// register entry. Order: configured people, roles assigned in the bot, the
// partner register; anyone else is an unregistered partner of the default office.
import type { AppConfig } from '../config.js';
import type { Locale, Partner, Role } from '../domain/types.js';
import type { RecordReader } from '../store/records.js';
import type { RoleAssignment } from '../store/store.js';
import { officeOrFirst } from '../domain/office-name.js';

export interface Identity {
  aadObjectId?: string;
  email?: string;
  name?: string;
}

export interface UserContext {
  identity: Identity;
  role: Role;
  officeId: string;
  partner?: Partner;
  locale: Locale;
}

const sameEmail = (a?: string, b?: string) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
const matches = (who: { aadObjectId?: string; email?: string }, identity: Identity) =>
  (!!who.aadObjectId && who.aadObjectId === identity.aadObjectId) || sameEmail(who.email, identity.email);

/**
 * The one language rule. A partner in the register reads the language recorded
 * there (set when added or imported; changed on the partner form or by the
 * partner's own "language" command) in every reply, card and e-mail, whatever
 * their Teams client says: the register is what proactive sends use, so the
 * partner never sees two languages. Anyone else (staff, an unregistered sender)
 * reads their Teams client's language when it is fi, sv or en, otherwise the
 * office's default.
 */
export function languageOf(partner: Pick<Partner, 'locale'>): Locale;
export function languageOf(partner: Pick<Partner, 'locale'> | undefined, teamsLocale: Locale | null, officeLocale: Locale): Locale;
export function languageOf(partner: Pick<Partner, 'locale'> | undefined, teamsLocale: Locale | null = null, officeLocale?: Locale): Locale {
  return partner?.locale ?? teamsLocale ?? officeLocale!;
}

/** The register entry of a person: by Teams identity first, then by e-mail. */
export async function partnerOf(reader: RecordReader, identity: Identity): Promise<Partner | undefined> {
  if (identity.aadObjectId) {
    const [byAad] = await reader.findBy('partners', 'aadObjectId', identity.aadObjectId);
    if (byAad) return byAad;
  }
  if (!identity.email) return undefined;
  const [byEmail] = await reader.findBy('partners', 'email', identity.email.toLowerCase());
  return byEmail;
}

/** A staff member given a role in Teams (the `staff` card), by Teams identity or e-mail. */
async function assignedStaffOf(reader: RecordReader, identity: Identity): Promise<RoleAssignment | undefined> {
  const byAad = identity.aadObjectId ? await reader.findBy('roleAssignments', 'aadObjectId', identity.aadObjectId) : [];
  const byEmail = identity.email ? await reader.findBy('roleAssignments', 'email', identity.email.toLowerCase()) : [];
  return [...byAad, ...byEmail].find((p) => matches(p, identity));
}

/** Who is speaking: staff (configured or assigned) or a partner, their office and language. */
export async function userOf(config: AppConfig, reader: RecordReader, identity: Identity, teamsLocale: Locale | null): Promise<UserContext> {
  const staff = config.people.find((p) => matches(p, identity)) ?? (await assignedStaffOf(reader, identity));
  const partner = staff ? undefined : await partnerOf(reader, identity);
  const role: Role = staff?.role ?? 'partner';
  const officeId = staff?.office ?? partner?.officeId ?? config.defaultOffice;
  const office = officeOrFirst(config.offices, officeId);
  return { identity, role, officeId: office.id, partner, locale: languageOf(partner, teamsLocale, office.locale) };
}

/** True when the identity is known to Sidos by aadObjectId alone, so no e-mail lookup is needed. */
export async function isKnownByAadObjectId(config: AppConfig, reader: RecordReader, aadObjectId: string | undefined): Promise<boolean> {
  if (!aadObjectId) return false;
  if (config.people.some((p) => p.aadObjectId === aadObjectId)) return true;
  const [assigned] = await reader.findBy('roleAssignments', 'aadObjectId', aadObjectId);
  const [partner] = assigned ? [] : await reader.findBy('partners', 'aadObjectId', aadObjectId);
  return !!(assigned ?? partner);
}

