import { describe, expect, it } from 'vitest';
import { dueRoundAt, firstRoundAt } from '../bot/domain/survey-schedule.js';

const ZONE = 'Europe/Helsinki';
const iso = (d: { toUTC(): { toISO(): string | null } } | null) => d?.toUTC().toISO() ?? null;

describe('survey schedule', () => {
  it('sends the first round at the next 07:00 office time after the survey is scheduled', () => {
    expect(iso(firstRoundAt('2027-03-11T13:10:00.000Z', ZONE))).toBe('2027-03-12T05:00:00.000Z'); // 15:10 → tomorrow 07:00
    expect(iso(firstRoundAt('2027-03-11T03:00:00.000Z', ZONE))).toBe('2027-03-11T05:00:00.000Z'); // 05:00 → today 07:00
    expect(iso(firstRoundAt('2027-03-11T05:00:00.000Z', ZONE))).toBe('2027-03-12T05:00:00.000Z'); // 07:00 sharp → tomorrow
    expect(iso(firstRoundAt('2027-03-27T13:00:00.000Z', ZONE))).toBe('2027-03-28T04:00:00.000Z'); // over the DST change: still 07:00 local
  });

  it('has nothing due before the first round, however often it is asked', () => {
    const created = '2027-06-29T10:00:00.000Z';
    expect(dueRoundAt(created, 'quarterly', ZONE, new Date('2027-06-29T10:00:01.000Z'))).toBeNull();
    expect(dueRoundAt(created, 'quarterly', ZONE, new Date('2027-06-30T03:59:59.000Z'))).toBeNull();
  });

  it('spaces rounds one interval from the first, not by calendar quarter', () => {
    const created = '2027-06-29T10:00:00.000Z';
    const due = (at: string) => iso(dueRoundAt(created, 'quarterly', ZONE, new Date(at)));
    expect(due('2027-06-30T04:00:00.000Z')).toBe('2027-06-30T04:00:00.000Z');
    // The next day is a new calendar quarter, but the same round.
    expect(due('2027-07-01T04:00:00.000Z')).toBe('2027-06-30T04:00:00.000Z');
    expect(due('2027-09-30T03:59:00.000Z')).toBe('2027-06-30T04:00:00.000Z');
    expect(due('2027-09-30T04:00:00.000Z')).toBe('2027-09-30T04:00:00.000Z');
    // 07:00 local on both sides of the change to winter time.
    expect(due('2028-01-15T00:00:00.000Z')).toBe('2027-12-30T05:00:00.000Z');
  });

  it('keeps month ends from drifting and counts years for a yearly survey', () => {
    const monthly = (at: string) => iso(dueRoundAt('2027-01-30T12:00:00.000Z', 'monthly', ZONE, new Date(at)));
    expect(monthly('2027-02-28T06:00:00.000Z')).toBe('2027-02-28T05:00:00.000Z');
    expect(monthly('2027-03-31T05:00:00.000Z')).toBe('2027-03-31T04:00:00.000Z');
    const yearly = iso(dueRoundAt('2027-01-30T12:00:00.000Z', 'yearly', ZONE, new Date('2029-02-01T00:00:00.000Z')));
    expect(yearly).toBe('2029-01-31T05:00:00.000Z');
  });
});
