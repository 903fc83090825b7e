import { describe, expect, it } from 'vitest';
import { defaultPlanYear, parseDateEdits, parsePlanInput } from '../bot/domain/plan-input.js';
import { errorsOf, valueOf } from './harness/parse-results.js';

const ctx = { segments: ['municipalities', 'debt-counsellors', 'rental-agencies'], offices: ['helsinki', 'oulu'], year: 2027 };

// Shaped like an Adaptive Card submission: every input arrives as a string.
const valid = {
  officeId: 'helsinki',
  theme: '  The first weeks of a collection case ',
  subThemes: 'Notice of enforcement\r\n\n  Payment plans \nSalary garnishment',
  segments: 'municipalities,debt-counsellors',
  count: '3',
  weekday: '2',
  time: '13:00',
  durationMinutes: '90',
  place: 'Meeting room 1',
  onlineUrl: '',
};

const errorsFor = (patch: Record<string, unknown>) => errorsOf(parsePlanInput({ ...valid, ...patch }, ctx), patch);
const valueFor = (patch: Record<string, unknown>) => valueOf(parsePlanInput({ ...valid, ...patch }, ctx));

describe('parsePlanInput', () => {
  it('accepts a valid submission, trimming text and converting numbers', () => {
    expect(parsePlanInput(valid, ctx)).toEqual({
      ok: true,
      value: {
        year: 2027,
        officeId: 'helsinki',
        theme: 'The first weeks of a collection case',
        subThemes: ['Notice of enforcement', 'Payment plans', 'Salary garnishment'],
        segments: ['municipalities', 'debt-counsellors'],
        count: 3,
        weekday: 2,
        time: '13:00',
        durationMinutes: 90,
        place: 'Meeting room 1',
      },
    });
  });

  it('reports every missing field at once', () => {
    const result = parsePlanInput(null, ctx);
    expect(result).toEqual({
      ok: false,
      errors: [
        ...['officeId', 'theme', 'subThemes', 'segments', 'count', 'weekday', 'time', 'durationMinutes'].map((field) => ({
          field,
          code: 'required',
        })),
        { field: 'place', code: 'place-or-url-required' },
      ],
    });
  });

  it('reports several invalid fields together', () => {
    expect(errorsFor({ theme: ' ', time: '25:00' })).toEqual([
      { field: 'theme', code: 'required' },
      { field: 'time', code: 'invalid-time' },
    ]);
  });

  describe('officeId', () => {
    it('is required and must be a known office', () => {
      expect(errorsFor({ officeId: '' })).toEqual([{ field: 'officeId', code: 'required' }]);
      expect(errorsFor({ officeId: 'turku' })).toEqual([{ field: 'officeId', code: 'unknown-office' }]);
      expect(valueFor({ officeId: 'oulu' }).officeId).toBe('oulu');
    });
  });

  describe('theme', () => {
    it('is 1–200 characters after trimming', () => {
      expect(errorsFor({ theme: '   ' })).toEqual([{ field: 'theme', code: 'required' }]);
      expect(errorsFor({ theme: 'x'.repeat(201) })).toEqual([{ field: 'theme', code: 'too-long', params: { max: 200 } }]);
      expect(valueFor({ theme: ` ${'x'.repeat(200)} ` }).theme).toHaveLength(200);
    });

    it('must be text', () => {
      expect(errorsFor({ theme: 42 })).toEqual([{ field: 'theme', code: 'invalid' }]);
    });
  });

  describe('subThemes', () => {
    it('accepts an array as well as lines', () => {
      expect(valueFor({ subThemes: [' A ', 'B', '', 'C'] }).subThemes).toEqual(['A', 'B', 'C']);
    });

    it('needs at least one non-empty line', () => {
      expect(errorsFor({ subThemes: ' \n\n ' })).toEqual([{ field: 'subThemes', code: 'required' }]);
      expect(errorsFor({ subThemes: undefined })).toEqual([{ field: 'subThemes', code: 'required' }]);
    });

    it('allows at most 24', () => {
      const lines = Array.from({ length: 25 }, (_, i) => `Sub-theme ${i + 1}`);
      expect(errorsFor({ subThemes: lines.join('\n'), count: '24' })).toEqual([
        { field: 'subThemes', code: 'too-many', params: { max: 24 } },
      ]);
      expect(valueFor({ subThemes: lines.slice(0, 24).join('\n'), count: '24' }).subThemes).toHaveLength(24);
    });

    it('limits each sub-theme to 200 characters and names the one that is too long', () => {
      expect(errorsFor({ subThemes: `A\n\n${'x'.repeat(201)}\nC` })).toEqual([
        { field: 'subThemes', code: 'too-long', params: { max: 200, item: 2 } },
      ]);
    });

    it('rejects items that are not text', () => {
      expect(errorsFor({ subThemes: ['A', 7, 'C'] })).toEqual([{ field: 'subThemes', code: 'invalid', params: { item: 2 } }]);
      expect(errorsFor({ subThemes: 7 })).toEqual([{ field: 'subThemes', code: 'invalid' }]);
    });
  });

  describe('segments', () => {
    it('reads the comma-separated multi-select value, trims and drops duplicates', () => {
      expect(valueFor({ segments: ' rental-agencies , municipalities,rental-agencies' }).segments).toEqual([
        'rental-agencies',
        'municipalities',
      ]);
      expect(valueFor({ segments: ['debt-counsellors'] }).segments).toEqual(['debt-counsellors']);
    });

    it('needs at least one', () => {
      expect(errorsFor({ segments: '' })).toEqual([{ field: 'segments', code: 'required' }]);
      expect(errorsFor({ segments: ' , ' })).toEqual([{ field: 'segments', code: 'required' }]);
    });

    it('names every unknown segment', () => {
      expect(errorsFor({ segments: 'banks,municipalities,courts' })).toEqual([
        { field: 'segments', code: 'unknown-segment', params: { value: 'banks' } },
        { field: 'segments', code: 'unknown-segment', params: { value: 'courts' } },
      ]);
    });
  });

  describe('count', () => {
    it('is an integer from 1 to 24', () => {
      expect(errorsFor({ count: '' })).toEqual([{ field: 'count', code: 'required' }]);
      expect(errorsFor({ count: 'three' })).toEqual([{ field: 'count', code: 'not-integer' }]);
      expect(errorsFor({ count: '2.5' })).toEqual([{ field: 'count', code: 'not-integer' }]);
      expect(errorsFor({ count: '0' })).toEqual([{ field: 'count', code: 'out-of-range', params: { min: 1, max: 24 } }]);
      expect(errorsFor({ count: '25' })).toEqual([{ field: 'count', code: 'out-of-range', params: { min: 1, max: 24 } }]);
      expect(valueFor({ count: 3 }).count).toBe(3);
    });

    it('must equal the number of sub-themes', () => {
      expect(errorsFor({ count: '4' })).toEqual([
        { field: 'count', code: 'count-mismatch', params: { count: 4, subThemes: 3 } },
      ]);
      expect(valueFor({ count: '1', subThemes: 'Only one' }).count).toBe(1);
    });
  });

  describe('weekday', () => {
    it('is Monday (1) to Friday (5)', () => {
      expect(errorsFor({ weekday: '' })).toEqual([{ field: 'weekday', code: 'required' }]);
      expect(errorsFor({ weekday: '0' })).toEqual([{ field: 'weekday', code: 'out-of-range', params: { min: 1, max: 5 } }]);
      expect(errorsFor({ weekday: '6' })).toEqual([{ field: 'weekday', code: 'out-of-range', params: { min: 1, max: 5 } }]);
      expect(valueFor({ weekday: '5' }).weekday).toBe(5);
    });
  });

  describe('time', () => {
    it('is HH:mm', () => {
      for (const time of ['1300', '9:00', '24:00', '13:60', 'noon']) {
        expect(errorsFor({ time }), time).toEqual([{ field: 'time', code: 'invalid-time' }]);
      }
      expect(errorsFor({ time: undefined })).toEqual([{ field: 'time', code: 'required' }]);
    });

    it('is between 07:00 and 18:00 inclusive', () => {
      const outOfRange = [{ field: 'time', code: 'out-of-range', params: { min: '07:00', max: '18:00' } }];
      expect(errorsFor({ time: '06:59' })).toEqual(outOfRange);
      expect(errorsFor({ time: '18:01' })).toEqual(outOfRange);
      expect(valueFor({ time: '07:00' }).time).toBe('07:00');
      expect(valueFor({ time: ' 18:00 ' }).time).toBe('18:00');
    });
  });

  describe('durationMinutes', () => {
    it('is an integer from 15 to 480', () => {
      const outOfRange = [{ field: 'durationMinutes', code: 'out-of-range', params: { min: 15, max: 480 } }];
      expect(errorsFor({ durationMinutes: '14' })).toEqual(outOfRange);
      expect(errorsFor({ durationMinutes: '481' })).toEqual(outOfRange);
      expect(errorsFor({ durationMinutes: '1h' })).toEqual([{ field: 'durationMinutes', code: 'not-integer' }]);
      expect(valueFor({ durationMinutes: '15' }).durationMinutes).toBe(15);
      expect(valueFor({ durationMinutes: '480' }).durationMinutes).toBe(480);
    });
  });

  describe('place and onlineUrl', () => {
    it('limits the place to 200 characters', () => {
      expect(errorsFor({ place: 'x'.repeat(201) })).toEqual([{ field: 'place', code: 'too-long', params: { max: 200 } }]);
    });

    it('needs a place or an online link', () => {
      expect(errorsFor({ place: ' ', onlineUrl: '' })).toEqual([{ field: 'place', code: 'place-or-url-required' }]);
      const online = valueFor({ place: '', onlineUrl: 'https://teams.microsoft.com/l/meetup-join/abc' });
      expect(online.onlineUrl).toBe('https://teams.microsoft.com/l/meetup-join/abc');
      expect(online).not.toHaveProperty('place');
    });

    it('accepts only an https link', () => {
      expect(errorsFor({ onlineUrl: 'not a link' })).toEqual([{ field: 'onlineUrl', code: 'invalid-url' }]);
      expect(errorsFor({ onlineUrl: 'https://' })).toEqual([{ field: 'onlineUrl', code: 'invalid-url' }]);
      expect(errorsFor({ onlineUrl: 'http://example.fi/meeting' })).toEqual([{ field: 'onlineUrl', code: 'not-https' }]);
      expect(errorsFor({ onlineUrl: 'javascript:alert(1)' })).toEqual([{ field: 'onlineUrl', code: 'not-https' }]);
    });

    it('does not add place-or-url-required when the link itself is invalid', () => {
      expect(errorsFor({ place: '', onlineUrl: 'http://example.fi' })).toEqual([{ field: 'onlineUrl', code: 'not-https' }]);
    });
  });
});

describe('parseDateEdits', () => {
  const editCtx = { year: 2027, count: 3, time: '13:00', durationMinutes: 90, timeZone: 'Europe/Helsinki' };
  const edits = {
    date_0: '2027-03-23',
    date_1: '2027-03-30',
    date_2: '2027-10-26',
    subTheme_0: ' Notice of enforcement ',
    subTheme_1: 'Payment plans',
    subTheme_2: 'Salary garnishment',
  };

  const editErrors = (patch: Record<string, unknown>, extra: Partial<typeof editCtx & { notBefore: string }> = {}) =>
    errorsOf(parseDateEdits({ ...edits, ...patch }, { ...editCtx, ...extra }), patch);

  it('returns the edited slots in local time across the DST changes', () => {
    expect(parseDateEdits(edits, editCtx)).toEqual({
      ok: true,
      value: [
        {
          localDate: '2027-03-23',
          startsAt: '2027-03-23T11:00:00.000Z',
          endsAt: '2027-03-23T12:30:00.000Z',
          subTheme: 'Notice of enforcement',
        },
        {
          localDate: '2027-03-30',
          startsAt: '2027-03-30T10:00:00.000Z',
          endsAt: '2027-03-30T11:30:00.000Z',
          subTheme: 'Payment plans',
        },
        {
          localDate: '2027-10-26',
          startsAt: '2027-10-26T10:00:00.000Z',
          endsAt: '2027-10-26T11:30:00.000Z',
          subTheme: 'Salary garnishment',
        },
      ],
    });
  });

  it('ignores fields beyond the meeting count', () => {
    const result = parseDateEdits({ ...edits, date_3: 'nonsense' }, editCtx);
    expect(result.ok && result.value.map((s) => s.localDate)).toEqual(['2027-03-23', '2027-03-30', '2027-10-26']);
  });

  it('requires every date', () => {
    expect(editErrors({ date_1: '' })).toEqual([{ field: 'date_1', code: 'required' }]);
    expect(editErrors({ date_1: undefined })).toEqual([{ field: 'date_1', code: 'required' }]);
  });

  it('rejects dates that do not exist or are not yyyy-MM-dd', () => {
    expect(editErrors({ date_0: '2027-02-30' })).toEqual([{ field: 'date_0', code: 'date-invalid' }]);
    expect(editErrors({ date_0: '23.3.2027' })).toEqual([{ field: 'date_0', code: 'date-invalid' }]);
    expect(editErrors({ date_0: 20270323 })).toEqual([{ field: 'date_0', code: 'date-invalid' }]);
  });

  it('rejects dates outside the plan year', () => {
    expect(editErrors({ date_2: '2028-01-04' })).toEqual([
      { field: 'date_2', code: 'date-out-of-year', params: { year: 2027 } },
    ]);
  });

  it('says why a blocked date is not allowed', () => {
    expect(editErrors({ date_0: '2027-03-27' })).toEqual([{ field: 'date_0', code: 'date-weekend' }]);
    expect(editErrors({ date_0: '2027-03-26' })).toEqual([{ field: 'date_0', code: 'date-holiday' }]);
    expect(editErrors({ date_0: '2027-07-06' })).toEqual([{ field: 'date_0', code: 'date-july' }]);
    expect(editErrors({ date_0: '2027-12-28' })).toEqual([{ field: 'date_0', code: 'date-christmas' }]);
  });

  it('rejects the same date twice', () => {
    expect(editErrors({ date_2: '2027-03-23' })).toEqual([
      { field: 'date_2', code: 'date-duplicate', params: { date: '2027-03-23' } },
    ]);
  });

  it('rejects a date that is already past', () => {
    expect(editErrors({}, { notBefore: '2027-03-23T11:00:00.000Z' })).toEqual([{ field: 'date_0', code: 'date-past' }]);
    expect(parseDateEdits(edits, { ...editCtx, notBefore: '2027-03-23T10:59:00.000Z' }).ok).toBe(true);
  });

  it('requires each sub-theme, at most 200 characters', () => {
    expect(editErrors({ subTheme_1: '  ' })).toEqual([{ field: 'subTheme_1', code: 'required' }]);
    expect(editErrors({ subTheme_2: 'x'.repeat(201) })).toEqual([
      { field: 'subTheme_2', code: 'too-long', params: { max: 200 } },
    ]);
  });

  it('reports errors of several rows together', () => {
    expect(editErrors({ date_0: '2027-07-06', subTheme_1: '', date_2: '2027-12-24' })).toEqual([
      { field: 'date_0', code: 'date-july' },
      { field: 'subTheme_1', code: 'required' },
      { field: 'date_2', code: 'date-holiday' },
    ]);
  });
});

describe('defaultPlanYear', () => {
  it('opens the current year until September and the coming year from October on', () => {
    expect(defaultPlanYear({ year: 2027, month: 1 })).toBe(2027);
    expect(defaultPlanYear({ year: 2027, month: 9 })).toBe(2027);
    expect(defaultPlanYear({ year: 2027, month: 10 })).toBe(2028);
    expect(defaultPlanYear({ year: 2027, month: 12 })).toBe(2028);
  });
});

describe('plan texts and control characters', () => {
  it('refuses them in the theme, a sub-theme, the place and the online link', () => {
    const errors = errorsFor({ theme: 'Perinnän \u202eensimmäiset viikot', subThemes: 'Ulosottoilmoitus\nMaksu\u2066suunnitelmat\nPalkan ulosmittaus', place: 'Sali\t1' });
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['theme', 'control-characters'],
      ['subThemes', 'control-characters'],
      ['place', 'control-characters'],
    ]);
    expect(errorsFor({ onlineUrl: 'https://teams.example/\u202emeet' }).map((e) => e.code)).toEqual(['control-characters']);
  });

  it('refuses them in an edited sub-theme', () => {
    expect(editErrorsWith({ subTheme_1: 'Maksu\u0000suunnitelmat' })).toEqual([{ field: 'subTheme_1', code: 'control-characters' }]);
  });
});

function editErrorsWith(patch: Record<string, unknown>) {
  const edits = { date_0: '2027-03-23', date_1: '2027-03-30', subTheme_0: 'Ulosottoilmoitus', subTheme_1: 'Maksusuunnitelmat' };
  const ctx = { year: 2027, count: 2, time: '13:00', durationMinutes: 90, timeZone: 'Europe/Helsinki' };
  return errorsOf(parseDateEdits({ ...edits, ...patch }, ctx), patch);
}
