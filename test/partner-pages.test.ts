// Partner pages over HTTP: what the e-mails link to, the security headers,
// CSRF, the rate limit, links that belong to someone else, and the link store.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackRequest, Partner } from '../bot/domain/types.js';
import { translator } from '../bot/i18n.js';
import { issuePartnerLinks, partnerLinkOf, type PartnerLinkRequest } from '../bot/services/partner-links.js';
import { erasePerson } from '../bot/services/privacy-erasure.js';
import { FakeClock } from './harness/clock.js';
import { coordinator } from './harness/people.js';
import { meetingFixture, partnerFixture } from './harness/seed.js';
import { Harness } from './harness/sidos-harness.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';
import { parseMail, startSmtpCapture, type SmtpCapture } from './harness/smtp.js';

const BASE = 'https://sidos.example.fi';
const LINK_CONFIG = { publicBaseUrl: BASE, links: { expireAfterDays: 30, partnerPageDays: 60 } };
const A = partnerFixture('partner-a', { name: 'Aila Alanen', locale: 'en' });
const B = partnerFixture('partner-b', { name: 'Bertil Berg', locale: 'sv' });
const MEETING = meetingFixture();
const NOW = new Date('2027-02-20T08:00:00.000Z');

const request = (partner: Partner, id: string): FeedbackRequest => ({
  id,
  kind: 'adhoc',
  partnerId: partner.id,
  officeId: 'uusimaa',
  segment: partner.segment,
  sentAt: NOW.toISOString(),
  remindersSent: 0,
  status: 'open',
  closesAt: '2027-03-01T08:00:00.000Z',
});

describe('partner page links', () => {
  let temp: TempRecords;
  const linksOf = (partner: Partner, wanted: PartnerLinkRequest[]) =>
    temp.records.transaction((tx) => issuePartnerLinks(tx, LINK_CONFIG, wanted.map((w) => ({ ...w, partnerId: partner.id })), NOW));
  beforeAll(async () => {
    temp = await tempRecords();
    await temp.records.transaction(async (tx) => {
      await tx.put('partners', A);
      await tx.put('partners', B);
    });
  });
  afterAll(() => temp.cleanup());

  it('gives each person and purpose its own 256-bit token, reuses it for the same one and moves its expiry on', async () => {
    const [rsvp, myData] = await linksOf(A, [{ kind: 'rsvp', ref: 'inv-1', expiresAt: '2027-04-01T00:00:00.000Z' }, { kind: 'my-data', ref: A.id }]);
    expect(rsvp).toMatch(/^https:\/\/sidos\.example\.fi\/p\/[A-Za-z0-9_-]{43}$/);
    expect(myData).not.toBe(rsvp);
    const [again] = await linksOf(A, [{ kind: 'rsvp', ref: 'inv-1', expiresAt: '2027-05-01T00:00:00.000Z' }]);
    expect(again).toBe(rsvp);
    const [other] = await linksOf(B, [{ kind: 'rsvp', ref: 'inv-1', expiresAt: '2027-04-01T00:00:00.000Z' }]);
    expect(other).not.toBe(rsvp);
    const token = rsvp.split('/p/')[1];
    expect(await temp.records.get('links', token)).toEqual({ id: token, kind: 'rsvp', ref: 'inv-1', partnerId: A.id, expiresAt: '2027-05-01T00:00:00.000Z' });
    // my-data: links.partnerPageDays from now.
    expect((await temp.records.get('links', myData.split('/p/')[1]))?.expiresAt).toBe('2027-04-21T08:00:00.000Z');

    expect(await partnerLinkOf(temp.records, token, NOW)).toMatchObject({ status: 'valid', partner: { id: A.id } });
    expect(await partnerLinkOf(temp.records, token, new Date('2027-05-01T00:00:00.000Z'))).toMatchObject({ status: 'expired', partner: { id: A.id } });
    expect(await partnerLinkOf(temp.records, `${token.slice(0, -1)}x`, NOW)).toEqual({ status: 'unknown' });
  });

  it('drops a person’s page links when the person is erased', async () => {
    await erasePerson(temp.records, { people: [] } as never, { partnerId: A.id });
    const left = [];
    for await (const { record } of temp.records.scan('links')) left.push(record.partnerId);
    expect(left).toEqual([B.id]);
  });
});

describe('partner pages over HTTP', () => {
  let smtp: SmtpCapture;
  let h: Harness;
  const clock = new FakeClock(NOW.toISOString());
  let pageOfA = '';
  let bRequestOnALink = '';
  let myDataOfA = '';
  let foreignLinks: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    h = await Harness.start({
      clock: clock.now,
      env: { SMTP_URL: smtp.url, PUBLIC_BASE_URL: BASE },
      seedRecords: (records) =>
        records.transaction(async (tx) => {
          await tx.put('partners', A);
          await tx.put('partners', B);
          await tx.putInYear('plans', 2027, { id: 'plan-1', officeId: 'uusimaa', year: 2027, theme: 'Teema', segments: ['municipalities'], weekday: 2, time: '13:00', durationMinutes: 90, createdBy: 'x', createdAt: NOW.toISOString(), updatedAt: NOW.toISOString() });
          await tx.putInYear('meetings', 2027, MEETING);
          await tx.putInYear('feedbackRequests', 2027, request(A, 'req-a'));
          await tx.putInYear('feedbackRequests', 2027, request(B, 'req-b'));
          await tx.putInYear('proposals', 2027, {
            id: 'prop-b', feedbackId: 'fb-b', officeId: 'uusimaa', segment: B.segment, text: 'Bertil’s proposal', level: 'local',
            status: 'received', history: [], authorPartnerId: B.id, anonymous: false, createdAt: NOW.toISOString(),
          });
          await tx.putInYear('officeFeedback', 2027, {
            id: 'of-b', meetingId: MEETING.id, officeId: 'uusimaa', organisation: B.organisation, segment: B.segment, rating: 3,
            works: 'For Bertil’s organisation', couldDoDifferently: '', givenBy: 'x', givenAt: NOW.toISOString(),
          });
          const linksOfA = (wanted: PartnerLinkRequest[]) => issuePartnerLinks(tx, LINK_CONFIG, wanted.map((w) => ({ ...w, partnerId: A.id })), NOW);
          foreignLinks = await linksOfA([{ kind: 'proposal', ref: 'prop-b' }, { kind: 'office-feedback', ref: 'of-b' }, { kind: 'my-data', ref: B.id }]);
          [pageOfA, myDataOfA] = await linksOfA([{ kind: 'feedback', ref: 'req-a' }, { kind: 'my-data', ref: A.id }]);
          // A link of A's that names B's request, as a bug or an edited data file might: it must open nothing.
          [bRequestOnALink] = await linksOfA([{ kind: 'feedback', ref: 'req-b' }]);
        }),
    });
  });
  afterAll(async () => {
    await h.stop();
    await smtp.close();
  });

  const local = (url: string) => url.replace(BASE, h.sidos.url);
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1];
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  it('serves pages with no script, no framing, no referrer and no caching', async () => {
    for (const url of [local(pageOfA), `${h.sidos.url}/p/not-a-token-of-anyone-at-all`]) {
      const res = await fetch(url);
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const body = await res.text();
      expect(body).not.toMatch(/<script|style="/);
      expect(body).toContain('<link rel="stylesheet" href="assets/sidos.css">');
    }
    const css = await fetch(`${h.sidos.url}/p/assets/sidos.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('body {');
  });

  it('shows the partner’s own request in their language, and refuses a link to someone else’s request', async () => {
    const own = await fetch(local(pageOfA));
    const html = await own.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<p><strong>General feedback</strong></p>');
    const foreign = await fetch(local(bRequestOnALink));
    expect(foreign.status).toBe(404);
    const body = await foreign.text();
    expect(body).toContain(translator('en')('web.error.unknown'));
    expect(body).not.toContain('Bertil');
    for (const link of foreignLinks) {
      const res = await fetch(local(link));
      expect(res.status, link).toBe(404);
      expect(await res.text()).not.toMatch(/Bertil/);
    }
    // A page link serves no download.
    expect((await fetch(`${h.sidos.url}/files/${pageOfA.split('/p/')[1]}`)).status).toBe(404);
  });

  it('saves nothing from a form without its CSRF token, or with another link’s', async () => {
    const fields = { rating: '5', works: 'Good' };
    const missing = await fetch(local(pageOfA), form(fields));
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain(translator('en')('web.error.csrf'));
    // The token of A's feedback form is bound to that link: it does not work on A's other link.
    const ownCsrf = csrfOf(await (await fetch(local(pageOfA))).text());
    const wrong = await fetch(local(myDataOfA), form({ ...fields, csrf: ownCsrf }));
    expect(wrong.status).toBe(403);
    expect(await h.records.findBy('feedback', 'partnerId', A.id)).toEqual([]);

    const saved = await fetch(local(pageOfA), form({ ...fields, csrf: ownCsrf }));
    expect(saved.status).toBe(200);
    expect(await h.records.findBy('feedback', 'partnerId', A.id)).toMatchObject([{ partnerId: A.id, rating: 5, works: 'Good', requestId: 'req-a' }]);
  });

  it('puts the RSVP links in the invitation e-mail as buttons, plain links and in the .ics DESCRIPTION', async () => {
    await h.click(coordinator, 'invites.send', { meetingId: MEETING.id, [`invite_${B.id}`]: 'true' });
    await h.idle();
    const raw = smtp.mails.find((m) => m.to.includes(B.email))!;
    const mail = await parseMail(raw);
    const rsvp = /https:\/\/sidos\.example\.fi\/p\/[\w-]{43}/.exec(mail.text ?? '')![0];
    const sv = translator('sv');
    for (const answer of ['accepted', 'tentative', 'declined']) {
      expect(mail.text).toContain(`${sv(`invite.rsvp.${answer}`)}: ${rsvp}?answer=${answer}`);
      // Handlebars escapes "=" in attributes; a mail client reads it back as the same address.
      expect(mail.html).toContain(`href="${rsvp}?answer&#x3D;${answer}" style="display:inline-block;`);
    }
    const description = new ICAL.Component(ICAL.parse(mail.calendar!)).getFirstSubcomponent('vevent')!.getFirstPropertyValue('description');
    expect(description).toContain(sv('web.link.rsvp', { url: rsvp }));
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['text/calendar', 'application/ics']);
    const link = await h.records.get('links', rsvp.split('/p/')[1]);
    expect(link).toMatchObject({ kind: 'rsvp', partnerId: B.id, expiresAt: '2027-04-01T12:30:00.000Z' });
  });

  it('limits each client’s page requests as it limits downloads', async () => {
    const statuses = await Promise.all(Array.from({ length: 40 }, () => fetch(`${h.sidos.url}/p/not-a-token-of-anyone-at-all`).then((r) => r.status)));
    expect(statuses).toContain(429);
  });
});
