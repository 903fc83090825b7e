import { describe, expect, it } from 'vitest';
import { formatClockTime, formatLocalTime, formatMeetingSpan, formatMeetingTime } from '../bot/domain/format.js';

const ZONE = 'Europe/Helsinki';

describe('formatMeetingTime', () => {
  it('writes a winter meeting in each language, in the office zone', () => {
    expect(formatMeetingTime('2027-03-02T11:00:00.000Z', ZONE, 'fi')).toBe('ti 2.3.2027 klo 13.00');
    expect(formatMeetingTime('2027-03-02T11:00:00.000Z', ZONE, 'sv')).toBe('tis 2.3.2027 kl. 13.00');
    expect(formatMeetingTime('2027-03-02T11:00:00.000Z', ZONE, 'en')).toBe('Tue 2 Mar 2027 13:00');
  });

  it('shows 13:00 local on both sides of the daylight-saving change', () => {
    // 2027-03-28 is the switch to summer time: the same local hour is an hour earlier in UTC.
    expect(formatMeetingTime('2027-03-23T11:00:00.000Z', ZONE, 'fi')).toBe('ti 23.3.2027 klo 13.00');
    expect(formatMeetingTime('2027-03-30T10:00:00.000Z', ZONE, 'fi')).toBe('ti 30.3.2027 klo 13.00');
    expect(formatMeetingTime('2027-11-02T11:00:00.000Z', ZONE, 'en')).toBe('Tue 2 Nov 2027 13:00');
  });

  it('uses the local date when UTC is still on the previous day', () => {
    expect(formatMeetingTime('2027-06-06T22:30:00.000Z', ZONE, 'sv')).toBe('mån 7.6.2027 kl. 01.30');
  });

  it('writes clock times and spans per language', () => {
    expect(formatClockTime('2027-05-04T12:00:00.000Z', ZONE, 'fi')).toBe('15.00');
    expect(formatClockTime('2027-05-04T12:00:00.000Z', ZONE, 'en')).toBe('15:00');
    expect(formatLocalTime('09:30', 'sv')).toBe('09.30');
    expect(formatLocalTime('09:30', 'en')).toBe('09:30');
    expect(formatMeetingSpan('2027-05-04T10:00:00.000Z', '2027-05-04T12:00:00.000Z', ZONE, 'fi')).toBe('ti 4.5.2027 klo 13.00–15.00');
  });
});
