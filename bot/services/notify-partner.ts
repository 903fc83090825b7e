// Tells one partner something: in their personal Teams chat when the bot has
// one, otherwise (or when Teams keeps failing) by e-mail when SMTP is set up.
// Both ways are recorded under an idempotency key, so nothing goes out twice.
import type { Card } from '../cards.js';
import type { AppConfig } from '../config.js';
import type { EmailDelivery } from '../delivery/email-delivery.js';
import type { TeamsDelivery } from '../delivery/teams-delivery.js';
import { officeSender } from '../domain/office-name.js';
import type { Partner } from '../domain/types.js';
import { renderHtml } from '../html-templates.js';
import type { RecordStore } from '../store/records.js';
import { translator } from '../i18n.js';
import { personalChatOf } from './conversations.js';
import { issuePartnerLinks, type PartnerLinkRequest } from './partner-links.js';
import { languageOf } from './people.js';

export interface NotifyPorts {
  /** The offices (a partner's own office is the sender of their e-mails) and the settings of personal page links. */
  config: Pick<AppConfig, 'offices' | 'publicBaseUrl' | 'links'>;
  records: RecordStore;
  delivery: TeamsDelivery;
  /** null when SMTP_URL is not set. */
  email: EmailDelivery | null;
  log: (line: string) => void;
}

export interface PartnerMessage {
  card: Card;
  /** The same message as an e-mail, in the partner's language. */
  subject: string;
  text: string;
  /** The partner's page showing this message on the web (linked from the e-mail, with their my-data page). */
  page?: { kind: 'office-feedback' | 'proposal'; ref: string; label: string };
}

/** How the partner was reached: 'none' when there is neither a Teams chat nor SMTP. */
export type NotifyResult = 'teams' | 'email' | 'none' | 'failed';

const emailKey = (key: string) => `email:${key}`;

export async function notifyPartner(
  ports: NotifyPorts,
  partner: Partner,
  key: string,
  message: PartnerMessage,
  what: string,
  now: Date,
): Promise<NotifyResult> {
  const chat = await personalChatOf(ports.records, partner.aadObjectId);
  if (chat) {
    const sent = await ports.delivery.send(key, chat.id, { card: message.card }, what);
    if (sent !== 'failed') return 'teams';
  }
  if (!ports.email || !partner.email) return chat ? 'failed' : 'none';
  const office = ports.config.offices.find((o) => o.id === partner.officeId) ?? ports.config.offices[0];
  const locale = languageOf(partner);
  const t = translator(locale);
  const pages: PartnerLinkRequest[] = [...(message.page ? [{ kind: message.page.kind, ref: message.page.ref }] : []), { kind: 'my-data', ref: partner.id }];
  const urls = await ports.records.transaction((tx) => issuePartnerLinks(tx, ports.config, pages.map((page) => ({ ...page, partnerId: partner.id })), now));
  const labels = [...(message.page ? [message.page.label] : []), t('web.link.myData')];
  const links = urls.map((url, i) => ({ url, label: labels[i] }));
  const email = {
    to: partner.email,
    sender: officeSender(office, locale),
    subject: message.subject,
    text: [message.text, '', ...links.map((l) => t('web.link.line', l))].join('\n'),
    html: renderHtml('message', { lang: locale, title: message.subject, links }, { body: message.text }),
  };
  const sent = await ports.email.send(emailKey(key), partner.id, email, what);
  return sent === 'failed' ? 'failed' : 'email';
}
