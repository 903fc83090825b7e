// Tells one partner something: in their personal Teams chat when the bot has
// one, otherwise (or when Teams keeps failing) by e-mail when SMTP is set up.
// Both ways are recorded under an idempotency key, so nothing goes out twice.
import type { AppConfig } from '../config.js';
import type { EmailDelivery } from '../delivery/email-delivery.js';
import type { TeamsDelivery } from '../delivery/teams-delivery.js';
import type { Partner } from '../domain/types.js';
import type { RecordStore } from '../store/records.js';
import { personalChatOf } from './conversations.js';
import { issuePartnerLinks, type PartnerLinkRequest } from './partner-links.js';
import { partnerEmail, type PartnerMessage } from './partner-messages.js';
import { languageOf } from './people.js';
import { officeOrFirst } from '../domain/office-name.js';

export interface NotifyPorts {
  /** The offices (a partner's own office is the sender of their e-mails) and the settings of personal page links. */
  config: Pick<AppConfig, 'offices' | 'publicBaseUrl' | 'links'>;
  records: RecordStore;
  delivery: TeamsDelivery;
  /** null when SMTP_URL is not set. */
  email: EmailDelivery | null;
  log: (line: string) => void;
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
  const office = officeOrFirst(ports.config.offices, partner.officeId);
  const pages: PartnerLinkRequest[] = [...(message.page ? [{ kind: message.page.kind, ref: message.page.ref }] : []), { kind: 'my-data', ref: partner.id }];
  const urls = await ports.records.transaction((tx) => issuePartnerLinks(tx, ports.config, pages.map((page) => ({ ...page, partnerId: partner.id })), now));
  const email = partnerEmail(message, partner.email, office, languageOf(partner), urls);
  const sent = await ports.email.send(emailKey(key), partner.id, email, what);
  return sent === 'failed' ? 'failed' : 'email';
}
