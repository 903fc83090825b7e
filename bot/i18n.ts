// User-facing strings from config/locales/{fi,sv,en}/*.json (one file per
// feature, merged). A missing key in one language falls back to English, then
// to the key itself (the locales test keeps the three languages complete).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCALES, type Locale } from './domain/types.js';

export type Translate = (key: string, params?: Record<string, string | number>) => string;

const LOCALE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../config/locales');

export function loadLocaleStrings(locale: Locale): Record<string, string> {
  const dir = resolve(LOCALE_DIR, locale);
  const merged: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const strings = JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as Record<string, string>;
    for (const key of Object.keys(strings)) {
      if (key in merged) throw new Error(`config/locales/${locale}/${file}: key "${key}" is defined twice`);
    }
    Object.assign(merged, strings);
  }
  return merged;
}

const strings = Object.fromEntries(LOCALES.map((l) => [l, loadLocaleStrings(l)])) as Record<Locale, Record<string, string>>;

export function translator(locale: Locale): Translate {
  return (key, params = {}) => {
    const template = strings[locale][key] ?? strings.en[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

/** Picks fi, sv or en from a Teams locale such as "fi-FI" or "sv-se"; null when none matches. */
export function localeFrom(teamsLocale: string | undefined): Locale | null {
  const prefix = teamsLocale?.toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(prefix ?? '') ? (prefix as Locale) : null;
}
