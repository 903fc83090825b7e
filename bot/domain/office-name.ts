// The one way to show an office's name: in the reader's language, falling
// back to the office's own language (config validation guarantees that one).
import type { Locale, Office } from './types.js';

/** The office as the sender of a message to a reader of `locale`. */
export function officeSender(office: Pick<Office, 'name' | 'locale' | 'email'>, locale: Locale): { name: string; address: string } {
  return { name: officeName(office, locale), address: office.email };
}

export function officeName(office: Pick<Office, 'name' | 'locale'>, locale: Locale): string {
  const { name } = office;
  return typeof name === 'string' ? name : (name[locale] ?? name[office.locale] ?? '');
}

/** The office with this id; the first configured office when the id is not (or no longer) configured. */
export function officeOrFirst(offices: readonly Office[], officeId: string): Office {
  return offices.find((o) => o.id === officeId) ?? offices[0];
}
