// Teams silently refuses a message over its size limit, so a card that has
// outgrown the budget is logged as it goes out: messages, card action replies
// and proactive sends all pass through the adapter's middleware.
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { CARD_BUDGET_BYTES, cardBytes } from '../cards.js';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** The sizes of the Adaptive Cards in an outgoing activity (attachments or a card action's reply) that are over the budget. */
export function oversizedCards(activity: Partial<Activity>): number[] {
  const reply = activity.type === 'invokeResponse' ? activity.value?.body : undefined;
  const cards = [
    ...(activity.attachments ?? []).filter((a) => a.contentType === ADAPTIVE_CARD).map((a) => a.content),
    ...(reply?.type === ADAPTIVE_CARD ? [reply.value] : []),
  ];
  return cards.map(cardBytes).filter((bytes) => bytes > CARD_BUDGET_BYTES);
}

export function cardSizeGuard(log: (line: string) => void): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>) {
      context.onSendActivities(async (_context, activities, send) => {
        for (const activity of activities) {
          for (const bytes of oversizedCards(activity)) {
            log(`card of ${bytes} bytes in a ${activity.type} is over the ${CARD_BUDGET_BYTES}-byte budget: Teams may refuse it`);
          }
        }
        return send();
      });
      await next();
    },
  };
}
