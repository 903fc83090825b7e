// Turns validation errors (codes from the domain) into lines in the user's language.
import type { FieldError } from './domain/field-errors.js';
import type { Translate } from './i18n.js';


/**
 * "Theme: this is required." The field label comes from `<form>.field.<name>`
 * (a numbered field such as date_3 uses `<form>.field.date` with {n}), the
 * message from `validation.<code>`.
 */
export function errorLines(t: Translate, form: string, errors: FieldError[]): string[] {
  return errors.map((e) => {
    const numbered = /^(\w+?)_(\d+)$/.exec(e.field);
    const label = numbered ? t(`${form}.field.${numbered[1]}`, { n: Number(numbered[2]) + 1 }) : t(`${form}.field.${e.field}`);
    return `${label}: ${t(`validation.${e.code}`, e.params ?? {})}`;
  });
}
