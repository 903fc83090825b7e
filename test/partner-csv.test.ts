import { describe, expect, it } from 'vitest';
import { MAX_CSV_BYTES, parsePartnerCsv } from '../bot/domain/partner-csv.js';

const ctx = { segments: ['municipalities', 'debt-counsellors'], offices: ['uusimaa', 'pohjanmaa'], defaultOffice: 'uusimaa' };

const matti = {
  name: 'Matti Meikäläinen',
  organisation: 'Espoon kaupunki',
  segment: 'municipalities',
  officeId: 'uusimaa',
  email: 'matti@espoo.fi',
};

describe('parsePartnerCsv', () => {
  it('strips line breaks, control and text-direction characters from cells and names the lines', () => {
    const csv = [
      'name;organisation;segment;email',
      'Matti Meikäläinen;Espoon \u202ekaupunki\u202c;municipalities;matti@espoo.fi',
      'Liisa Virtanen;Takuusäätiö;debt-counsellors;liisa@takuu.fi',
      '"Jänis\r\nJärvinen\u0000";"Hämeen\u2066linna\u2069";municipalities;\u200fjanis@hameenlinna.fi',
    ].join('\r\n');
    const result = parsePartnerCsv(csv, ctx);
    expect(result.cleanedLines).toEqual([2, 4]);
    expect(result.rows.map((r) => (r.ok ? [r.line, r.value.name, r.value.organisation, r.value.email] : r))).toEqual([
      [2, 'Matti Meikäläinen', 'Espoon kaupunki', 'matti@espoo.fi'],
      [3, 'Liisa Virtanen', 'Takuusäätiö', 'liisa@takuu.fi'],
      [4, 'Jänis Järvinen', 'Hämeenlinna', 'janis@hameenlinna.fi'],
    ]);
    expect(parsePartnerCsv('name,organisation,segment,email\nMatti,Espoo,municipalities,m@espoo.fi', ctx).cleanedLines).toBeUndefined();
  });

  it('reads an English header with "," and reports each row with its line', () => {
    const csv = [
      'Name,Organisation,Segment,Office,E-mail,Language,AAD',
      'Matti Meikäläinen,Espoon kaupunki,municipalities,uusimaa,Matti@Espoo.fi,en,',
      '"Virtanen, Liisa","Takuusäätiö, Helsinki",debt-counsellors,pohjanmaa,liisa@takuu.fi,sv,3F2504E0-4F89-41D3-9A0C-0305E82C3301',
    ].join('\n');
    expect(parsePartnerCsv(csv, ctx)).toStrictEqual({
      rows: [
        { line: 2, email: 'matti@espoo.fi', ok: true, value: { ...matti, locale: 'en' } },
        {
          line: 3,
          email: 'liisa@takuu.fi',
          ok: true,
          value: {
            name: 'Virtanen, Liisa',
            organisation: 'Takuusäätiö, Helsinki',
            segment: 'debt-counsellors',
            officeId: 'pohjanmaa',
            email: 'liisa@takuu.fi',
            aadObjectId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
            locale: 'sv',
          },
        },
      ],
    });
  });

  it('reads a Finnish Excel export: BOM, ";" and CRLF, without office and language columns', () => {
    const csv = '\uFEFFNimi;Organisaatio;Segmentti;Sähköposti\r\nMatti Meikäläinen;Espoon kaupunki;municipalities;matti@espoo.fi\r\n';
    expect(parsePartnerCsv(csv, ctx)).toStrictEqual({
      // No language given: the import keeps an existing partner's (and adds new ones in Finnish).
      rows: [{ line: 2, email: 'matti@espoo.fi', ok: true, value: matti }],
    });
  });

  it('reads Swedish headers with tabs, an office column and blank cells', () => {
    const csv = 'namn\torganisation\tsegment\tkontor\te-post\tspråk\nMatti Meikäläinen\tEspoon kaupunki\tmunicipalities\t\tmatti@espoo.fi\t\n';
    const [row] = parsePartnerCsv(csv, ctx).rows;
    // A blank office is the default office; a blank language is left out as when the column is missing.
    expect(row).toStrictEqual({ line: 2, email: 'matti@espoo.fi', ok: true, value: matti });
  });

  it('accepts Finnish and Swedish names for the office, language and Teams identity columns', () => {
    const csv = 'nimi,organisaatio,segmentti,toimisto,sähköposti,kieli,aad\nMatti,Espoo,municipalities,pohjanmaa,m@espoo.fi,sv,3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    expect(parsePartnerCsv(csv, ctx).rows[0]).toMatchObject({
      ok: true,
      value: { officeId: 'pohjanmaa', locale: 'sv', aadObjectId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' },
    });
  });

  it('reads the office from a "toimisto" column (the Finnish word the cards use) as from an older "virasto" one', () => {
    for (const header of ['toimisto', 'virasto']) {
      const csv = `nimi,organisaatio,segmentti,${header},sähköposti\nMatti,Espoo,municipalities,pohjanmaa,m@espoo.fi`;
      expect(parsePartnerCsv(csv, ctx).rows[0], header).toMatchObject({ ok: true, value: { officeId: 'pohjanmaa' } });
    }
  });

  it('ignores other columns, empty lines and rows of empty cells, and counts lines as an editor does', () => {
    const csv = [
      'puhelin;nimi;organisaatio;segmentti;sähköposti',
      '',
      '040 123;Matti;Espoo;municipalities;matti@espoo.fi',
      ';;;;',
      '050 456;"Liisa',
      'Virtanen";Takuusäätiö;debt-counsellors;liisa@takuu.fi',
      '060 789;Pekka;Vantaa;municipalities;pekka@vantaa.fi',
    ].join('\r\n');
    const rows = parsePartnerCsv(csv, ctx).rows;
    expect(rows.map((r) => [r.line, r.email, r.ok])).toEqual([
      [3, 'matti@espoo.fi', true],
      [5, 'liisa@takuu.fi', true],
      [7, 'pekka@vantaa.fi', true],
    ]);
    // A quoted line break inside a cell becomes a space: names are single lines.
    expect(rows[1]).toMatchObject({ value: { name: 'Liisa Virtanen' } });
  });

  it('rejects rows with the same rules as the card, reporting every reason', () => {
    const csv = [
      'name;organisation;segment;email;language',
      'Matti;Espoo;municipalities;matti.espoo.fi;fi',
      'Liisa;Takuusäätiö;banks;liisa@takuu.fi;de',
      ';;;pekka@vantaa.fi;',
    ].join('\n');
    expect(parsePartnerCsv(csv, ctx).rows).toStrictEqual([
      { line: 2, email: 'matti.espoo.fi', ok: false, errors: [{ field: 'email', code: 'invalid-email' }] },
      {
        line: 3,
        email: 'liisa@takuu.fi',
        ok: false,
        errors: [
          { field: 'segment', code: 'unknown-segment', params: { value: 'banks' } },
          { field: 'locale', code: 'unknown-locale', params: { value: 'de' } },
        ],
      },
      {
        line: 4,
        email: 'pekka@vantaa.fi',
        ok: false,
        errors: ['name', 'organisation', 'segment'].map((field) => ({ field, code: 'required' })),
      },
    ]);
  });

  it('rejects an unknown office in the office column', () => {
    const csv = 'name,organisation,segment,office,email\nMatti,Espoo,municipalities,lappi,matti@espoo.fi';
    expect(parsePartnerCsv(csv, ctx).rows[0]).toMatchObject({
      ok: false,
      errors: [{ field: 'officeId', code: 'unknown-office', params: { value: 'lappi' } }],
    });
  });

  it('rejects a later row with an e-mail already in the file, whatever its case', () => {
    const csv = [
      'name,organisation,segment,email',
      'Matti,Espoo,municipalities,matti@espoo.fi',
      'Liisa,Takuusäätiö,debt-counsellors,liisa@takuu.fi',
      'Matti M.,Espoo,municipalities,MATTI@espoo.fi',
    ].join('\n');
    const rows = parsePartnerCsv(csv, ctx).rows;
    expect(rows.map((r) => r.ok)).toEqual([true, true, false]);
    expect(rows[2]).toStrictEqual({
      line: 4,
      email: 'matti@espoo.fi',
      ok: false,
      errors: [{ field: 'email', code: 'duplicate-in-file', params: { line: 2 } }],
    });
  });

  it('rejects a row with more cells than the header has columns', () => {
    const csv = 'name,organisation,segment,email\nVirtanen, Liisa,Takuusäätiö,debt-counsellors,liisa@takuu.fi';
    expect(parsePartnerCsv(csv, ctx).rows[0]).toMatchObject({
      ok: false,
      errors: [
        { field: 'row', code: 'column-count', params: { expected: 4, found: 5 } },
        { field: 'segment', code: 'unknown-segment', params: { value: 'Takuusäätiö' } },
        { field: 'email', code: 'invalid-email' },
      ],
    });
  });

  describe('refuses the whole text', () => {
    const fatal = (text: string) => {
      const result = parsePartnerCsv(text, ctx);
      expect(result.rows).toEqual([]);
      return result.fatal;
    };

    it('when it is empty or has no data rows', () => {
      expect(fatal('')).toEqual({ code: 'empty' });
      expect(fatal('\uFEFF \r\n\r\n')).toEqual({ code: 'empty' });
      expect(fatal('name,organisation,segment,email\n')).toEqual({ code: 'empty' });
    });

    it('when required columns are missing, naming them', () => {
      expect(fatal('nimi;puhelin;sähköposti\nMatti;040;matti@espoo.fi')).toEqual({
        code: 'missing-columns',
        params: { columns: 'organisation, segment' },
      });
      // No header at all: the first row is taken as one and nothing matches.
      expect(fatal('Matti,Espoo,municipalities,matti@espoo.fi\nLiisa,Takuu,municipalities,liisa@takuu.fi')).toEqual({
        code: 'missing-columns',
        params: { columns: 'name, organisation, segment, email' },
      });
    });

    it('when a column appears twice', () => {
      expect(fatal('name,organisation,segment,email,sähköposti\nM,E,municipalities,a@b.fi,c@d.fi')).toEqual({
        code: 'duplicate-column',
        params: { column: 'email' },
      });
    });

    it('when the CSV cannot be parsed, with the line where parsing stopped', () => {
      const csv = 'name,organisation,segment,email\nMatti,Espoo,municipalities,matti@espoo.fi\nLiisa,"Takuu,municipalities,liisa@takuu.fi';
      expect(fatal(csv)).toEqual({ code: 'unparseable', params: { line: 3 } });
    });

    it('when it has more than 2000 rows', () => {
      const row = (i: number) => `P${i},Org,municipalities,p${i}@example.fi`;
      const header = 'name,organisation,segment,email';
      const at = (n: number) => [header, ...Array.from({ length: n }, (_, i) => row(i))].join('\n');
      expect(parsePartnerCsv(at(2000), ctx).rows).toHaveLength(2000);
      expect(fatal(at(2001))).toEqual({ code: 'too-many-rows', params: { max: 2000 } });
    });

    it('when it is larger than 1 MB', () => {
      const header = 'name,organisation,segment,email\n';
      // "ä" is two bytes in UTF-8: the limit is on bytes, not characters.
      const filler = (bytes: number) => `M,${'ä'.repeat((bytes - header.length - 24) / 2)},municipalities,m@e.fi`;
      const atLimit = header + filler(MAX_CSV_BYTES);
      expect(Buffer.byteLength(atLimit)).toBe(MAX_CSV_BYTES);
      expect(parsePartnerCsv(atLimit, ctx).fatal).toBeUndefined();
      expect(fatal(`${atLimit}\n`)).toEqual({ code: 'too-large', params: { maxBytes: 1024 * 1024 } });
    });
  });
});
