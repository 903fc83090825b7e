// The public pages a Teams app links to from its details: about, privacy and
// terms of use. Plain HTML in the reader's language, no scripts.
import type { AppConfig } from '../config.js';
import { html, type Html } from '../domain/html.js';
import { officeName } from '../domain/office-name.js';
import type { Locale } from '../domain/types.js';
import { localeFrom, translator, type Translate } from '../i18n.js';

export const INFO_PAGES = ['about', 'privacy', 'terms'] as const;
export type InfoPage = (typeof INFO_PAGES)[number];

/** ?lang= first, then the browser's Accept-Language, then the default office's language. */
export function infoPageLocale(config: AppConfig, lang: string | undefined, acceptLanguage: string | undefined): Locale {
  const candidates = [lang, ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0].trim())];
  for (const candidate of candidates) {
    const locale = localeFrom(candidate);
    if (locale) return locale;
  }
  return config.offices.find((o) => o.id === config.defaultOffice)?.locale ?? 'en';
}

function paragraphs(t: Translate, keys: string[], params: Record<string, number> = {}): Html[] {
  return keys.map((key) => html`<p>${t(key, params)}</p>`);
}

function contacts(config: AppConfig, locale: Locale): Html {
  return html`<ul>${config.offices.map((o) => html`<li>${officeName(o, locale)}: <a href="mailto:${o.email}">${o.email}</a></li>`)}</ul>`;
}

function body(page: InfoPage, t: Translate, config: AppConfig, locale: Locale): Html[] {
  switch (page) {
    case 'about':
      return [html`<p>${t('teamsApp.description.full')}</p><h2>${t('page.contact')}</h2>`, contacts(config, locale)];
    case 'privacy':
      return [
        ...paragraphs(t, ['page.privacy.stored', 'page.privacy.purpose', 'page.privacy.see', 'page.privacy.erase']),
        ...paragraphs(t, ['page.privacy.retention'], { days: config.retention.personalDataDays }),
        ...paragraphs(t, ['page.privacy.anonymity'], { minimum: config.feedback.anonymityMinimum }),
        ...paragraphs(t, ['page.privacy.contact']),
        contacts(config, locale),
      ];
    case 'terms':
      return [...paragraphs(t, ['page.terms.purpose', 'page.terms.content', 'page.terms.visibility', 'page.terms.service']), contacts(config, locale)];
  }
}

export function renderInfoPage(page: InfoPage, locale: Locale, config: AppConfig): string {
  const t = translator(locale);
  const title = page === 'about' ? t('teamsApp.name.full') : t(`page.nav.${page}`);
  // Relative links keep working behind a proxy that serves Sidos under a path.
  const nav = INFO_PAGES.map((p) => html`<a href="${p}?lang=${locale}">${t(`page.nav.${p}`)}</a>`);
  return html`<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; } nav a { margin-right: 1rem; }</style>
</head>
<body>
<nav>${nav}</nav>
<main>
<h1>${title}</h1>
${body(page, t, config, locale)}
</main>
</body>
</html>
`.text;
}
