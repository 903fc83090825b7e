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
import type { Store } from '../store/store.js';
import { personalConversation } from './conversations.js';
import { languageOf } from './people.js';

export interface NotifyPorts {
  /** The offices: a partner's own office is the sender of their e-mails. */
  config: Pick<AppConfig, 'offices'>;
  store: Store;
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
  const chat = personalConversation(ports.store, partner.aadObjectId);
  if (chat) {
    const sent = await ports.delivery.send(key, chat.id, { card: message.card }, what);
    if (sent !== 'failed') return 'teams';
  }
  if (!ports.email || !partner.email) return chat ? 'failed' : 'none';
  const office = ports.config.offices.find((o) => o.id === partner.officeId) ?? ports.config.offices[0];
  const locale = languageOf(partner);
  const email = {
    to: partner.email,
    sender: officeSender(office, locale),
    subject: message.subject,
    text: message.text,
    html: renderHtml('message', { lang: locale, title: message.subject }, { body: message.text }),
  };
  const sent = await ports.email.send(emailKey(key), partner.id, email, what);
  return sent === 'failed' ? 'failed' : 'email';
}
