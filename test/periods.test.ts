import { describe, expect, it } from 'vitest';
import {
  lastCompletedPeriod,
  parsePeriodKey,
  periodBounds,
  periodContaining,
  periodKey,
  previousPeriod,
  type Period,
} from '../bot/domain/periods.js';

const HELSINKI = 'Europe/Helsinki';
const key = (p: Period) => periodKey(p);

describe('period keys', () => {
  it('formats weeks, months and quarters', () => {
    expect(periodKey({ kind: 'week', year: 2027, index: 5 })).toBe('2027-W05');
    expect(periodKey({ kind: 'month', year: 2027, index: 3 })).toBe('2027-03');
    expect(periodKey({ kind: 'quarter', year: 2027, index: 1 })).toBe('2027-Q1');
  });

  it('parses keys back to the same period', () => {
    for (const text of ['2027-W05', '2026-W53', '2027-03', '2027-12', '2027-Q1', '2027-Q4']) {
      const period = parsePeriodKey(text);
      expect(period).not.toBeNull();
      expect(key(period!)).toBe(text);
    }
    expect(parsePeriodKey('2027-W05')).toEqual({ kind: 'week', year: 2027, index: 5 });
  });

  it('rejects malformed keys and periods that do not exist', () => {
    for (const text of ['', '2027', '2027-W5', '2027-W00', '2027-W53', '2027-00', '2027-13', '2027-Q0', '2027-Q5', '27-03', '2027-03 ', 'x2027-03']) {
      expect(parsePeriodKey(text), text).toBeNull();
    }
  });
});

describe('periodContaining', () => {
  it('uses ISO weeks, whose year can differ from the calendar year', () => {
    expect(key(periodContaining('2026-12-31T12:00:00.000Z', 'week', HELSINKI))).toBe('2026-W53');
    expect(key(periodContaining('2027-01-01T12:00:00.000Z', 'week', HELSINKI))).toBe('2026-W53');
    expect(key(periodContaining('2027-01-04T12:00:00.000Z', 'week', HELSINKI))).toBe('2027-W01');
    expect(key(periodContaining('2024-12-30T12:00:00.000Z', 'week', HELSINKI))).toBe('2025-W01');
  });

  it('decides by the local date in the time zone', () => {
    // 23:30 UTC on New Year's Eve is already 01:30 on 1 January in Helsinki.
    const instant = '2026-12-31T23:30:00.000Z';
    expect(key(periodContaining(instant, 'month', HELSINKI))).toBe('2027-01');
    expect(key(periodContaining(instant, 'month', 'UTC'))).toBe('2026-12');
    expect(key(periodContaining(instant, 'quarter', HELSINKI))).toBe('2027-Q1');
  });

  it('throws on a bad instant or zone', () => {
    expect(() => periodContaining('not a time', 'week', HELSINKI)).toThrow(RangeError);
    expect(() => periodContaining('2027-01-01T00:00:00.000Z', 'week', 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('periodBounds', () => {
  it('starts and ends at local midnight, following DST', () => {
    expect(periodBounds(parsePeriodKey('2027-Q1')!, HELSINKI)).toEqual({
      start: '2026-12-31T22:00:00.000Z',
      end: '2027-03-31T21:00:00.000Z',
    });
    // Summer time began on 28 March 2027, so Q2 starts at 00:00 EEST = 21:00 UTC.
    expect(periodBounds(parsePeriodKey('2027-Q2')!, HELSINKI)).toEqual({
      start: '2027-03-31T21:00:00.000Z',
      end: '2027-06-30T21:00:00.000Z',
    });
    expect(periodBounds(parsePeriodKey('2027-10')!, HELSINKI)).toEqual({
      start: '2027-09-30T21:00:00.000Z',
      end: '2027-10-31T22:00:00.000Z',
    });
  });

  it('gives a week with the DST change 167 hours', () => {
    const { start, end } = periodBounds(parsePeriodKey('2027-W12')!, HELSINKI);
    expect(start).toBe('2027-03-21T22:00:00.000Z');
    expect(end).toBe('2027-03-28T21:00:00.000Z');
    expect((Date.parse(end) - Date.parse(start)) / 3_600_000).toBe(167);
  });

  it('ends each period where the next one starts', () => {
    const w53 = periodBounds(parsePeriodKey('2026-W53')!, HELSINKI);
    expect(w53.start).toBe('2026-12-27T22:00:00.000Z');
    expect(w53.end).toBe(periodBounds(parsePeriodKey('2027-W01')!, HELSINKI).start);
  });

  it('throws on an unknown zone', () => {
    expect(() => periodBounds(parsePeriodKey('2027-03')!, 'Nowhere/Town')).toThrow(RangeError);
  });
});

describe('previousPeriod', () => {
  it('steps back across year boundaries', () => {
    expect(key(previousPeriod(parsePeriodKey('2027-W01')!))).toBe('2026-W53');
    expect(key(previousPeriod(parsePeriodKey('2026-W01')!))).toBe('2025-W52');
    expect(key(previousPeriod(parsePeriodKey('2027-01')!))).toBe('2026-12');
    expect(key(previousPeriod(parsePeriodKey('2027-Q1')!))).toBe('2026-Q4');
    expect(key(previousPeriod(parsePeriodKey('2027-W10')!))).toBe('2027-W09');
    expect(key(previousPeriod(parsePeriodKey('2027-03')!))).toBe('2027-02');
    expect(key(previousPeriod(parsePeriodKey('2027-Q3')!))).toBe('2027-Q2');
  });
});

describe('lastCompletedPeriod', () => {
  // Monday 1 February 2027 08:00 in Helsinki (UTC+2).
  const mondayMorning = '2027-02-01T06:00:00.000Z';

  it('is the week, month or quarter that just ended', () => {
    expect(key(lastCompletedPeriod(mondayMorning, 'week', HELSINKI))).toBe('2027-W04');
    expect(key(lastCompletedPeriod(mondayMorning, 'month', HELSINKI))).toBe('2027-01');
    expect(key(lastCompletedPeriod(mondayMorning, 'quarter', HELSINKI))).toBe('2026-Q4');
    // Monday 5 April 2027 08:00 EEST.
    expect(key(lastCompletedPeriod('2027-04-05T05:00:00.000Z', 'quarter', HELSINKI))).toBe('2027-Q1');
  });

  it('switches exactly at local midnight', () => {
    expect(key(lastCompletedPeriod('2027-01-31T21:59:59.999Z', 'week', HELSINKI))).toBe('2027-W03');
    expect(key(lastCompletedPeriod('2027-01-31T22:00:00.000Z', 'week', HELSINKI))).toBe('2027-W04');
  });
});
