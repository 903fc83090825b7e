// Teams silently refuses a message over its size limit: app.ts logs the cards
// over the budget as they go out.
import { CARD_BUDGET_BYTES, cardBytes } from '../cards.js';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** The parts of an outgoing activity that can hold a card (plain, so no framework type leaks here). */
export interface OutgoingActivity {
  type?: string;
  text?: string;
  attachments?: { contentType: string; content?: unknown }[];
  value?: { body?: { type?: string; value?: unknown } };
}

/** The sizes of the Adaptive Cards in an outgoing activity (attachments or a card action's reply) that are over the budget. */
export function oversizedCards(activity: OutgoingActivity): number[] {
  const reply = activity.type === 'invokeResponse' ? activity.value?.body : undefined;
  const cards = [
    ...(activity.attachments ?? []).filter((a) => a.contentType === ADAPTIVE_CARD).map((a) => a.content),
    ...(reply?.type === ADAPTIVE_CARD ? [reply.value] : []),
  ];
  return cards.map(cardBytes).filter((bytes) => bytes > CARD_BUDGET_BYTES);
}
