// The one way a card shows a long list page by page: "Showing 51–100 of 1,002"
// and Previous / Next buttons under the list. The buttons send the list's own
// verb with what the list is filtered by plus the page, so the handler that
// drew the card draws the next page (and checks roles) as any other click.
import { renderCard, type Card } from '../cards.js';
import type { Page } from '../domain/paging.js';
import type { Locale } from '../domain/types.js';
import type { Translate } from '../i18n.js';

export interface PagerAction {
  verb: string;
  /** Card data kept from page to page (a filter, a year). */
  keep?: Record<string, string | number>;
}

/** The card with the pager appended to its body; unchanged when everything fits on one page. */
export function withPager(card: Card, reader: { t: Translate; locale: Locale }, page: Page, action: PagerAction): Card {
  if (page.count <= 1) return card;
  const number = new Intl.NumberFormat(reader.locale);
  const keep = action.keep ?? {};
  const pager = renderCard('pager', {
    showing: reader.t('paging.showing', { from: number.format(page.start + 1), to: number.format(page.end), total: number.format(page.total) }),
    verb: action.verb,
    hasPrevious: page.index > 0,
    hasNext: page.index < page.count - 1,
    previous: { ...keep, page: page.index - 1 },
    next: { ...keep, page: page.index + 1 },
    labels: { previous: reader.t('paging.previous'), next: reader.t('paging.next') },
  });
  return { ...card, body: [...(card.body as unknown[]), ...(pager.body as unknown[])] };
}
