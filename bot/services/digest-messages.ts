// The digest as its readers get it: labels in their language, the e-mail to the
// national addresses, and the HTML and CSV files behind the digest links.
import type { AppConfig } from '../config.js';
import type { Digest } from '../domain/digest.js';
import { DIGEST_LABEL_KEYS, digestToCsv, digestToHtml } from '../domain/digest-render.js';
import { officeName, officeSender } from '../domain/office-name.js';
import type { Locale } from '../domain/types.js';
import { translator } from '../i18n.js';
import type { FileDownload } from './downloads.js';

const defaultOffice = (config: AppConfig) => config.offices.find((o) => o.id === config.defaultOffice) ?? config.offices[0];

/** The language of digests that have no reader's language: e-mails and links without ?lang=. */
export function defaultDigestLocale(config: AppConfig): Locale {
  return defaultOffice(config).locale;
}

/** Translated labels for digestToHtml / digestToCsv, office and segment names included. */
export function digestLabels(config: AppConfig, locale: Locale): Record<string, string> {
  const t = translator(locale);
  const labels: Record<string, string> = { locale };
  for (const key of DIGEST_LABEL_KEYS) if (key !== 'locale') labels[key] = t(`digest.label.${key}`);
  for (const office of config.offices) labels[`office.${office.id}`] = officeName(office, locale);
  for (const segment of config.segments) labels[`segment.${segment.id}`] = segment.name[locale];
  return labels;
}

/** The e-mail to the national addresses, in the default office's language, with the CSV attached. */
export async function digestEmail(config: AppConfig, digest: Digest) {
  const locale = defaultDigestLocale(config);
  const t = translator(locale);
  const labels = digestLabels(config, locale);
  return {
    // The digest covers every office; it comes from the default one.
    sender: officeSender(defaultOffice(config), locale),
    subject: t('digest.email.subject', { period: digest.periodKey }),
    text: t('digest.email.text', { period: digest.periodKey }),
    html: await digestToHtml(digest, labels),
    attachments: [{ filename: `sidos-digest-${digest.periodKey}.csv`, content: digestToCsv(digest, labels), contentType: 'text/csv; charset=utf-8' }],
  };
}

/** The digest as a file: HTML (shown in the browser) or CSV, named after its period (and office). */
export async function digestFile(config: AppConfig, digest: Digest, format: 'html' | 'csv', locale: Locale, officeId?: string): Promise<FileDownload> {
  const labels = digestLabels(config, locale);
  const fileName = ['sidos-digest', digest.periodKey, officeId].filter(Boolean).join('-');
  return format === 'html'
    ? { contentType: 'text/html; charset=utf-8', fileName: `${fileName}.html`, body: await digestToHtml(digest, labels), inline: true }
    : { contentType: 'text/csv; charset=utf-8', fileName: `${fileName}.csv`, body: digestToCsv(digest, labels) };
}
