// A message to one partner as an e-mail: the text in their language, with
// personal links to the page showing it and to their my-data page.
import type { Card } from '../cards.js';
import { officeSender } from '../domain/office-name.js';
import type { Locale, Office } from '../domain/types.js';
import { renderHtml } from '../html-templates.js';
import { translator } from '../i18n.js';

export interface PartnerMessage {
  card: Card;
  /** The same message as an e-mail, in the partner's language. */
  subject: string;
  text: string;
  /** The partner's page showing this message on the web (linked from the e-mail, with their my-data page). */
  page?: { kind: 'office-feedback' | 'proposal'; ref: string; label: string };
}

/** `urls`: the partner's links, in order: the message's page (if it has one), then their my-data page. */
export function partnerEmail(message: PartnerMessage, to: string, office: Office, locale: Locale, urls: string[]) {
  const t = translator(locale);
  const labels = [...(message.page ? [message.page.label] : []), t('web.link.myData')];
  const links = urls.map((url, i) => ({ url, label: labels[i] }));
  return {
    to,
    sender: officeSender(office, locale),
    subject: message.subject,
    text: [message.text, '', ...links.map((l) => t('web.link.line', l))].join('\n'),
    html: renderHtml('message', { lang: locale, title: message.subject, links }, { body: message.text }),
  };
}
