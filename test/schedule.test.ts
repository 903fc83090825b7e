import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  PlanningError,
  blockedReason,
  instantToLocal,
  localToInstant,
  meetingSlot,
  proposeMeetingDates,
  validateMeetingDate,
  type ProposeInput,
  type ProposedSlot,
} from '../bot/domain/schedule.js';

const HELSINKI = 'Europe/Helsinki';
const base: ProposeInput = { year: 2027, count: 12, weekday: 2, time: '13:00', durationMinutes: 90, timeZone: HELSINKI };

const day = (localDate: string) => DateTime.fromISO(localDate, { zone: 'utc' });
const dates = (slots: ProposedSlot[]) => slots.map((s) => s.localDate);

/** Every date that fits: a request for more meetings than possible reports them in the error. */
function allSlots(input: Partial<ProposeInput>): ProposedSlot[] {
  try {
    proposeMeetingDates({ ...base, ...input, count: 1000 });
  } catch (error) {
    if (error instanceof PlanningError) return error.slots;
    throw error;
  }
  throw new Error('expected a PlanningError');
}

describe('blockedReason', () => {
  it('blocks weekends', () => {
    expect(blockedReason('2027-03-06')).toBe('weekend'); // Saturday
    expect(blockedReason('2027-03-07')).toBe('weekend'); // Sunday
  });

  it('blocks Finnish public holidays and de-facto days off', () => {
    for (const d of ['2027-01-06', '2027-03-26', '2027-03-29', '2027-05-06', '2027-06-25', '2027-12-06']) {
      expect(blockedReason(d), d).toBe('holiday');
    }
    expect(blockedReason('2027-12-25')).toBe('holiday'); // a Saturday, but the holiday is named first
  });

  it('blocks the whole of July', () => {
    expect(blockedReason('2027-06-30')).toBeNull();
    expect(blockedReason('2027-07-01')).toBe('july');
    expect(blockedReason('2027-07-30')).toBe('july');
    expect(blockedReason('2027-08-02')).toBeNull();
  });

  it('blocks the Christmas week from 24 December to 1 January', () => {
    expect(blockedReason('2027-12-23')).toBeNull();
    for (const d of ['2027-12-27', '2027-12-28', '2027-12-29', '2027-12-30', '2027-12-31']) {
      expect(blockedReason(d), d).toBe('christmas');
    }
    expect(blockedReason('2027-01-04')).toBeNull();
  });

  it('accepts an ordinary working day and rejects a string that is no date', () => {
    expect(blockedReason('2027-03-02')).toBeNull();
    expect(() => blockedReason('2027-02-30')).toThrow(RangeError);
  });
});

describe('validateMeetingDate', () => {
  it('reports malformed and impossible dates', () => {
    expect(validateMeetingDate('2027-02-30')).toBe('invalid');
    expect(validateMeetingDate('2.3.2027')).toBe('invalid');
  });

  it('checks the plan year only when given', () => {
    expect(validateMeetingDate('2028-01-04', 2027)).toBe('out-of-year');
    expect(validateMeetingDate('2028-01-04')).toBeNull();
  });

  it('passes the blocked reason through', () => {
    expect(validateMeetingDate('2027-03-26', 2027)).toBe('holiday');
    expect(validateMeetingDate('2027-07-06', 2027)).toBe('july');
    expect(validateMeetingDate('2027-03-02', 2027)).toBeNull();
  });
});

describe('local time and instants across daylight saving', () => {
  it('keeps 13:00 Helsinki time: 11:00Z in winter, 10:00Z in summer', () => {
    expect(localToInstant('2027-03-26', '13:00', HELSINKI)).toBe('2027-03-26T11:00:00.000Z');
    expect(localToInstant('2027-03-29', '13:00', HELSINKI)).toBe('2027-03-29T10:00:00.000Z');
    expect(localToInstant('2027-10-29', '13:00', HELSINKI)).toBe('2027-10-29T10:00:00.000Z');
    expect(localToInstant('2027-11-01', '13:00', HELSINKI)).toBe('2027-11-01T11:00:00.000Z');
  });

  it('converts an instant back to the local date and time', () => {
    expect(instantToLocal('2027-03-29T10:00:00.000Z', HELSINKI)).toEqual({ date: '2027-03-29', time: '13:00' });
    expect(instantToLocal('2027-03-02T22:30:00Z', HELSINKI)).toEqual({ date: '2027-03-03', time: '00:30' });
  });

  it('rejects an unknown time zone', () => {
    expect(() => localToInstant('2027-03-02', '13:00', 'Mars/Olympus')).toThrow(RangeError);
    expect(() => instantToLocal('2027-03-02T10:00:00Z', 'Mars/Olympus')).toThrow(RangeError);
  });

  it('ends a slot after its duration', () => {
    expect(meetingSlot('2027-03-02', '13:00', 90, HELSINKI)).toEqual({
      localDate: '2027-03-02',
      startsAt: '2027-03-02T11:00:00.000Z',
      endsAt: '2027-03-02T12:30:00.000Z',
    });
  });

  it('proposes 13:00 local before and after the March and October changes', () => {
    const byDate = new Map(allSlots({ weekday: 2 }).map((s) => [s.localDate, s]));
    expect(byDate.get('2027-03-23')?.startsAt).toBe('2027-03-23T11:00:00.000Z');
    expect(byDate.get('2027-03-30')?.startsAt).toBe('2027-03-30T10:00:00.000Z');
    expect(byDate.get('2027-10-26')?.startsAt).toBe('2027-10-26T10:00:00.000Z');
    expect(byDate.get('2027-11-02')?.startsAt).toBe('2027-11-02T11:00:00.000Z');
    for (const slot of byDate.values()) {
      expect(instantToLocal(slot.startsAt, HELSINKI)).toEqual({ date: slot.localDate, time: '13:00' });
      expect(instantToLocal(slot.endsAt, HELSINKI)).toEqual({ date: slot.localDate, time: '14:30' });
    }
  });
});

describe('proposeMeetingDates', () => {
  it.each([1, 2, 3, 4, 5])('spreads 12 meetings on weekday %i over every month but July', (weekday) => {
    const slots = proposeMeetingDates({ ...base, weekday });
    const ds = dates(slots);
    expect(new Set(ds).size).toBe(12);
    expect(ds).toEqual([...ds].sort());
    for (const d of ds) {
      expect(day(d).weekday).toBe(weekday);
      expect(blockedReason(d)).toBeNull();
    }
    const months = new Set(ds.map((d) => day(d).month));
    expect([...months].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]);
    // Gaps without July: 325 usable days / 12 ≈ 27 days, give or take the weekday and holidays.
    for (let i = 1; i < ds.length; i++) {
      const [prev, next] = [day(ds[i - 1]), day(ds[i])];
      const gap = next.diff(prev, 'days').days - (prev.month < 7 && next.month > 7 ? 31 : 0);
      expect(gap).toBeGreaterThanOrEqual(20);
      expect(gap).toBeLessThanOrEqual(35);
    }
  });

  it('puts a single meeting on the preferred weekday nearest the middle of the usable year', () => {
    // Usable 2027: 2 Jan – 30 Jun and 1 Aug – 23 Dec, 325 days; the middle one is Sunday 13 June.
    expect(dates(proposeMeetingDates({ ...base, count: 1, weekday: 2 }))).toEqual(['2027-06-15']);
    expect(dates(proposeMeetingDates({ ...base, count: 1, weekday: 1 }))).toEqual(['2027-06-14']);
    expect(dates(proposeMeetingDates({ ...base, count: 1, weekday: 5 }))).toEqual(['2027-06-11']);
  });

  it('avoids every Finnish public holiday, July and the Christmas week', () => {
    const fridays = dates(allSlots({ weekday: 5 }));
    // 53 Fridays in 2027, minus 5 in July, 1 Jan, Good Friday, Midsummer Eve, Christmas Eve and 31 Dec.
    expect(fridays).toHaveLength(43);
    for (const d of ['2027-01-01', '2027-03-26', '2027-06-25', '2027-12-24', '2027-12-31', '2027-07-02']) {
      expect(fridays).not.toContain(d);
    }
    for (const d of ['2027-01-08', '2027-03-19', '2027-06-18', '2027-12-17', '2027-08-06']) expect(fridays).toContain(d);

    const mondays = dates(allSlots({ weekday: 1 }));
    for (const d of ['2027-03-29', '2027-12-06', '2027-12-27', '2027-07-05']) expect(mondays).not.toContain(d);
    for (const d of ['2027-03-22', '2027-12-13', '2027-12-20']) expect(mondays).toContain(d);

    expect(dates(allSlots({ weekday: 3 }))).not.toContain('2027-01-06'); // Epiphany
    expect(dates(allSlots({ weekday: 3 }))).toContain('2027-01-13');
    expect(dates(allSlots({ weekday: 4 }))).not.toContain('2027-05-06'); // Ascension Day
    expect(dates(allSlots({ weekday: 4 }))).toContain('2027-05-13');
  });

  it('never proposes a date in the past', () => {
    const slots = proposeMeetingDates({ ...base, count: 6, notBefore: '2027-05-10T09:00:00.000Z' });
    expect(slots).toHaveLength(6);
    expect(slots[0].localDate > '2027-05-10').toBe(true);
    expect(new Set(dates(slots).map((d) => day(d).month)).size).toBe(6);
    expect(dates(slots).some((d) => d.startsWith('2027-12'))).toBe(true);
  });

  it('allows today only when the meeting starts after notBefore', () => {
    // 2027-12-14 13:00 Helsinki is 11:00Z.
    expect(dates(proposeMeetingDates({ ...base, count: 2, notBefore: '2027-12-14T10:59:00Z' }))).toEqual([
      '2027-12-14',
      '2027-12-21',
    ]);
    expect(dates(allSlots({ notBefore: '2027-12-14T11:00:00Z' }))).toEqual(['2027-12-21']);
  });

  it('ignores a notBefore in an earlier year', () => {
    expect(proposeMeetingDates({ ...base, notBefore: '2026-10-01T00:00:00Z' })).toEqual(proposeMeetingDates(base));
  });

  it('takes the nearest free date outside a window that has none', () => {
    // From 30 Nov: Monday 6 Dec is Independence Day and 27 Dec is in the Christmas week,
    // so the first window (30 Nov – 11 Dec) has no Monday left.
    const slots = proposeMeetingDates({ ...base, count: 2, weekday: 1, notBefore: '2027-11-30T08:00:00Z' });
    expect(dates(slots)).toEqual(['2027-12-13', '2027-12-20']);
  });

  it('reports too many meetings with the numbers and the dates that fit', () => {
    let error: unknown;
    try {
      proposeMeetingDates({ ...base, count: 48 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanningError);
    const planning = error as PlanningError;
    expect(planning.code).toBe('too-many-meetings');
    // 52 Tuesdays in 2027, minus 4 in July and 28 December.
    expect(planning.params).toEqual({ requested: 48, available: 47 });
    expect(planning.slots).toHaveLength(47);
    expect(dates(proposeMeetingDates({ ...base, count: 47 }))).toEqual(dates(planning.slots));
  });

  it('reports no dates at all when the year is over', () => {
    expect(() => proposeMeetingDates({ ...base, count: 1, notBefore: '2027-12-23T12:00:00Z' })).toThrow(
      expect.objectContaining({ code: 'too-many-meetings', params: { requested: 1, available: 0 }, slots: [] }),
    );
  });
});
