// Validation of a staff role as the staff card submits it: the person (picked
// in Teams, so an Entra object id, or typed as an e-mail address), a role and
// an office. Errors are codes with params; the Teams layer translates them.
import type { FieldError, ParseResult } from './field-errors.js';
import type { Role } from './types.js';

/** The roles an admin can give in Teams; "partner" is what everyone else is. */
export const STAFF_ROLES = ['coordinator', 'national', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export const STAFF_INPUT_ERROR_CODES = [
  'required',
  'invalid-email',
  'invalid-aad-object-id',
  'unknown-role', // params: value
  'unknown-office', // params: value
  'office-required',
] as const;
export type StaffInputErrorCode = (typeof STAFF_INPUT_ERROR_CODES)[number];

/** Whom a role is for: one identifier, stored as given. */
export type StaffPerson = { aadObjectId: string; email?: undefined } | { email: string; aadObjectId?: undefined };

export interface StaffRoleInput {
  role: StaffRole;
  office?: string;
}

const MAX_EMAIL = 254;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The person of an Add: the picked person wins over a typed address. */
export function parseStaffPerson(raw: Record<string, unknown>): ParseResult<StaffPerson, StaffInputErrorCode> {
  const picked = text(raw.person);
  const email = text(raw.email).toLowerCase();
  if (picked) {
    return GUID.test(picked) ? { ok: true, value: { aadObjectId: picked.toLowerCase() } } : { ok: false, errors: [{ field: 'person', code: 'invalid-aad-object-id' }] };
  }
  if (!email) return { ok: false, errors: [{ field: 'email', code: 'required' }] };
  if (email.length > MAX_EMAIL || !EMAIL.test(email)) return { ok: false, errors: [{ field: 'email', code: 'invalid-email' }] };
  return { ok: true, value: { email } };
}

/** Role and office; a coordinator needs an office, the others may have one. */
export function parseStaffRole(raw: Record<string, unknown>, offices: readonly string[]): ParseResult<StaffRoleInput, StaffInputErrorCode> {
  const errors: FieldError<StaffInputErrorCode>[] = [];
  const roleText = text(raw.role);
  const role = STAFF_ROLES.find((r) => r === roleText.toLowerCase());
  if (!roleText) errors.push({ field: 'role', code: 'required' });
  else if (!role) errors.push({ field: 'role', code: 'unknown-role', params: { value: roleText } });
  const officeText = text(raw.office);
  const office = offices.find((o) => o === officeText.toLowerCase());
  if (officeText && !office) errors.push({ field: 'office', code: 'unknown-office', params: { value: officeText } });
  if (!officeText && role === 'coordinator') errors.push({ field: 'office', code: 'office-required' });
  if (errors.length > 0 || !role) return { ok: false, errors };
  return { ok: true, value: office ? { role, office } : { role } };
}
