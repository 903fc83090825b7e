import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPER_PAGES } from '../scripts/teams-app-package.js';
import { Harness } from './harness/sidos-harness.js';

const offices = [
  { id: 'uusimaa', name: 'Uusimaa <regional> & office', timeZone: 'Europe/Helsinki', locale: 'fi', email: 'sidos-uusimaa@example.fi' },
  { id: 'pohjanmaa', name: 'Ostrobothnia regional office', timeZone: 'Europe/Helsinki', locale: 'sv', email: 'sidos-pohjanmaa@example.fi' },
];

describe('about, privacy and terms pages', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ config: { offices, retention: { personalDataDays: 730 } } });
  });
  afterAll(() => h.stop());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${h.sidos.url}${path}`, { headers });

  it('serves every page the Teams package links to, as HTML without scripts', async () => {
    for (const page of Object.values(DEVELOPER_PAGES)) {
      const res = await get(`/${page}?lang=en`);
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      const body = await res.text();
      expect(body).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
      expect(body).not.toContain('<script');
      expect(body).toContain('<link rel="stylesheet" href="p/assets/sidos.css">');
      expect(body).toMatch(/<a href="[a-z]+\?lang&#x3D;sv" lang="sv" hreflang="sv">svenska<\/a>/);
      expect(body).toContain('<a href="mailto:sidos-pohjanmaa@example.fi">sidos-pohjanmaa@example.fi</a>');
    }
  });

  it('says what is stored, how to see it and the configured retention on the privacy page', async () => {
    const body = await (await get('/privacy?lang=en')).text();
    expect(body).toContain('<title>Privacy</title>');
    expect(body).toContain('Type &quot;my data&quot; in your personal chat with Sidos');
    expect(body).toContain('A partner who gets Sidos&#x27;s e-mails also finds a link to their own data in each of them.');
    expect(body).toContain('Personal data older than 730 days is anonymised automatically.');
    expect(body).toContain('fewer than 3 answers');
  });

  it('escapes configured names', async () => {
    const body = await (await get('/about?lang=en')).text();
    expect(body).toContain('Uusimaa &lt;regional&gt; &amp; office: ');
    expect(body).not.toContain('<regional>');
  });

  it('picks the language from ?lang=, then Accept-Language, then the default office', async () => {
    expect(await (await get('/terms?lang=sv')).text()).toContain('<title>Användarvillkor</title>');
    expect(await (await get('/terms', { 'Accept-Language': 'de-DE, sv-FI;q=0.8, en;q=0.5' })).text()).toContain('<title>Användarvillkor</title>');
    expect(await (await get('/terms', { 'Accept-Language': 'de-DE' })).text()).toContain('<title>Käyttöehdot</title>');
    expect(await (await get('/about?lang=xx', { 'Accept-Language': 'en-GB' })).text()).toContain(
      '<title>Sidos – stakeholder meetings and feedback</title>',
    );
  });
});
