import { describe, expect, it } from 'vitest';
import { parseMeetingEdit, parsePlanEdit } from '../bot/domain/plan-edits.js';
import type { Meeting, Plan } from '../bot/domain/types.js';
import { errorsOf } from './harness/parse-results.js';

const ZONE = 'Europe/Helsinki';
const NOW = '2026-12-01T10:00:00.000Z';
const SEGMENTS = ['municipalities', 'debt-counsellors', 'authorities'];

const plan: Plan = {
  id: 'plan-1',
  officeId: 'uusimaa',
  year: 2027,
  theme: 'Perintäasian ensimmäiset viikot',
  segments: ['municipalities'],
  weekday: 2,
  time: '13:00',
  durationMinutes: 120,
  place: 'Kokoushuone Aurora',
  createdBy: 'x',
  createdAt: NOW,
  updatedAt: NOW,
};

const meeting = (id: string, startsAt: string, endsAt: string): Meeting => ({
  id,
  planId: plan.id,
  officeId: 'uusimaa',
  year: 2027,
  subTheme: `Alateema ${id}`,
  startsAt,
  endsAt,
  segments: ['municipalities'],
  place: 'Kokoushuone Aurora',
  status: 'scheduled',
  sequence: 0,
  uid: `${id}@sidos`,
});

// m1 at the plan time; m2 was moved to 09:30 and made 90 minutes long.
const m1 = meeting('m1', '2027-02-09T11:00:00.000Z', '2027-02-09T13:00:00.000Z');
const m2 = meeting('m2', '2027-05-04T06:30:00.000Z', '2027-05-04T08:00:00.000Z');

describe('parsePlanEdit', () => {
  const ctx = { plan, meetings: [m1, m2], segments: SEGMENTS, timeZone: ZONE, notBefore: NOW };
  const valid = {
    theme: '  Uusi teema ',
    segments: 'municipalities,authorities',
    place: '',
    onlineUrl: 'https://teams.example/meet',
    date_0: '2027-03-30',
    subTheme_0: ' Vireilletulo ',
    date_1: '2027-05-04',
    subTheme_1: 'Maksusuunnitelmat',
  };
  const errorsFor = (patch: Record<string, unknown>, over: Partial<typeof ctx> = {}) => errorsOf(parsePlanEdit({ ...valid, ...patch }, { ...ctx, ...over }), patch);

  it('accepts a valid card; a moved meeting keeps its own time and length across daylight saving', () => {
    expect(parsePlanEdit(valid, ctx)).toEqual({
      ok: true,
      value: {
        theme: 'Uusi teema',
        segments: ['municipalities', 'authorities'],
        onlineUrl: 'https://teams.example/meet',
        meetings: [
          // 13:00 in summer time is 10:00Z (it was 11:00Z in February).
          { meetingId: 'm1', subTheme: 'Vireilletulo', startsAt: '2027-03-30T10:00:00.000Z', endsAt: '2027-03-30T12:00:00.000Z' },
          { meetingId: 'm2', subTheme: 'Maksusuunnitelmat', startsAt: m2.startsAt, endsAt: m2.endsAt },
        ],
      },
    });
  });

  it('accepts a plan with no coming meetings left', () => {
    expect(parsePlanEdit({ theme: 'T', segments: 'municipalities', place: 'Sali' }, { ...ctx, meetings: [] })).toMatchObject({
      ok: true,
      value: { theme: 'T', place: 'Sali', meetings: [] },
    });
  });

  it('checks the plan fields with the plan card rules', () => {
    expect(errorsFor({ theme: ' ' })).toEqual([{ field: 'theme', code: 'required' }]);
    expect(errorsFor({ theme: 'x'.repeat(201) })).toEqual([{ field: 'theme', code: 'too-long', params: { max: 200 } }]);
    expect(errorsFor({ segments: '' })).toEqual([{ field: 'segments', code: 'required' }]);
    expect(errorsFor({ segments: 'municipalities,banks' })).toEqual([{ field: 'segments', code: 'unknown-segment', params: { value: 'banks' } }]);
    expect(errorsFor({ onlineUrl: '' })).toEqual([{ field: 'place', code: 'place-or-url-required' }]);
    expect(errorsFor({ onlineUrl: 'not a link' })).toEqual([{ field: 'onlineUrl', code: 'invalid-url' }]);
    expect(errorsFor({ onlineUrl: 'http://teams.example/meet' })).toEqual([{ field: 'onlineUrl', code: 'not-https' }]);
    expect(errorsFor({ place: 'p'.repeat(201) })).toEqual([{ field: 'place', code: 'too-long', params: { max: 200 } }]);
  });

  it('checks every date and sub-theme row', () => {
    expect(errorsFor({ date_0: '' })).toEqual([{ field: 'date_0', code: 'required' }]);
    expect(errorsFor({ date_0: '2027-02-30' })).toEqual([{ field: 'date_0', code: 'date-invalid' }]);
    expect(errorsFor({ date_0: '2028-02-08' })).toEqual([{ field: 'date_0', code: 'date-out-of-year', params: { year: 2027 } }]);
    expect(errorsFor({ date_0: '2027-02-13' })).toEqual([{ field: 'date_0', code: 'date-weekend' }]);
    expect(errorsFor({ date_0: '2027-12-06' })).toEqual([{ field: 'date_0', code: 'date-holiday' }]);
    expect(errorsFor({ date_0: '2027-07-13' })).toEqual([{ field: 'date_0', code: 'date-july' }]);
    expect(errorsFor({ date_0: '2027-12-28' })).toEqual([{ field: 'date_0', code: 'date-christmas' }]);
    expect(errorsFor({ date_1: '2027-03-30' })).toEqual([{ field: 'date_1', code: 'date-duplicate', params: { date: '2027-03-30' } }]);
    expect(errorsFor({ subTheme_1: '' })).toEqual([{ field: 'subTheme_1', code: 'required' }]);
    expect(errorsFor({ theme: '', subTheme_0: 'y'.repeat(201) })).toEqual([
      { field: 'theme', code: 'required' },
      { field: 'subTheme_0', code: 'too-long', params: { max: 200 } },
    ]);
  });

  it('checks the past at each meeting’s own time, not the plan time', () => {
    const notBefore = '2027-02-10T09:00:00.000Z'; // 11:00 in Helsinki
    // m1 at 13:00 on the same day is still ahead …
    expect(parsePlanEdit({ ...valid, date_0: '2027-02-10', date_1: '2027-02-11' }, { ...ctx, notBefore }).ok).toBe(true);
    // … m2 at 09:30 on that day is not, although the plan time 13:00 would be.
    expect(errorsFor({ date_0: '2027-02-11', date_1: '2027-02-10' }, { notBefore })).toEqual([{ field: 'date_1', code: 'date-past' }]);
  });
});

describe('parseMeetingEdit', () => {
  const ctx = { plan, meeting: m2, timeZone: ZONE, notBefore: NOW };
  const valid = { date: '2027-03-30', time: '09:00', subTheme: ' Vuokrasaatavat ', place: '', onlineUrl: 'https://teams.example/m2' };
  const errorsFor = (patch: Record<string, unknown>, notBefore = NOW) => errorsOf(parseMeetingEdit({ ...valid, ...patch }, { ...ctx, notBefore }), patch);

  it('accepts a valid card and keeps the meeting’s length', () => {
    expect(parseMeetingEdit(valid, ctx)).toEqual({
      ok: true,
      value: {
        subTheme: 'Vuokrasaatavat',
        startsAt: '2027-03-30T06:00:00.000Z',
        endsAt: '2027-03-30T07:30:00.000Z',
        onlineUrl: 'https://teams.example/m2',
      },
    });
  });

  it('checks the date', () => {
    expect(errorsFor({ date: '' })).toEqual([{ field: 'date', code: 'required' }]);
    expect(errorsFor({ date: '30.3.2027' })).toEqual([{ field: 'date', code: 'date-invalid' }]);
    expect(errorsFor({ date: '2026-12-15' })).toEqual([{ field: 'date', code: 'date-out-of-year', params: { year: 2027 } }]);
    expect(errorsFor({ date: '2027-03-27' })).toEqual([{ field: 'date', code: 'date-weekend' }]);
    expect(errorsFor({ date: '2027-05-06' })).toEqual([{ field: 'date', code: 'date-holiday' }]);
    expect(errorsFor({ date: '2027-07-01' })).toEqual([{ field: 'date', code: 'date-july' }]);
    expect(errorsFor({ date: '2027-12-31' })).toEqual([{ field: 'date', code: 'date-christmas' }]);
  });

  it('checks the past with the time given on the card', () => {
    const notBefore = '2027-02-10T09:00:00.000Z'; // 11:00 in Helsinki
    expect(errorsFor({ date: '2027-02-10', time: '10:00' }, notBefore)).toEqual([{ field: 'date', code: 'date-past' }]);
    expect(parseMeetingEdit({ ...valid, date: '2027-02-10', time: '12:00' }, { ...ctx, notBefore }).ok).toBe(true);
  });

  it('checks the time, sub-theme, place and link, listing errors in card order', () => {
    expect(errorsFor({ time: undefined })).toEqual([{ field: 'time', code: 'required' }]);
    expect(errorsFor({ time: '' })).toEqual([{ field: 'time', code: 'invalid-time' }]);
    expect(errorsFor({ time: '1300' })).toEqual([{ field: 'time', code: 'invalid-time' }]);
    expect(errorsFor({ time: '06:30' })).toEqual([{ field: 'time', code: 'out-of-range', params: { min: '07:00', max: '18:00' } }]);
    expect(errorsFor({ subTheme: '  ' })).toEqual([{ field: 'subTheme', code: 'required' }]);
    expect(errorsFor({ subTheme: 's'.repeat(201) })).toEqual([{ field: 'subTheme', code: 'too-long', params: { max: 200 } }]);
    expect(errorsFor({ onlineUrl: '' })).toEqual([{ field: 'place', code: 'place-or-url-required' }]);
    expect(errorsFor({ onlineUrl: 'teams' })).toEqual([{ field: 'onlineUrl', code: 'invalid-url' }]);
    expect(errorsFor({ onlineUrl: 'http://teams.example/m2' })).toEqual([{ field: 'onlineUrl', code: 'not-https' }]);
    expect(errorsFor({ onlineUrl: 'ftp://x', subTheme: '', time: 'x', date: '2027-07-06' }).map((e) => e.field)).toEqual([
      'date',
      'time',
      'subTheme',
      'onlineUrl',
    ]);
  });
});
