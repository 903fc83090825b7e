// Partners outside the tenant, in a real browser (Chromium from
// @sparticuz/chromium, driven by playwright-core): the links in the e-mails
// captured by a real SMTP server open Sidos's pages, answers given there count
// as in Teams, errors sit beside their fields, broken links change nothing, and
// axe-core finds no serious or critical accessibility problem on any page.
// Screenshots of every page in every language go to test-output/screenshots/.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './harness/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../bot/domain/types.js';
import { translator } from '../bot/i18n.js';
import type { RecordStore } from '../bot/store/records.js';
import { FakeClock } from './harness/clock.js';
import { cardOf } from './harness/connector.js';
import { coordinator, national } from './harness/people.js';
import { meetingFixture, partnerFor, seedPlannedMeeting } from './harness/seed.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { parseMail, startSmtpCapture, type SmtpCapture } from './harness/smtp.js';
import { allRecords, yearRecords } from './harness/read-records.js';

const BASE = 'https://sidos.example.fi';
const SCREENSHOTS = resolve(import.meta.dirname, '../test-output/screenshots');
const LANGS = ['fi', 'sv', 'en'] as const;

const ERKKI = partnerFor({ name: 'Erkki Esimerkki', email: 'erkki@vantaa.example.fi' }, { organisation: 'Vantaan kaupunki', locale: 'sv' });
const ANNA = partnerFor({ name: 'Anna Anttila', email: 'anna@espoo.example.fi' }, { organisation: 'Espoon kaupunki', locale: 'fi' });
const MEETING = meetingFixture({ id: 'meeting-web', uid: 'meeting-web@sidos' });
const sv = translator('sv');

const seed = (records: RecordStore, partners: Partner[]) => seedPlannedMeeting(records, MEETING, partners, coordinator.aadObjectId);

describe('partner pages in a browser', () => {
  let smtp: SmtpCapture;
  let h: Harness;
  let browser: Browser;
  /** A phone-sized window; CSP bypassed only so axe-core can be injected. */
  let phone: BrowserContext;
  let page: Page;
  const clock = new FakeClock('2027-02-20T08:00:00.000Z');

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    smtp = await startSmtpCapture();
    h = await Harness.start({
      clock: clock.now,
      seedRecords: (records) => seed(records, [ERKKI, ANNA]),
      env: { SMTP_URL: smtp.url, PUBLIC_BASE_URL: BASE },
      // One answer is enough for the staff view to show it.
      config: { feedback: { reminderAfterDays: 3, maxReminders: 2, anonymityMinimum: 1 } },
    });
    browser = await launchChromium();
    phone = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    page = await phone.newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
    await smtp?.close();
  });

  /** The mails to `partner` so far, parsed. */
  const mailsTo = async (partner: Partner) => Promise.all(smtp.mails.filter((m) => m.to.includes(partner.email)).map((m) => parseMail(m)));
  /** The personal page links in a mail's text part, pointed at the test server. */
  const linksIn = (text: string) => [...text.matchAll(/https:\/\/sidos\.example\.fi\/p\/[\w-]+(\?answer=\w+)?/g)].map((m) => m[0].replace(BASE, h.sidos.url));
  const year = () => yearRecords(h.records, 2027);

  async function noSeriousViolations(p: Page, name: string): Promise<void> {
    await p.addScriptTag({ content: axe.source });
    const result = await p.evaluate(() => (globalThis as unknown as { axe: typeof axe }).axe.run());
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${name}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }

  /** The page in each language: axe-core on it, and a screenshot. */
  async function everyLanguage(url: string, name: string): Promise<void> {
    for (const lang of LANGS) {
      const target = new URL(url);
      target.searchParams.set('lang', lang);
      await page.goto(target.href);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      await noSeriousViolations(page, `${name}-${lang}`);
      await page.screenshot({ path: resolve(SCREENSHOTS, `${name}-${lang}.png`), fullPage: true });
    }
  }

  let erkkiRsvp = '';
  let annaRsvp = '';

  it('sends e-mail invitations whose RSVP links open the page; accepting shows in the coordinator’s card', async () => {
    await h.click(coordinator, 'invites.send', { meetingId: MEETING.id, [`invite_${ERKKI.id}`]: 'true', [`invite_${ANNA.id}`]: 'true' });
    await h.idle();
    const [invite] = await mailsTo(ERKKI);
    const links = linksIn(invite.text ?? '');
    const accept = links.find((l) => l.endsWith('?answer=accepted'))!;
    erkkiRsvp = accept.replace('?answer=accepted', '');
    annaRsvp = linksIn((await mailsTo(ANNA))[0].text ?? '').find((l) => l.endsWith('?answer=accepted'))!.replace('?answer=accepted', '');

    // Opening the link answers nothing yet (a mail scanner may open it too): the page asks to confirm.
    const opened = await page.goto(accept);
    expect(opened?.status()).toBe(200);
    expect(await page.textContent('.notice')).toBe(sv('web.rsvp.confirm', { answer: sv('invite.rsvp.accepted') }));
    expect((await year()).invitations.find((i) => i.partnerId === ERKKI.id)?.rsvp).toBe('needs-action');
    await noSeriousViolations(page, 'rsvp-confirm');
    await page.screenshot({ path: resolve(SCREENSHOTS, 'rsvp-confirm-sv.png'), fullPage: true });

    await page.click('button[value="accepted"]');
    expect(await page.textContent('.notice')).toBe(sv('web.rsvp.saved', { answer: sv('invite.answer.accepted') }));
    expect((await year()).invitations.find((i) => i.partnerId === ERKKI.id)?.rsvp).toBe('accepted');
    const card = cardText((await h.click(coordinator, 'invites.open', { meetingId: MEETING.id })).value);
    expect(card).toContain('1 osallistuu, 0 ehkä, 0 ei osallistu, 1 ei vastannut');
    expect(card).toContain('Erkki Esimerkki, Vantaan kaupunki: osallistuu');

    // The confirmation page lets the partner change the answer, and the coordinator sees the change.
    await page.click('button[value="declined"]');
    expect(await page.textContent('.notice')).toBe(sv('web.rsvp.saved', { answer: sv('invite.answer.declined') }));
    expect(cardText((await h.click(coordinator, 'invites.open', { meetingId: MEETING.id })).value)).toContain('0 osallistuu, 0 ehkä, 1 ei osallistu, 1 ei vastannut');
    await page.click('button[value="accepted"]');
    await everyLanguage(erkkiRsvp, 'rsvp');
  });

  it('works with JavaScript disabled, with the stylesheet allowed by the page’s own CSP', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    try {
      const p = await noScript.newPage();
      await p.goto(`${annaRsvp}?answer=tentative`);
      // Styled by /p/assets/sidos.css: the page is a narrow column, not the window's width.
      expect((await p.locator('main').boundingBox())!.width).toBeLessThanOrEqual(672);
      await p.click('button[value="tentative"]');
      expect(await p.textContent('.notice')).toBe(translator('fi')('web.rsvp.saved', { answer: translator('fi')('invite.answer.tentative') }));
      expect((await year()).invitations.find((i) => i.partnerId === ANNA.id)?.rsvp).toBe('tentative');
    } finally {
      await noScript.close();
    }
  });

  let erkkiForm = '';
  let annaForm = '';

  it('refuses rating 1 without a justification beside the field and saves nothing, then saves it; editing updates it; staff view, proposals and digest count it', async () => {
    clock.set('2027-03-03T08:00:00.000Z');
    await h.runJob('feedback.requests');
    await h.idle();
    const request = (await mailsTo(ERKKI)).at(-1)!;
    expect(request.subject).toMatch(/^Sidos: /);
    erkkiForm = linksIn(request.text ?? '')[0];
    annaForm = linksIn((await mailsTo(ANNA)).at(-1)!.text ?? '')[0];
    expect(request.html).toContain(sv('web.link.feedback'));

    await page.goto(erkkiForm);
    await noSeriousViolations(page, 'feedback');
    await page.check('#rating-1');
    await page.fill('#works', 'Tydliga kallelser.');
    await page.click('form button[type="submit"]');
    const message = `${sv('feedback.field.justification')}: ${sv('validation.feedback-justification-required', { min: 10 })}`;
    expect(await page.textContent('#justification-error')).toBe(message);
    expect(await page.getAttribute('#justification', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#justification', 'aria-describedby')).toContain('justification-error');
    expect(await page.textContent('.error-summary[role="alert"] a[href="#justification"]')).toBe(message);
    expect(await page.isChecked('#rating-1')).toBe(true);
    expect(await page.inputValue('#works')).toBe('Tydliga kallelser.');
    expect((await year()).feedback).toEqual([]);
    await noSeriousViolations(page, 'feedback-errors');
    await page.screenshot({ path: resolve(SCREENSHOTS, 'feedback-errors-sv.png'), fullPage: true });

    await page.fill('#justification', 'Kallelsen kom för sent till oss.');
    await page.click('form button[type="submit"]');
    expect(await page.textContent('.notice')).toBe(sv('feedback.saved'));
    expect((await year()).feedback).toMatchObject([{ partnerId: ERKKI.id, rating: 1, justification: 'Kallelsen kom för sent till oss.', anonymous: false }]);

    await page.goto(erkkiForm);
    expect(await page.isChecked('#rating-1')).toBe(true);
    await page.check('#rating-4');
    await page.fill('#proposal_0', 'Skicka kallelsen två veckor före mötet.');
    await page.selectOption('#level_0', 'local');
    await page.click('form button[type="submit"]');
    expect(await page.textContent('.notice')).toBe(sv('feedback.updated'));
    const data = await year();
    expect(data.feedback).toHaveLength(1);
    expect(data.feedback[0]).toMatchObject({ rating: 4, works: 'Tydliga kallelser.' });
    expect(data.proposals).toMatchObject([{ text: 'Skicka kallelsen två veckor före mötet.', level: 'local', authorPartnerId: ERKKI.id }]);
    await everyLanguage(erkkiForm, 'feedback');

    // The staff view shows the web answer as any other.
    const [staff] = await h.say(coordinator, 'feedback 2027');
    const text = cardText(cardOf(staff));
    expect(text).toContain('Erkki Esimerkki, Vantaan kaupunki');
    expect(text).toContain('Skicka kallelsen två veckor före mötet.');
    // So do the proposals list and the digest: one answer of the two attendees, rated 4.
    const proposals = cardText(cardOf((await h.say(coordinator, 'proposals'))[0]));
    expect(proposals).toContain('Skicka kallelsen två veckor före mötet.');
    expect(proposals).toContain('Erkki Esimerkki, Vantaan kaupunki');
    const digest = cardText(cardOf((await h.say(national, 'digest 2027-03'))[0]));
    expect(digest).toContain('Palautevastauksia: 1 · Pidettyjä tapaamisia: 1/1');
    // Intl puts a no-break space before the per cent sign.
    expect(digest).toMatch(/50\s%\s\(1\/2\)/);
    expect(digest).toContain('4,0 · 🟢 Hyvä');
  });

  it('links the proposal notice, the office’s feedback and the partner’s own data to their pages', async () => {
    const proposalId = (await year()).proposals[0].id;
    await h.click(coordinator, 'proposal.status.save', { proposalId, status: 'under-review', reason: '', filter: '' });
    await h.click(coordinator, 'office-feedback.submit', {
      meetingId: MEETING.id,
      organisation: ERKKI.organisation,
      rating: '4',
      works: 'Hakemukset olivat täydellisiä.',
      couldDoDifferently: '',
    });
    await h.idle();
    const mails = await mailsTo(ERKKI);
    const notice = mails.find((m) => (m.text ?? '').includes(sv('web.link.proposal')))!;
    const proposalPage = linksIn(notice.text ?? '')[0];
    await page.goto(proposalPage);
    expect(await page.textContent('main')).toContain('Skicka kallelsen två veckor före mötet.');
    await everyLanguage(proposalPage, 'proposal');

    const officeFeedback = mails.find((m) => (m.text ?? '').includes(sv('web.link.officeFeedback')))!;
    const officePage = linksIn(officeFeedback.text ?? '')[0];
    await page.goto(officePage);
    expect(await page.textContent('main')).toContain('Hakemukset olivat täydellisiä.');
    await everyLanguage(officePage, 'office-feedback');

    const myData = linksIn(notice.text ?? '')[1];
    await page.goto(myData);
    const mine = await page.textContent('main');
    expect(mine).toContain(ERKKI.email);
    expect(mine).toContain('Kallelsen kom för sent till oss.');
    expect(mine).not.toContain(ANNA.name);
    await everyLanguage(myData, 'my-data');
  });

  it('reminds with the same form link, which expires when the request closes', async () => {
    const mailsBefore = (await mailsTo(ERKKI)).length;
    clock.set('2027-03-06T08:00:00.000Z');
    await h.runJob('feedback.reminders');
    await h.idle();
    const reminder = (await mailsTo(ANNA)).at(-1)!;
    expect(reminder.subject).toMatch(/^Sidos: muistutus palautepyynnöstä – /);
    expect(linksIn(reminder.text ?? '')[0]).toBe(annaForm);
    // Erkki answered: no reminder.
    expect((await mailsTo(ERKKI)).length).toBe(mailsBefore);
    const request = (await year()).feedbackRequests.find((r) => r.partnerId === ANNA.id)!;
    const link = (await allRecords(h.records, 'links')).find((l) => annaForm.endsWith(l.id));
    expect(link).toMatchObject({ kind: 'feedback', ref: request.id, partnerId: ANNA.id, expiresAt: request.closesAt });

    // Anna answers from a browser without JavaScript.
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    try {
      const p = await noScript.newPage();
      await p.goto(annaForm);
      await p.check('#rating-5');
      await p.fill('#works', 'Selkeät kutsut.');
      await p.check('#anonymous');
      await p.click('form button[type="submit"]');
      expect(await p.textContent('.notice')).toBe(translator('fi')('feedback.saved'));
    } finally {
      await noScript.close();
    }
    expect((await year()).feedback.find((f: any) => f.partnerId === ANNA.id)).toMatchObject({ rating: 5, works: 'Selkeät kutsut.', anonymous: true });
  });

  it('never shows one partner’s request or answer on another partner’s page', async () => {
    expect(annaForm).not.toBe(erkkiForm);
    await page.goto(annaForm);
    const text = await page.textContent('body');
    expect(text).toContain(ANNA.name);
    expect(text).not.toContain(ERKKI.name);
    expect(text).not.toContain('Kallelsen kom för sent');
    expect(await page.isChecked('#rating-4')).toBe(false);
    expect(await page.isChecked('#rating-5')).toBe(true);
  });

  it('shows the error page for a tampered or expired link and changes nothing', async () => {
    const before = await year();
    const token = erkkiForm.split('/p/')[1];
    const tampered = erkkiForm.replace(token, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
    const res = await page.goto(tampered);
    expect(res?.status()).toBe(404);
    expect(await page.textContent('main')).toContain(translator('fi')('web.error.unknown'));
    await everyLanguage(tampered, 'error-unknown');

    // A form opened before the request closed and sent after it: refused, nothing saved.
    await page.goto(erkkiForm);
    await page.check('#rating-2');
    clock.set('2027-03-20T08:00:00.000Z');
    await page.click('form button[type="submit"]');
    expect(await page.textContent('main')).toContain(sv('web.error.expired'));
    const expired = await page.goto(erkkiForm);
    expect(expired?.status()).toBe(410);
    await everyLanguage(erkkiForm, 'error-expired');
    expect(await year()).toEqual(before);
  });
});
