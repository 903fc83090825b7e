import { isLiteralElement, isPluralElement, isSelectElement, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { buildRoutes } from '../bot/teams/routes.js';
import { LOCALES, ROLES } from '../bot/domain/types.js';
import { compileMessage, loadLocaleStrings, localeFrom, messageShape, translator } from '../bot/i18n.js';

describe('locales', () => {
  const files = Object.fromEntries(LOCALES.map((l) => [l, loadLocaleStrings(l)]));
  const shape = (locale: (typeof LOCALES)[number], key: string) => messageShape(compileMessage(files[locale][key], locale));

  it('fi, sv and en have exactly the same keys, none empty', () => {
    const keys = Object.keys(files.en).sort();
    for (const locale of LOCALES) {
      expect(Object.keys(files[locale]).sort(), locale).toEqual(keys);
      for (const [key, value] of Object.entries(files[locale])) expect(value.trim(), `${locale}:${key}`).not.toBe('');
    }
  });

  it('every message is valid ICU MessageFormat in every language', () => {
    for (const locale of LOCALES) {
      for (const [key, value] of Object.entries(files[locale])) expect(() => compileMessage(value, locale), `${locale}:${key}`).not.toThrow();
    }
  });

  it('reads every {name} in a message as a value, none quoted into text by an apostrophe', () => {
    // ICU reads '{ as the start of quoted text: a placeholder there would show as "{name}".
    const literalText = (elements: MessageFormatElement[]): string[] =>
      elements.flatMap((el) => [
        ...(isLiteralElement(el) ? [el.value] : []),
        ...(isPluralElement(el) || isSelectElement(el) ? Object.values(el.options).flatMap((option) => literalText(option.value)) : []),
      ]);
    const quotedPlaceholders = (template: string, locale: (typeof LOCALES)[number]) =>
      literalText(compileMessage(template, locale).getAst()).filter((text) => /\{\w+\}/.test(text));
    for (const locale of LOCALES) {
      for (const [key, template] of Object.entries(files[locale])) expect(quotedPlaceholders(template, locale), `${locale}:${key}`).toEqual([]);
    }
    expect(quotedPlaceholders("Theme '{theme}'", 'en')).toEqual(['Theme {theme}']);
  });

  it('uses the same arguments in every language, and the same plural and select arguments', () => {
    for (const key of Object.keys(files.en)) {
      const en = shape('en', key);
      for (const locale of LOCALES) {
        const other = shape(locale, key);
        expect(other.argumentNames.sort(), `${locale}:${key}`).toEqual(en.argumentNames.sort());
        expect(Object.keys(other.plurals).sort(), `${locale}:${key} plurals`).toEqual(Object.keys(en.plurals).sort());
        expect(Object.keys(other.selects).sort(), `${locale}:${key} selects`).toEqual(Object.keys(en.selects).sort());
        for (const [name, options] of Object.entries(other.plurals)) expect(options, `${locale}:${key} {${name}, plural}`).toEqual(expect.arrayContaining(['one', 'other']));
        for (const [name, options] of Object.entries(other.selects)) expect(options, `${locale}:${key} {${name}, select}`).toContain('other');
      }
    }
  });

  it('renders every message without plural or select exactly as plain {name} replacement did', () => {
    let compared = 0;
    for (const locale of LOCALES) {
      const t = translator(locale);
      for (const [key, template] of Object.entries(files[locale])) {
        const { argumentNames, plurals, selects } = shape(locale, key);
        if (Object.keys(plurals).length + Object.keys(selects).length > 0) continue;
        const params = Object.fromEntries(argumentNames.map((name) => [name, `‹${name}›`]));
        const plain = template.replace(/\{(\w+)\}/g, (_whole, name: string) => params[name]);
        expect(t(key, params), `${locale}:${key}`).toBe(plain);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(LOCALES.length * 300);
  });

  it('keeps a value that was not given as its {name}, as the digest labels expect', () => {
    expect(translator('en')('digest.label.suppressed')).toContain('fewer than {minimum} answers');
  });

  it('keeps the digest labels to plain {name} placeholders, which the HTML and CSV digest fills itself', () => {
    for (const locale of LOCALES) {
      for (const key of Object.keys(files[locale]).filter((k) => k.startsWith('digest.label.'))) {
        const { plurals, selects } = shape(locale, key);
        expect({ plurals, selects }, `${locale}:${key}`).toEqual({ plurals: {}, selects: {} });
      }
    }
  });

  it('puts counts in the right form: 1 and 5 in each language', () => {
    const cases: [string, Record<string, number>, Record<(typeof LOCALES)[number], [string, string]>][] = [
      ['meetings.answers', { invited: 0, accepted: 0, tentative: 0, declined: 0, waiting: 0 }, { fi: ['1 kutsuttu ·', '5 kutsuttua ·'], sv: ['1 inbjuden ·', '5 inbjudna ·'], en: ['1 invited ·', '5 invited ·'] }],
      ['partner.list.summary', { limit: 50 }, { fi: ['on 1 kumppani –', 'on 5 kumppania –'], sv: ['har 1 partner –', 'har 5 partner –'], en: ['has 1 partner –', 'has 5 partners –'] }],
      ['feedback.staff.hidden', {}, { fi: ['Alle 1 vastaus –', 'Alle 5 vastausta –'], sv: ['Färre än 1 svar –', 'Färre än 5 svar –'], en: ['Fewer than 1 answer –', 'Fewer than 5 answers –'] }],
      ['validation.count-mismatch', { subThemes: 1 }, { fi: ['1 tapaaminen mutta 1 alateema;', '5 tapaamista mutta 1 alateema;'], sv: ['1 möte men 1 deltema;', '5 möten men 1 deltema;'], en: ['1 meeting but 1 sub-theme;', '5 meetings but 1 sub-theme;'] }],
      ['import.report.more', {}, { fi: ['ja 1 muu hylätty rivi.', 'ja 5 muuta hylättyä riviä.'], sv: ['och 1 avvisad rad till.', 'och 5 avvisade rader till.'], en: ['and 1 more rejected row.', 'and 5 more rejected rows.'] }],
      ['privacy.linkNote', {}, { fi: ['toimii 1 tunnin.', 'toimii 5 tuntia.'], sv: ['i 1 timme.', 'i 5 timmar.'], en: ['for 1 hour.', 'for 5 hours.'] }],
    ];
    for (const [key, params, expected] of cases) {
      const counted = Object.keys(shape('en', key).plurals)[0];
      for (const locale of LOCALES) {
        const t = translator(locale);
        expect(t(key, { ...params, [counted]: 1 }), `${locale}:${key} 1`).toContain(expected[locale][0]);
        expect(t(key, { ...params, [counted]: 5 }), `${locale}:${key} 5`).toContain(expected[locale][1]);
      }
    }
  });

  it('names the office with one word per language: toimisto in Finnish, kontor in Swedish', () => {
    for (const [key, value] of Object.entries(files.fi)) expect(value, `fi:${key}`).not.toMatch(/virasto/i);
    for (const [key, value] of Object.entries(files.sv)) expect(value, `sv:${key}`).not.toMatch(/ämbetsverk/i);
  });

  it('has a title and description for every command and a name for every role', () => {
    for (const { name } of buildRoutes().commands) {
      expect(files.en).toHaveProperty(`cmd.${name}.title`);
      expect(files.en).toHaveProperty(`cmd.${name}.description`);
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
