import { describe, expect, it } from 'vitest';
import { pageOf, paginate, requestedPage } from '../bot/domain/paging.js';

describe('paging', () => {
  it('cuts a list into pages and says which items a page holds', () => {
    expect(pageOf(1002, 1, 50)).toEqual({ index: 1, count: 21, total: 1002, start: 50, end: 100 });
    expect(pageOf(1002, 20, 50)).toEqual({ index: 20, count: 21, total: 1002, start: 1000, end: 1002 });
    expect(paginate(['a', 'b', 'c', 'd', 'e'], 2, 2)).toEqual({ page: { index: 2, count: 3, total: 5, start: 4, end: 5 }, shown: ['e'] });
  });

  it('an empty list is one empty page', () => {
    expect(pageOf(0, 3, 50)).toEqual({ index: 0, count: 1, total: 0, start: 0, end: 0 });
  });

  it('clamps a stale page (the list got shorter) to the last page, and a bad one to the first', () => {
    expect(pageOf(60, 7, 50).index).toBe(1);
    for (const bad of [-1, 'x', null, undefined, {}, Number.NaN, Infinity]) expect(pageOf(60, bad, 50).index, String(bad)).toBe(0);
    expect(pageOf(60, '1', 50).index).toBe(1);
    expect(pageOf(60, 1.7, 50).index).toBe(1);
  });

  it('reads a page number from card data as a whole number, 0 or more', () => {
    expect([3, '3', 3.9, -2, 'abc', null].map(requestedPage)).toEqual([3, 3, 3, 0, 0, 0]);
  });

  it('a crafted object that cannot be turned into a number is the first page, not an error', () => {
    expect(requestedPage({ valueOf: 'x', toString: 'y' })).toBe(0);
    expect(requestedPage([2])).toBe(0);
  });
});
