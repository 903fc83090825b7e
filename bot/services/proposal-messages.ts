// What a proposal's author is told when it is decided on, in their language.
import { renderCard } from '../cards.js';
import type { Partner, Proposal } from '../domain/types.js';
import { translator } from '../i18n.js';
import type { PartnerMessage } from './partner-messages.js';
import { languageOf } from './people.js';

/** The "you said, we did" message to a proposal's author, as a card and as an e-mail. */
export function authorMessage(author: Partner, proposal: Proposal, reason: string | undefined): PartnerMessage {
  const t = translator(languageOf(author));
  const status = t(`proposals.status.${proposal.status}`);
  const data = {
    title: t('proposals.notice.title', { status }),
    youSaidLabel: t('proposals.notice.youSaid'),
    youSaid: proposal.text,
    weDidLabel: t('proposals.notice.weDid'),
    weDid: t(`proposals.notice.decided.${proposal.status}`),
    reason: reason ?? '',
    closing: t(`proposals.notice.closing.${proposal.level}`),
  };
  const text = [
    data.title,
    '',
    `${data.youSaidLabel}: ${data.youSaid}`,
    '',
    `${data.weDidLabel}: ${data.weDid}${reason ? ` ${reason}` : ''}`,
    '',
    data.closing,
  ].join('\n');
  const page = { kind: 'proposal' as const, ref: proposal.id, label: t('web.link.proposal') };
  return { card: renderCard('proposal-notice', data), subject: data.title, text, page };
}
