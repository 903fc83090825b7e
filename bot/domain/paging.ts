// One page of a long list. Page numbers come back from card buttons and can be
// stale (the list changed between clicks) or crafted: they are clamped to a
// page that exists, never an error.

export interface Page {
  /** 0-based, always within 0 … count - 1. */
  index: number;
  /** Number of pages; 1 for an empty list. */
  count: number;
  total: number;
  /** Items start … end - 1 are on this page. */
  start: number;
  end: number;
}

/** A page number from card data as a whole number ≥ 0; anything else is the first page. */
export function requestedPage(value: unknown): number {
  // Only a number or a text: converting a crafted object (e.g. { valueOf: "x" }) would throw.
  const asked = typeof value === 'number' || typeof value === 'string' ? Math.floor(Number(value)) : NaN;
  return Number.isFinite(asked) ? Math.max(0, asked) : 0;
}

export function pageOf(total: number, requested: unknown, size: number): Page {
  const count = Math.max(1, Math.ceil(total / size));
  const index = Math.min(requestedPage(requested), count - 1);
  const start = index * size;
  return { index, count, total, start, end: Math.min(total, start + size) };
}

/** The items of a page of `items`, with the page. */
export function paginate<T>(items: readonly T[], requested: unknown, size: number): { page: Page; shown: T[] } {
  const page = pageOf(items.length, requested, size);
  return { page, shown: items.slice(page.start, page.end) };
}
