// The frame every Sidos web page shares: its language, the stylesheet and the
// language switch (the same page with ?lang=).
import { LOCALES, type Locale } from '../domain/types.js';
import type { PageFrame } from '../html-templates.js';
import { translator } from '../i18n.js';

/** `href(lang)`: the page's own address in another language, relative to the page. */
export function pageFrame(
  locale: Locale,
  title: string,
  options: { stylesheet: string; href: (lang: Locale) => string; nav?: PageFrame['nav'] },
): PageFrame {
  const t = translator(locale);
  return {
    lang: locale,
    title,
    stylesheet: options.stylesheet,
    languages: LOCALES.map((lang) => ({ href: options.href(lang), label: translator(lang)('web.languageName'), lang, current: lang === locale })),
    languagesLabel: t('web.languages'),
    nav: options.nav ?? [],
    navLabel: t('web.pages'),
  };
}
