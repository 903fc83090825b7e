// What a card is rendered with, for the feedback cards of partners and staff.
import type { AppConfig } from '../config.js';
import type { Locale } from '../domain/types.js';
import type { Translate } from '../i18n.js';
import type { Turn } from './router.js';

/** What a card is rendered with: the reader's language and the configuration. */
export interface Presenter {
  t: Translate;
  locale: Locale;
  config: AppConfig;
}

export const presenterOf = (turn: Turn): Presenter => ({ t: turn.t, locale: turn.user.locale, config: turn.deps.config });
