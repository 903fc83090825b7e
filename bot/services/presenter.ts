// What the feedback cards and messages are rendered with.
import type { AppConfig } from '../config.js';
import type { Locale } from '../domain/types.js';
import type { Translate } from '../i18n.js';

/** What a card is rendered with: the reader's language and the configuration. */
export interface Presenter {
  t: Translate;
  locale: Locale;
  config: AppConfig;
}
