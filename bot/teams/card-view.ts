// What a coordinator's self-updating card (invitation progress, announcement
// status; rendered by renderSelfUpdatingCard in bot/cards.ts) is rendered for:
// the clicker's turn, or a stored card updated in the background.
import type { BotDeps } from '../deps.js';
import type { Locale } from '../domain/types.js';
import { translator, type Translate } from '../i18n.js';
import type { Turn } from './router.js';

export interface CardView {
  t: Translate;
  deps: BotDeps;
  locale: Locale;
  /** Teams user ids whose client refreshes the card by itself while its sends go on. */
  refreshUserIds: string[];
}

export const cardViewOf = (turn: Turn): CardView => ({
  t: turn.t,
  deps: turn.deps,
  locale: turn.user.locale,
  refreshUserIds: turn.teamsUserId ? [turn.teamsUserId] : [],
});

/** The view of a card kept in the data, in the language and for the user it was shown to. */
export const storedCardView = (deps: BotDeps, card: { locale: Locale; userId?: string }): CardView => ({
  t: translator(card.locale),
  deps,
  locale: card.locale,
  refreshUserIds: card.userId ? [card.userId] : [],
});
