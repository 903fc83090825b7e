// The national digest over HTTP: subscribing in a channel and a personal
// chat, the scheduled job with an injected clock, the card's figures and
// links, the HTML and CSV downloads, e-mail through a real SMTP server,
// exactly once across reruns and restarts, catch-up after downtime, a failed
// send retried, the on-demand command, and the HTML page in a real browser.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feedback, Partner, Proposal, ProposalStatus } from '../bot/domain/types.js';
import type { Kind, RecordKinds } from '../bot/store/record-kinds.js';
import type { RecordStore } from '../bot/store/records.js';
import type { Where } from './harness/activities.js';
import { launchChromium } from './harness/browser.js';
import { checkCard, withoutCharts } from './harness/card-check.js';
import { FakeClock } from './harness/clock.js';
import { cardOf, type PostedActivity } from './harness/connector.js';
import { admin, coordinator, national, partner } from './harness/people.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { parseMail, startSmtpCapture, type CapturedMail, type SmtpCapture } from './harness/smtp.js';
import { proposalFixture } from './harness/record-fixtures.js';

const T0 = '2027-01-04T08:00:00.000Z';
const person = (id: string, officeId: string, segment: string): Partner => ({
  id, name: `Name ${id}`, organisation: `Org ${id}`, segment, officeId, email: `${id}@example.fi`, locale: 'fi', createdAt: T0, updatedAt: T0,
});
const feedback = (id: string, partnerId: string, officeId: string, segment: string, rating: number, submittedAt: string): Feedback => ({
  id, kind: 'meeting', officeId, segment, partnerId, anonymous: false, rating, works: 'ok', change: 'more',
  ...(rating <= 2 ? { justification: 'because' } : {}), submittedAt, updatedAt: submittedAt,
});
const proposal = (id: string, text: string, createdAt: string, status: ProposalStatus = 'received', justification?: string): Proposal =>
  proposalFixture(id, {
    feedbackId: `fb-${id}`,
    text,
    status,
    history: [{ status: 'received', at: createdAt, by: 'system' }, ...(status === 'received' ? [] : [{ status, at: createdAt, by: 'coordinator' }])],
    authorPartnerId: 'u1',
    createdAt,
    ...(justification ? { justification } : {}),
  });

const MUN = 'municipalities';
const DEBT = 'debt-counsellors';
// Week 9 of 2027 is Mon 1 – Sun 7 March (Helsinki); week 8 is 22–28 February.
const W09 = '2027-03-03T10:00:00.000Z';
const W08 = '2027-02-24T10:00:00.000Z';

async function seed(records: RecordStore): Promise<void> {
  await records.transaction(async (tx) => {
    const partners = [
      ...['u1', 'u2', 'u3', 'u4'].map((id) => person(id, 'uusimaa', MUN)),
      ...['d1', 'd2', 'd3'].map((id) => person(id, 'uusimaa', DEBT)),
      ...['p1', 'p2'].map((id) => person(id, 'pohjanmaa', MUN)),
    ];
    for (const p of partners) await tx.put('partners', p);
    const feedback2027 = [
      feedback('f1', 'u1', 'uusimaa', MUN, 5, W09),
      feedback('f2', 'u2', 'uusimaa', MUN, 4, W09),
      feedback('f3', 'u3', 'uusimaa', MUN, 2, W09),
      feedback('f4', 'd1', 'uusimaa', DEBT, 4, W09),
      feedback('f5', 'd2', 'uusimaa', DEBT, 5, W09),
      feedback('f6', 'd3', 'uusimaa', DEBT, 1, W09),
      feedback('f7', 'u1', 'uusimaa', MUN, 3, W08),
      feedback('f8', 'u2', 'uusimaa', MUN, 4, W08),
      feedback('f9', 'u4', 'uusimaa', MUN, 4, W08),
      feedback('f10', 'p1', 'pohjanmaa', MUN, 5, W09),
    ];
    for (const f of feedback2027) await tx.putInYear('feedback', 2027, f);
    const proposals2027 = [
      proposal('n1', 'Yhtenäinen <lomake> kaikille', '2027-02-10T09:00:00.000Z', 'received', 'Nyt jokainen virasto pyytää eri liitteet & "eri muodossa"'),
      proposal('n2', 'Sähköinen maksusuunnitelma', '2027-02-15T09:00:00.000Z', 'under-review'),
      proposal('n3', 'Selkokieliset päätökset', '2027-02-16T09:00:00.000Z'),
      proposal('n4', 'Yksi yhteyspiste kunnille', '2027-02-17T09:00:00.000Z'),
      proposal('n5', 'Ajanvaraus verkossa', '2027-02-18T09:00:00.000Z'),
      proposal('n6', 'Jo tehty asia', '2027-02-19T09:00:00.000Z', 'done'),
    ];
    for (const p of proposals2027) await tx.putInYear('proposals', 2027, p);
    // Received last year and still waiting: it is filed under 2026.
    await tx.putInYear('proposals', 2026, proposal('old', 'Vanha mutta yhä avoin ehdotus', '2026-11-20T09:00:00.000Z', 'under-review'));
  });
}

const CHANNEL: Where = { kind: 'channel', teamId: '19:team-lead', channelId: '19:digest@thread.tacv2' };
const CHANNEL_ID = '19:digest@thread.tacv2;messageid=1';
const GROUP: Where = { kind: 'groupChat', chatId: '19:leaders-chat@thread.v2' };
const PERSONAL_ID = `a:personal-${national.aadObjectId}`;
const MAIL_TO = 'johto@national.example.fi';
const SCREENSHOTS = join(import.meta.dirname, '../test-output/screenshots');

/** Visible text with non-breaking spaces (Intl uses them in "86 %") made plain. */
const textOf = (posted: PostedActivity | undefined) => cardText(cardOf(posted)).replace(/\u00a0|\u202f/g, ' ');
const replyText = (posted: PostedActivity[]) => posted.map((p) => p.activity.text ?? '').join('\n');
/** The chart elements of a type in a card, in card order. */
function chartsOf(card: unknown, type: string): { data: unknown }[] {
  const found: { data: unknown }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if ((node as { type?: unknown }).type === type) found.push(node as { data: unknown });
    Object.values(node).forEach(walk);
  };
  walk(card);
  return found;
}
const urlsOf = (posted: PostedActivity | undefined): string[] => (cardOf(posted)?.actions ?? []).map((a: { url: string }) => a.url);

describe('national digest end to end', () => {
  const clock = new FakeClock('2027-03-03T10:00:00.000Z');
  let smtp: SmtpCapture;
  let mails: CapturedMail[];
  let h: Harness;

  /** The download behind a link of a card, fetched from the running server. */
  const download = (url: string) => {
    const link = new URL(url);
    return fetch(`${h.sidos.url}${link.pathname}${link.search}`);
  };
  /** Every record of a kind the running Sidos keeps, in the order kept. */
  const all = async <K extends Kind>(kind: K): Promise<RecordKinds[K][]> => {
    const found: RecordKinds[K][] = [];
    for await (const filed of h.records.scan(kind)) found.push(filed.record);
    return found;
  };
  const subscriptions = () => all('subscriptions');
  const lastDelivered = () => h.records.jobState('digest.lastDelivered');

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    mails = smtp.mails;
    h = await Harness.start({
      clock: clock.now,
      seedRecords: seed,
      env: { SMTP_URL: smtp.url, SMTP_FROM: 'sidos@example.fi' },
      config: { digest: { emails: [MAIL_TO] } },
    });
    h.connector.members.set(admin.id, { id: admin.id, aadObjectId: admin.aadObjectId, email: admin.email, name: admin.name });
  });
  afterAll(async () => {
    await h.stop();
    await smtp.close();
  });

  it('subscribes a channel and a personal chat, each once', async () => {
    expect(replyText(await h.say(national, 'subscribe digest', { where: CHANNEL, locale: 'en-US' }))).toBe(
      'Subscribed: the digest of each completed period will be delivered to this channel every week, with links to the full digest as a web page and as CSV.',
    );
    expect(replyText(await h.say(national, 'subscribe digest', { where: CHANNEL, locale: 'en-US' }))).toBe(
      'The digest is already delivered to this channel. Nothing was changed.',
    );
    expect(replyText(await h.say(national, 'subscribe digest', { locale: 'fi-FI' }))).toContain('toimitetaan tähän henkilökohtaiseen keskusteluun viikoittain');
    expect(await subscriptions()).toEqual([
      expect.objectContaining({ topic: 'digest', conversationRecordId: CHANNEL_ID, by: national.aadObjectId, locale: 'en' }),
      expect.objectContaining({ topic: 'digest', conversationRecordId: PERSONAL_ID, by: national.aadObjectId, locale: 'fi' }),
    ]);
  });

  it('unsubscribes, and says so when there was nothing to unsubscribe', async () => {
    expect(replyText(await h.say(admin, 'subscribe digest', { where: GROUP, locale: 'en-US' }))).toContain('delivered to this group chat every week');
    expect(await subscriptions()).toHaveLength(3);
    expect(replyText(await h.say(admin, 'unsubscribe digest', { where: GROUP, locale: 'en-US' }))).toBe(
      'Unsubscribed: the digest is no longer delivered to this group chat.',
    );
    expect(replyText(await h.say(admin, 'unsubscribe digest', { where: GROUP, locale: 'en-US' }))).toContain('there was nothing to unsubscribe');
    expect((await subscriptions()).map((s: { conversationRecordId: string }) => s.conversationRecordId)).toEqual([CHANNEL_ID, PERSONAL_ID]);
  });

  it('refuses subscribe from a partner and a coordinator', async () => {
    for (const user of [partner, coordinator]) {
      const replies = await h.say(user, 'subscribe digest', { where: CHANNEL, locale: 'en-US' });
      expect(replyText(replies)).toContain('Sorry, this is only for national leadership, administrator.');
    }
    expect(await subscriptions()).toHaveLength(2);
  });

  it('delivers last week on Monday 08:00 Helsinki: one card per subscriber, in its language, with figures and links', async () => {
    clock.set('2027-03-08T06:00:00.000Z');
    const sent = await h.runJob('digest.deliver');
    expect(sent.map((s) => s.conversationId).sort()).toEqual([CHANNEL_ID, PERSONAL_ID].sort());

    const en = textOf(sent.find((s) => s.conversationId === CHANNEL_ID));
    expect(en).toContain('Stakeholder feedback digest 2027-W09');
    expect(en).toContain('Period: 1 Mar 2027 – 7 Mar 2027');
    expect(en).toContain('Uusimaa regional office');
    expect(en).toContain('Feedback answers: 6 · Meetings held: 0/0');
    // 6 of 7 partners answered (3 of 7 the week before); ratings 5,4,2,4,5,1 against 3,4,4.
    // The office rate says what it counts: everyone in the register; the segments asked have their own rates.
    expect(en).toContain('Response rate over the whole register\n86% (6/7) · ▲ +43 pp · 🟢 Good');
    expect(en).toContain('By segment: Municipalities 75% (3/4) · Debt counsellors 100% (3/3)');
    expect(en).toContain('Average rating\n3.5 · ▼ -0.17 · 🟡 Watch');
    expect(en).toContain('Positive (4–5)\n67% · ± 0 pp · 🟢 Good');
    expect(en).toContain('Critical (1–2)\n33% · ▲ +33 pp · 🔴 Needs attention');
    // One answer in Ostrobothnia: its rating is hidden, the response rate is not. Nothing was asked
    // or answered there the week before, so there is no rate to compare with and no trend.
    expect(en).toContain('Response rate over the whole register\n50% (1/2) · 🟡 Watch');
    expect(en).toContain('Average rating\nhidden');
    expect(en).toContain('fewer than 3 answers');
    // Six proposals wait for a national decision (one from last year's file); five are shown.
    expect(en).toContain('Proposals needing a national decision (6)');
    expect(en).toContain('Vanha mutta yhä avoin ehdotus');
    expect(en).toContain('Yhtenäinen <lomake> kaikille');
    expect(en).toContain('Justification: Nyt jokainen virasto pyytää eri liitteet & "eri muodossa"');
    expect(en).not.toContain('Ajanvaraus verkossa');
    expect(en).not.toContain('Jo tehty asia');
    expect(en).toContain('Showing 5 of 6; all of them are in the full digest.');

    const fi = textOf(sent.find((s) => s.conversationId === PERSONAL_ID));
    expect(fi).toContain('Sidosryhmäpalautteen kooste 2027-W09');
    expect(fi).toContain('Vastausprosentti koko rekisteristä\n86 % (6/7) · ▲ +43 %-yks. · 🟢 Hyvä');

    // The charts carry the computed figures: 3 of 7 answered in W08 and 6 of 7 in W09, positive 2 of 3 and 4 of 6;
    // no point for the six weeks before, in which nothing was asked or answered.
    const card = cardOf(sent.find((s) => s.conversationId === CHANNEL_ID))!;
    const [uusimaaTrend, pohjanmaaTrend] = chartsOf(card, 'Chart.Line');
    expect(uusimaaTrend.data).toEqual([
      { legend: 'Response rate', values: [{ x: '2027-W08', y: 43 }, { x: '2027-W09', y: 86 }] },
      { legend: 'Positive (4–5)', values: [{ x: '2027-W08', y: 67 }, { x: '2027-W09', y: 67 }] },
    ]);
    // Ostrobothnia's one answer keeps its ratings hidden: no positive share, no split.
    expect(pohjanmaaTrend.data).toEqual([{ legend: 'Response rate', values: [{ x: '2027-W09', y: 50 }] }]);
    expect(chartsOf(card, 'Chart.Donut').map((c) => c.data)).toEqual([
      [
        { legend: 'Positive (4–5)', value: 4, color: 'good' },
        { legend: 'Neutral (3)', value: 0, color: 'neutral' },
        { legend: 'Critical (1–2)', value: 2, color: 'attention' },
      ],
    ]);
    // Offices side by side: a grouped bar chart and a table with lights and open national proposals.
    expect(chartsOf(card, 'Chart.VerticalBar.Grouped')[0].data).toEqual([
      { legend: 'Response rate', values: [{ x: 'Uusimaa regional office', y: 86 }, { x: 'Ostrobothnia regional office', y: 50 }] },
      { legend: 'Positive (4–5)', values: [{ x: 'Uusimaa regional office', y: 67 }] },
      { legend: 'Critical (1–2)', values: [{ x: 'Uusimaa regional office', y: 33 }] },
    ]);
    expect(en).toContain('Uusimaa regional office\n86% 🟢\n67% 🟢\n33% 🔴\n3.5 🟡\n6\nOstrobothnia regional office\n50% 🟡\nhidden\nhidden\nhidden\n0');
    // A client without charts shows the fallbacks: the same figures as text.
    const plain = cardText(withoutCharts(card)).replace(/\u00a0|\u202f/g, ' ');
    expect(plain).not.toContain('"Chart.');
    expect(plain).toContain('Response rate: 2027-W02 –, 2027-W03 –, 2027-W04 –, 2027-W05 –, 2027-W06 –, 2027-W07 –, 2027-W08 43%, 2027-W09 86%');
    expect(plain).toContain('Answers this period: Positive (4–5): 4 · Neutral (3): 0 · Critical (1–2): 2');
    expect(checkCard(card)).toEqual([]);

    const [htmlUrl, csvUrl] = urlsOf(sent.find((s) => s.conversationId === CHANNEL_ID));
    expect(htmlUrl).toMatch(/\/files\/[A-Za-z0-9_-]{32}\?lang=en$/);
    expect(csvUrl).toMatch(/\/files\/[A-Za-z0-9_-]{32}\?lang=en$/);
    // Both subscribers get the same links, each in their own language.
    const [fiHtml] = urlsOf(sent.find((s) => s.conversationId === PERSONAL_ID));
    expect(fiHtml).toBe(htmlUrl.replace('lang=en', 'lang=fi'));

    expect(await lastDelivered()).toBe('2027-W09');
    expect((await all('sends')).filter((s) => s.id.startsWith('digest:2027-W09:')).map((s) => s.status)).toEqual([
      'sent',
      'sent',
      'sent',
    ]);
  });

  it('serves the full digest as a readable HTML page and as CSV', async () => {
    const links = await h.records.findBy('links', 'ref', '2027-W09');
    const token = (kind: string) => links.find((l) => l.kind === kind)!.id;

    const page = await download(`http://x/files/${token('digest-html')}?lang=en`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>Stakeholder feedback digest 2027-W09</h1>');
    expect(html).toContain('<h2 id="national">Proposals needing a national decision</h2>');
    expect(html).toContain('<h2 id="office-uusimaa">Uusimaa regional office</h2>');
    expect(html).toContain('Yhtenäinen &lt;lomake&gt; kaikille');
    expect(html).not.toContain('<lomake>');
    expect(html).toContain('Ajanvaraus verkossa');

    const finnish = await (await download(`http://x/files/${token('digest-html')}`)).text();
    expect(finnish).toContain('<h1>Sidosryhmäpalautteen kooste 2027-W09</h1>');
    expect(finnish).toContain('Arvosanojen keskiarvo');

    const file = await download(`http://x/files/${token('digest-csv')}?lang=en`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="sidos-digest-2027-W09.csv"');
    const rows: Record<string, string>[] = parse(await file.text(), { bom: true, columns: true });
    const total = rows.find((r) => r.Office === 'Uusimaa regional office' && r.Segment === 'All segments')!;
    expect(total).toMatchObject({ Period: '2027-W09', 'Feedback answers': '6', Respondents: '6', 'Target group': '7', 'Response rate': '0.8571' });
    expect(rows.find((r) => r.Office === 'Uusimaa regional office' && r.Segment === 'Debt counsellors')).toMatchObject({ 'Feedback answers': '3' });

    expect((await download(`http://x/files/${'x'.repeat(32)}`)).status).toBe(404);
  });

  it('shows the HTML digest with its charts in a real browser, runs no script, and prints on A4 (screenshot in test-output/)', async () => {
    const token = (await h.records.findBy('links', 'ref', '2027-W09')).find((l) => l.kind === 'digest-html')!.id;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (message) => problems.push(message.text()));
      page.on('pageerror', (error) => problems.push(error.message));
      const response = await page.goto(`${h.sidos.url}/files/${token}?lang=en`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
      // The charts are drawn (they have a size on the page) and named for screen readers.
      const charts = await page.locator('svg[role="img"]').evaluateAll((svgs) =>
        svgs.map((svg) => ({ label: svg.getAttribute('aria-labelledby'), width: svg.getBoundingClientRect().width, height: svg.getBoundingClientRect().height })),
      );
      expect(charts.map((c) => c.label)).toEqual([
        'offices-title offices-desc',
        'trend-uusimaa-title trend-uusimaa-desc',
        'split-uusimaa-title split-uusimaa-desc',
        'trend-pohjanmaa-title trend-pohjanmaa-desc',
      ]);
      for (const chart of charts) expect(chart.width * chart.height).toBeGreaterThan(100 * 30);
      expect(await page.locator('script').count()).toBe(0);
      expect(problems).toEqual([]);
      await mkdir(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'digest-2027-W09-en.png'), fullPage: true });
      // Printed, the page asks for A4: 210 × 297 mm is 595.3 × 841.9 pt.
      const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
      const sizes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))]);
      expect(sizes.length).toBeGreaterThan(0);
      expect(new Set(sizes.map(String))).toEqual(new Set(['595,842']));
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('e-mails the digest to the configured address with the CSV attached', async () => {
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual([MAIL_TO]);
    const mail = await parseMail(mails[0]);
    expect(mail.subject).toBe('Sidos-kooste 2027-W09');
    expect(mail.html).toContain('<h1>Sidosryhmäpalautteen kooste 2027-W09</h1>');
    expect(mail.html).toContain('<h2 id="office-uusimaa">Uudenmaan aluetoimisto</h2>');
    // SMTP_FROM fixes the From; answers go to the default office, since the digest covers every office.
    expect(mail.from?.value).toEqual([{ name: '', address: 'sidos@example.fi' }]);
    expect(mail.replyTo?.value).toEqual([{ name: 'Uudenmaan aluetoimisto', address: 'sidos-uusimaa@example.fi' }]);
    const csv = mail.attachments.find((a) => a.filename === 'sidos-digest-2027-W09.csv')!;
    expect(csv.contentType).toBe('text/csv');
    const rows: string[][] = parse(csv.content.toString('utf8'), { bom: true });
    expect(rows[0].slice(0, 3)).toEqual(['Jakso', 'Toimisto', 'Sidosryhmä']);
    expect(rows.some((r) => r[1] === 'Uudenmaan aluetoimisto' && r[2] === 'Kaikki sidosryhmät')).toBe(true);
  });

  it('sends nothing twice: not on a second run, not after a restart', async () => {
    expect(await h.runJob('digest.deliver')).toEqual([]);
    await h.restart();
    expect(await h.runJob('digest.deliver')).toEqual([]);
    expect(await h.runJob('digest.retry')).toEqual([]);
    expect(mails).toHaveLength(1);
  });

  it('catches up on start after being down at the scheduled time', async () => {
    await h.sidos.stop();
    // Down over Monday 15 March 08:00; started again on Tuesday.
    clock.set('2027-03-16T09:30:00.000Z');
    await h.restart();
    const sent = await h.runJob('digest.deliver'); // what runAtStart does in production
    expect(sent.map((s) => s.conversationId).sort()).toEqual([CHANNEL_ID, PERSONAL_ID].sort());
    for (const s of sent) expect(textOf(s)).toContain('2027-W10');
    expect(mails).toHaveLength(2);
    expect(await h.runJob('digest.deliver')).toEqual([]);
    expect(await lastDelivered()).toBe('2027-W10');
  });

  it('records a failed send, reports it, and delivers it on the next run', async () => {
    clock.set('2027-03-22T06:00:00.000Z');
    h.connector.failNext(6, 503); // three attempts for each of the two subscribers
    expect(await h.runJob('digest.deliver')).toEqual([]);
    const failed = (await all('sends')).filter((s) => s.id.startsWith('digest:2027-W11:') && !s.id.includes(':email:'));
    expect(failed).toHaveLength(2);
    for (const send of failed) expect(send).toMatchObject({ channel: 'teams', status: 'failed', attempts: 3, lastError: expect.stringContaining('503') });
    expect(await lastDelivered()).toBe('2027-W10');
    expect(h.logs.some((line) => line.includes('digest 2027-W11: 2 send(s) failed'))).toBe(true);

    const [report] = await h.say(national, 'digest', { locale: 'en-US' });
    expect(textOf(report)).toContain('⚠️ Not delivered yet (2): the digest 2027-W11 to a channel, a personal chat. Sidos tries again on the next run.');

    // A conversation subscribed meanwhile is left to the scheduled run; the retry only redoes failures.
    await h.say(admin, 'subscribe digest', { where: GROUP, locale: 'sv-SE' });
    const retried = await h.runJob('digest.retry');
    expect(retried.map((s) => s.conversationId).sort()).toEqual([CHANNEL_ID, PERSONAL_ID].sort());
    expect(retried.every((s) => textOf(s).includes('2027-W11'))).toBe(true);
    expect(await lastDelivered()).toBe('2027-W10');

    const scheduled = await h.runJob('digest.deliver');
    expect(scheduled.map((s) => s.conversationId)).toEqual(['19:leaders-chat@thread.v2']);
    expect(textOf(scheduled[0])).toContain('Sammanfattning av intressentresponsen 2027-W11');
    expect(await lastDelivered()).toBe('2027-W11');

    const [clean] = await h.say(national, 'digest', { locale: 'en-US' });
    expect(textOf(clean)).not.toContain('Not delivered yet');
  });

  it('shows any period on demand, and explains a bad or future one', async () => {
    const [quarter] = await h.say(national, 'digest 2027-Q1', { locale: 'en-US' });
    const text = textOf(quarter);
    expect(text).toContain('Stakeholder feedback digest 2027-Q1');
    expect(text).toContain('The period is still running: figures as of 22 Mar 2027 08:00.');
    expect(text).toContain('Response rate over the whole register\n100% (7/7)');
    const [htmlUrl] = urlsOf(quarter);
    const html = await (await download(htmlUrl)).text();
    expect(html).toContain('<h1>Stakeholder feedback digest 2027-Q1</h1>');

    const [week] = await h.say(national, 'digest 2027-w09', { locale: 'en-US' });
    expect(textOf(week)).toContain('Stakeholder feedback digest 2027-W09');
    expect(textOf(week)).not.toContain('still running');
    // The same links as the delivered W09 card: one pair per period.
    expect(await h.records.findBy('links', 'ref', '2027-W09')).toHaveLength(2);

    // One office's digest, named by its id or by its name in any language.
    const [office] = await h.say(national, 'digest 2027-W09 pohjanmaa', { locale: 'en-US' });
    const officeText = textOf(office);
    expect(officeText).toContain('Ostrobothnia regional office');
    expect(officeText).not.toContain('Uusimaa regional office');
    expect(officeText).not.toContain('Offices side by side');
    expect(officeText).toContain('Proposals needing a national decision (0)');
    const [byName] = await h.say(national, 'digest 2027-w09 Österbottens regionkontor', { locale: 'en-US' });
    expect(urlsOf(byName)).toEqual(urlsOf(office));
    const officePage = await (await download(urlsOf(office)[0])).text();
    expect(officePage).toContain('<h2 id="office-pohjanmaa">Ostrobothnia regional office</h2>');
    expect(officePage).not.toContain('office-uusimaa');
    const officeLinks = await h.records.findBy('links', 'ref', '2027-W09/pohjanmaa');
    expect(officeLinks.map((l) => l.kind).sort()).toEqual(['digest-csv', 'digest-html']);
    const [thisWeek] = await h.say(national, 'digest uusimaa', { locale: 'en-US' });
    expect(textOf(thisWeek)).toContain('Stakeholder feedback digest 2027-W12');
    expect(textOf(thisWeek)).not.toContain('Ostrobothnia regional office');
    const linksBefore = (await all('links')).length;
    expect(replyText(await h.say(national, 'digest 2027-W09 Lappi', { locale: 'en-US' }))).toBe(
      '"Lappi" is not an office I know. The offices are: uusimaa (Uusimaa regional office), pohjanmaa (Ostrobothnia regional office).',
    );
    expect(replyText(await h.say(national, 'digest 2027-W09 Lappi', { locale: 'fi-FI' }))).toContain('En tunne toimistoa "Lappi"');
    expect(await all('links')).toHaveLength(linksBefore);

    const [current] = await h.say(national, 'digest', { locale: 'en-US' });
    expect(textOf(current)).toContain('Stakeholder feedback digest 2027-W12');

    expect(replyText(await h.say(national, 'digest 2027-Q9', { locale: 'en-US' }))).toBe(
      '"2027-Q9" is not a period I know. Give a quarter, a month or an ISO week, for example: "digest 2026-Q4", "digest 2027-02", "digest 2027-W11".',
    );
    expect(replyText(await h.say(national, 'digest 2027-Q3', { locale: 'en-US' }))).toBe(
      'The period 2027-Q3 has not started yet, so there is no digest of it. The current period is 2027-W12.',
    );
    expect(replyText(await h.say(partner, 'digest', { locale: 'en-US' }))).toContain('Sorry, this is only for');
  });
});
