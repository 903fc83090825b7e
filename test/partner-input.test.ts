import { describe, expect, it } from 'vitest';
import { PARTNER_INPUT_ERROR_CODES, parsePartnerInput } from '../bot/domain/partner-input.js';
import { errorsOf, valueOf } from './harness/parse-results.js';

const ctx = { segments: ['municipalities', 'debt-counsellors'], offices: ['uusimaa', 'pohjanmaa'] };
const GUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

// Shaped like an Adaptive Card submission: strings, plus the action's own keys.
const valid = {
  verb: 'partner.save',
  partnerId: 'p-1',
  name: '  Matti Meikäläinen ',
  organisation: ' Espoon kaupunki ',
  segment: 'municipalities',
  officeId: 'uusimaa',
  email: ' Matti.Meikalainen@Espoo.FI ',
  aadObjectId: '',
  locale: 'sv',
};

const errorsFor = (patch: Record<string, unknown>) => errorsOf(parsePartnerInput({ ...valid, ...patch }, ctx), patch);
const valueFor = (patch: Record<string, unknown>) => valueOf(parsePartnerInput({ ...valid, ...patch }, ctx));

describe('parsePartnerInput', () => {
  it('accepts a card submission: trims, lower-cases the e-mail and ignores other keys', () => {
    const result = parsePartnerInput(valid, ctx);
    expect(result).toStrictEqual({
      ok: true,
      value: {
        name: 'Matti Meikäläinen',
        organisation: 'Espoon kaupunki',
        segment: 'municipalities',
        officeId: 'uusimaa',
        email: 'matti.meikalainen@espoo.fi',
        locale: 'sv',
      },
    });
  });

  it('reports every missing field at once, for an empty or non-object submission', () => {
    const required = ['name', 'organisation', 'segment', 'officeId', 'email'].map((field) => ({ field, code: 'required' }));
    expect(parsePartnerInput({}, ctx)).toEqual({ ok: false, errors: required });
    expect(parsePartnerInput(null, ctx)).toEqual({ ok: false, errors: required });
    expect(parsePartnerInput('name=Matti', ctx)).toEqual({ ok: false, errors: required });
    expect(errorsFor({ name: '   ', email: '' })).toEqual([
      { field: 'name', code: 'required' },
      { field: 'email', code: 'required' },
    ]);
  });

  it('rejects values that are not strings, whatever the field', () => {
    const notStrings = { name: 42, organisation: ['Espoo'], segment: { id: 'municipalities' }, officeId: true, email: null, aadObjectId: 7, locale: 1 };
    expect(errorsFor(notStrings)).toEqual(Object.keys(notStrings).map((field) => ({ field, code: 'invalid' })));
  });

  it('limits the name to 120 and the organisation to 160 characters, after trimming', () => {
    expect(valueFor({ name: ` ${'n'.repeat(120)} `, organisation: 'o'.repeat(160) }).name).toHaveLength(120);
    expect(errorsFor({ name: 'n'.repeat(121), organisation: 'o'.repeat(161) })).toEqual([
      { field: 'name', code: 'too-long', params: { max: 120 } },
      { field: 'organisation', code: 'too-long', params: { max: 160 } },
    ]);
  });

  it('requires a known segment and office, matched case-insensitively', () => {
    expect(errorsFor({ segment: 'banks', officeId: 'lappi' })).toEqual([
      { field: 'segment', code: 'unknown-segment', params: { value: 'banks' } },
      { field: 'officeId', code: 'unknown-office', params: { value: 'lappi' } },
    ]);
    expect(valueFor({ segment: ' Debt-Counsellors ', officeId: 'POHJANMAA' })).toMatchObject({
      segment: 'debt-counsellors',
      officeId: 'pohjanmaa',
    });
  });

  it('requires a valid e-mail of at most 254 characters', () => {
    for (const email of ['matti', 'matti@', '@espoo.fi', 'matti@espoo', 'matti meikalainen@espoo.fi', 'matti..m@espoo.fi', 'Matti <matti@espoo.fi>']) {
      expect(errorsFor({ email })).toEqual([{ field: 'email', code: 'invalid-email' }]);
    }
    const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.fi`;
    expect(long).toHaveLength(254);
    expect(valueFor({ email: long }).email).toBe(long);
    expect(errorsFor({ email: `x${long}` })).toEqual([{ field: 'email', code: 'too-long', params: { max: 254 } }]);
    expect(valueFor({ email: "o'neil+sidos@kela.example.fi" }).email).toBe("o'neil+sidos@kela.example.fi");
  });

  it('takes an optional Teams identity as a GUID, blank meaning none', () => {
    expect(valueFor({ aadObjectId: ` ${GUID.toUpperCase()} ` }).aadObjectId).toBe(GUID);
    expect(valueFor({ aadObjectId: '  ' })).not.toHaveProperty('aadObjectId');
    const { aadObjectId: _omitted, ...withoutAad } = valid;
    expect(valueFor(withoutAad)).not.toHaveProperty('aadObjectId');
    for (const aadObjectId of ['not-a-guid', `{${GUID}}`, GUID.slice(1), `${GUID}0`]) {
      expect(errorsFor({ aadObjectId })).toEqual([{ field: 'aadObjectId', code: 'invalid-aad-object-id' }]);
    }
  });

  it('takes the preferred language fi, sv or en, Finnish by default', () => {
    expect(valueFor({ locale: 'EN' }).locale).toBe('en');
    expect(valueFor({ locale: '' }).locale).toBe('fi');
    const { locale: _omitted, ...withoutLocale } = valid;
    expect(parsePartnerInput(withoutLocale, ctx)).toMatchObject({ ok: true, value: { locale: 'fi' } });
    expect(errorsFor({ locale: 'de' })).toEqual([{ field: 'locale', code: 'unknown-locale', params: { value: 'de' } }]);
  });

  it('lists every code it can return', () => {
    const seen = new Set<string>();
    const collect = (patch: Record<string, unknown>) => errorsFor(patch).forEach((e) => seen.add(e.code));
    collect({ name: '', organisation: 3, segment: 'x', officeId: 'x', email: 'x', aadObjectId: 'x', locale: 'x' });
    collect({ name: 'n'.repeat(121) });
    collect({ name: 'n\u202e' });
    expect([...seen].sort()).toEqual([...PARTNER_INPUT_ERROR_CODES].sort());
  });
});

describe('parsePartnerInput and control characters', () => {
  it('refuses line breaks, control and text-direction characters in every text field with a field error', () => {
    const bad = { name: 'Matti\u202eneniälakieM', organisation: 'Espoo\nkaupunki', email: 'matti@espoo.fi\u0000', segment: 'munic\u202eipalities' };
    expect(errorsFor(bad)).toEqual([
      { field: 'name', code: 'control-characters' },
      { field: 'organisation', code: 'control-characters' },
      { field: 'segment', code: 'control-characters' },
      { field: 'email', code: 'control-characters' },
    ]);
    expect(errorsFor({ organisation: 'Espoo \u2066kaupunki\u2069' })).toEqual([{ field: 'organisation', code: 'control-characters' }]);
    expect(PARTNER_INPUT_ERROR_CODES).toContain('control-characters');
  });
});
