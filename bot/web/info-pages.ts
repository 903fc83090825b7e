// The public pages a Teams app links to from its details: about, privacy and
// terms of use. Plain HTML in the reader's language, no scripts.
import type { AppConfig } from '../config.js';
import { officeName } from '../domain/office-name.js';
import type { Locale } from '../domain/types.js';
import { renderPage } from '../html-templates.js';
import { localeFrom, translator, type Translate } from '../i18n.js';
import { pageFrame } from './page-frame.js';

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

function paragraphs(t: Translate, page: InfoPage, config: AppConfig): string[] {
  switch (page) {
    case 'about':
      return [t('teamsApp.description.full')];
    case 'privacy':
      return [
        ...['page.privacy.stored', 'page.privacy.purpose', 'page.privacy.see', 'page.privacy.erase'].map((key) => t(key)),
        t('page.privacy.retention', { days: config.retention.personalDataDays }),
        t('page.privacy.anonymity', { minimum: config.feedback.anonymityMinimum }),
        t('page.privacy.contact'),
      ];
    case 'terms':
      return ['page.terms.purpose', 'page.terms.content', 'page.terms.visibility', 'page.terms.service'].map((key) => t(key));
  }
}

export function renderInfoPage(page: InfoPage, locale: Locale, config: AppConfig): string {
  const t = translator(locale);
  const title = page === 'about' ? t('teamsApp.name.full') : t(`page.nav.${page}`);
  // Relative links keep working behind a proxy that serves Sidos under a path.
  const frame = pageFrame(locale, title, {
    stylesheet: 'p/assets/sidos.css',
    href: (lang) => `${page}?lang=${lang}`,
    nav: INFO_PAGES.map((p) => ({ href: `${p}?lang=${locale}`, label: t(`page.nav.${p}`) })),
  });
  return renderPage('info', frame, {
    paragraphs: paragraphs(t, page, config),
    contactHeading: page === 'about' ? t('page.contact') : '',
    contacts: config.offices.map((o) => ({ name: officeName(o, locale), email: o.email })),
  });
}
