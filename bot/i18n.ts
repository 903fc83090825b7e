// User-facing strings from config/locales/{fi,sv,en}/*.json (one file per
// feature, merged), written as ICU MessageFormat: `{name}` fills a value,
// `{count, plural, one {# kutsuttu} other {# kutsuttua}}` picks the form the
// language needs for a number. A missing key in one language falls back to
// English, then to the key itself (the locales test keeps the three languages
// complete and their messages alike).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPluralElement, isSelectElement, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
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

/** The arguments a message takes; `plurals` and `selects` name the options of each such argument. */
export interface MessageShape {
  argumentNames: string[];
  plurals: Record<string, string[]>;
  selects: Record<string, string[]>;
}

/**
 * Compiles one message. Tags are off: strings such as "plan <year>" are text.
 * Throws on a message that is not valid ICU.
 */
export function compileMessage(template: string, locale: Locale): IntlMessageFormat {
  return new IntlMessageFormat(template, locale, undefined, { ignoreTag: true });
}

export function messageShape(message: IntlMessageFormat): MessageShape {
  const shape: MessageShape = { argumentNames: [], plurals: {}, selects: {} };
  const visit = (elements: MessageFormatElement[]) => {
    for (const el of elements) {
      if (el.type === TYPE.literal || el.type === TYPE.pound || el.type === TYPE.tag) continue;
      if (!shape.argumentNames.includes(el.value)) shape.argumentNames.push(el.value);
      if (isPluralElement(el) || isSelectElement(el)) {
        (isPluralElement(el) ? shape.plurals : shape.selects)[el.value] = Object.keys(el.options);
        for (const option of Object.values(el.options)) visit(option.value);
      }
    }
  };
  visit(message.getAst());
  return shape;
}

interface CompiledMessage {
  format: IntlMessageFormat;
  /** A missing value renders as its own "{name}", as the plain placeholders did. */
  unfilled: Record<string, string>;
}

const strings = Object.fromEntries(LOCALES.map((l) => [l, loadLocaleStrings(l)])) as Record<Locale, Record<string, string>>;
// Compiled once per locale and key, on first use: the translator is on every reply's path.
const compiled = Object.fromEntries(LOCALES.map((l) => [l, new Map<string, CompiledMessage>()])) as Record<Locale, Map<string, CompiledMessage>>;

function compiledMessage(locale: Locale, key: string): CompiledMessage | undefined {
  const template = strings[locale][key];
  if (template === undefined) return locale === 'en' ? undefined : compiledMessage('en', key);
  let message = compiled[locale].get(key);
  if (!message) {
    const format = compileMessage(template, locale);
    const unfilled = Object.fromEntries(messageShape(format).argumentNames.map((name) => [name, `{${name}}`]));
    message = { format, unfilled };
    compiled[locale].set(key, message);
  }
  return message;
}

export function translator(locale: Locale): Translate {
  return (key, params = {}) => {
    const message = compiledMessage(locale, key);
    return message ? String(message.format.format({ ...message.unfilled, ...params })) : key;
  };
}

/** Picks fi, sv or en from a Teams locale such as "fi-FI" or "sv-se"; null when none matches. */
export function localeFrom(teamsLocale: string | undefined): Locale | null {
  const prefix = teamsLocale?.toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(prefix ?? '') ? (prefix as Locale) : null;
}
