import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../bot/domain/commands.js';
import { LOCALES, ROLES } from '../bot/domain/types.js';
import { loadLocaleStrings, localeFrom, translator } from '../bot/i18n.js';

describe('locales', () => {
  const files = Object.fromEntries(LOCALES.map((l) => [l, loadLocaleStrings(l)]));

  it('fi, sv and en have exactly the same keys, none empty', () => {
    const keys = Object.keys(files.en).sort();
    for (const locale of LOCALES) {
      expect(Object.keys(files[locale]).sort(), locale).toEqual(keys);
      for (const [key, value] of Object.entries(files[locale])) expect(value.trim(), `${locale}:${key}`).not.toBe('');
    }
  });

  it('uses the same {placeholders} in every language', () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(files.en)) {
      for (const locale of LOCALES) expect(placeholders(files[locale][key]), `${locale}:${key}`).toEqual(placeholders(files.en[key]));
    }
  });

  it('has a title and description for every command and a name for every role', () => {
    for (const c of COMMANDS) {
      expect(files.en).toHaveProperty(`cmd.${c}.title`);
      expect(files.en).toHaveProperty(`cmd.${c}.description`);
    }
    for (const r of ROLES) expect(files.en).toHaveProperty(`role.${r}`);
  });

  it('fills placeholders and picks the language from a Teams locale', () => {
    expect(translator('sv')('error.notAllowed', { roles: 'koordinator' })).toBe('Tyvärr är det här bara för: koordinator. Ingenting ändrades.');
    expect(localeFrom('fi-FI')).toBe('fi');
    expect(localeFrom('sv-se')).toBe('sv');
    expect(localeFrom('en_GB')).toBe('en');
    expect(localeFrom('de-DE')).toBeNull();
    expect(localeFrom(undefined)).toBeNull();
  });
});
