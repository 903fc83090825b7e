import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { holidayName, isFinnishPublicHoliday } from '../bot/domain/holidays.js';

function daysOf(year: number): string[] {
  const days: string[] = [];
  for (let d = DateTime.utc(year, 1, 1); d.year === year; d = d.plus({ days: 1 })) days.push(d.toFormat('yyyy-MM-dd'));
  return days;
}

describe('isFinnishPublicHoliday', () => {
  it('blocks exactly the Finnish public holidays of 2027 plus Midsummer Eve and Christmas Eve', () => {
    expect(daysOf(2027).filter(isFinnishPublicHoliday)).toEqual([
      '2027-01-01', // New Year's Day
      '2027-01-06', // Epiphany
      '2027-03-26', // Good Friday
      '2027-03-28', // Easter Sunday
      '2027-03-29', // Easter Monday
      '2027-05-01', // May Day
      '2027-05-06', // Ascension Day
      '2027-05-16', // Pentecost
      '2027-06-25', // Midsummer Eve (de-facto day off)
      '2027-06-26', // Midsummer Day
      '2027-11-06', // All Saints' Day
      '2027-12-06', // Independence Day
      '2027-12-24', // Christmas Eve (de-facto day off)
      '2027-12-25', // Christmas Day
      '2027-12-26', // Boxing Day
    ]);
  });

  it('does not block observances or New Year’s Eve', () => {
    expect(isFinnishPublicHoliday('2027-05-09')).toBe(false); // Mother's Day
    expect(isFinnishPublicHoliday('2027-11-14')).toBe(false); // Father's Day
    expect(isFinnishPublicHoliday('2027-12-31')).toBe(false);
  });

  it('finds the moving holidays in other years', () => {
    expect(isFinnishPublicHoliday('2026-06-19')).toBe(true); // Midsummer Eve 2026
    expect(isFinnishPublicHoliday('2026-06-26')).toBe(false);
    expect(isFinnishPublicHoliday('2028-06-23')).toBe(true); // Midsummer Eve 2028
    expect(isFinnishPublicHoliday('2028-04-14')).toBe(true); // Good Friday 2028
    expect(isFinnishPublicHoliday('2028-04-21')).toBe(false);
  });

  it('is false for an ordinary working day and for text that is no date', () => {
    expect(isFinnishPublicHoliday('2027-03-02')).toBe(false);
    expect(isFinnishPublicHoliday('not a date')).toBe(false);
  });
});

describe('holidayName', () => {
  it('names a holiday in Finnish, Swedish and English', () => {
    expect(holidayName('2027-12-06', 'fi')).toBe('itsenäisyyspäivä');
    expect(holidayName('2027-12-06', 'sv')).toBe('självständighetsdagen');
    expect(holidayName('2027-12-06', 'en')).toBe('Independence Day');
    expect(holidayName('2027-06-25', 'fi')).toBe('juhannusaatto');
  });

  it('is null on a day that is not blocked', () => {
    expect(holidayName('2027-03-02', 'en')).toBeNull();
    expect(holidayName('2027-05-09', 'fi')).toBeNull();
  });
});
