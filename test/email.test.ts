import { createServer, type AddressInfo } from 'node:net';
import ICAL from 'ical.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildInvite } from '../bot/calendar/ics.js';
import { createSmtpEmailSender, messageIdFor, parseSmtpUrl, type EmailSender } from '../bot/delivery/email.js';
import { meetingFixture } from './harness/seed.js';
import { parseMail, startSmtpCapture, type CapturedMail, type SmtpCapture } from './harness/smtp.js';

const REJECTED = 'nobody@example.org';

/** The Content-Types of a raw mail's header and MIME parts, in order. */
const partTypes = (raw: string) => [...raw.matchAll(/^Content-Type: ([\w/-]+)/gm)].map((m) => m[1]);

describe('createSmtpEmailSender', () => {
  let smtp: SmtpCapture;
  let received: CapturedMail[];
  let sender: EmailSender;

  beforeAll(async () => {
    smtp = await startSmtpCapture({ rejectRecipient: (address) => address === REJECTED });
    received = smtp.mails;
    sender = createSmtpEmailSender({ url: smtp.url, from: 'Sidos <sidos@ulosotto.example.fi>' });
  });

  beforeEach(() => {
    received.length = 0;
  });

  afterAll(() => smtp.close());

  const ics = buildInvite({
    method: 'REQUEST',
    meeting: meetingFixture({ id: 'm-1', planId: 'p-1', endsAt: '2027-03-02T12:00:00.000Z' }),
    theme: 'Perintäasian ensimmäiset viikot',
    office: {
      id: 'uusimaa',
      name: 'Uudenmaan ulosottovirasto',
      timeZone: 'Europe/Helsinki',
      locale: 'fi',
      email: 'sidos@ulosotto.example.fi',
    },
    attendees: [{ name: 'Anna Kumppani', email: 'anna@kunta.example.fi', rsvp: 'needs-action' }],
    locale: 'fi',
    texts: { descriptionLines: ['Tervetuloa!'] },
    now: new Date('2027-01-10T08:00:00.000Z'),
  });

  const office = { name: 'Uudenmaan ulosottovirasto', address: 'uusimaa@ulosotto.example.fi' };
  const invite = {
    to: 'anna@kunta.example.fi',
    sender: office,
    subject: 'Kutsu: Hakemuksen liitteet – 2.3.2027 klo 13.00',
    text: 'Hei Anna,\nkutsu sidosryhmätapaamiseen on liitteenä.',
    html: '<!DOCTYPE html><html lang="fi"><body><h1>Kutsu</h1><p>Hei Anna &amp; muut</p></body></html>',
    ics: { method: 'REQUEST' as const, content: ics },
    idempotencyKey: 'invite:m-1:anna:0',
  };

  it('delivers the invite as text, HTML and a text/calendar REQUEST in one multipart/alternative', async () => {
    await sender.send(invite);

    expect(received).toHaveLength(1);
    const [{ raw, from, to }] = received;
    expect(from).toBe('sidos@ulosotto.example.fi');
    expect(to).toEqual(['anna@kunta.example.fi']);
    expect(partTypes(raw)).toEqual(['multipart/mixed', 'multipart/alternative', 'text/plain', 'text/html', 'text/calendar', 'application/ics']);
    expect(raw).toMatch(/^Content-Type: text\/calendar; charset=utf-8; method=REQUEST/m);

    const mail = await parseMail(received[0]);
    // SMTP_FROM is set: the mail is from that account, and answers go to the office.
    expect(mail.from?.value).toEqual([{ name: 'Sidos', address: 'sidos@ulosotto.example.fi' }]);
    expect(mail.replyTo?.value).toEqual([office]);
    expect(mail.html).toBe(invite.html);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : []).toEqual([
      'anna@kunta.example.fi',
    ]);
    expect(mail.subject).toBe(invite.subject);
    expect(mail.text?.trim()).toBe(invite.text);
    expect(mail.messageId).toBe(messageIdFor(invite.idempotencyKey));

    const calendarPart = mail.attachments.find((a) => a.contentType === 'text/calendar');
    expect(calendarPart).toBeDefined();
    const content = calendarPart!.content.toString('utf8');
    expect(content).toBe(ics);
    const vcalendar = new ICAL.Component(ICAL.parse(content));
    expect(vcalendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(vcalendar.getFirstSubcomponent('vevent')!.getFirstPropertyValue('uid')).toBe('m-1@sidos.example.fi');
  });

  it('sends as the office itself when no fixed From is configured', async () => {
    const asOffice = createSmtpEmailSender({ url: smtp.url, from: null });
    await asOffice.send(invite);
    expect(received[0].from).toBe(office.address);
    const mail = await parseMail(received[0]);
    expect(mail.from?.value).toEqual([office]);
    expect(mail.replyTo).toBeUndefined();
  });

  it('gives a resend the same Message-ID and another key a different one', async () => {
    await sender.send(invite);
    await sender.send(invite);
    await sender.send({ ...invite, idempotencyKey: 'invite:m-1:anna:1' });
    const ids = await Promise.all(received.map(async (r) => (await parseMail(r)).messageId));
    expect(ids[0]).toMatch(/^<[0-9a-f]{64}@sidos>$/);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('sends plain mail without a calendar part', async () => {
    await sender.send({ to: 'anna@kunta.example.fi', sender: office, subject: 'Muistutus', text: 'Hei', html: '<p>Hei</p>', idempotencyKey: 'k' });
    expect(partTypes(received[0].raw)).toEqual(['multipart/alternative', 'text/plain', 'text/html']);
    const mail = await parseMail(received[0]);
    expect(mail.text?.trim()).toBe('Hei');
    expect(mail.html).toBe('<p>Hei</p>');
  });

  it('rejects when the server refuses the recipient', async () => {
    await expect(sender.send({ ...invite, to: REJECTED })).rejects.toThrow(/550|No such user/);
    expect(received).toHaveLength(0);
  });

  it('rejects when the server cannot be reached', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const down = createSmtpEmailSender({ url: `smtp://127.0.0.1:${port}`, from: null });
    await expect(down.send(invite)).rejects.toThrow();
  });
});

describe('parseSmtpUrl', () => {
  it.each(['smtp://mail.example.org', 'smtp://user:pass@mail.example.org:587', 'smtps://mail.example.org:465'])(
    'accepts %s',
    (url) => {
      expect(parseSmtpUrl(url).hostname).toBe('mail.example.org');
    },
  );

  it.each(['', 'mail.example.org', 'smtp://', 'http://mail.example.org', 'smtp://mail.example.org:99999'])(
    'rejects %j naming SMTP_URL and the allowed forms',
    (url) => {
      expect(() => parseSmtpUrl(url)).toThrow(/SMTP_URL.*smtp:\/\/.*smtps:\/\//);
    },
  );

  it('does not repeat a password in the error', () => {
    expect(() => parseSmtpUrl('https://user:s3cret@mail.example.org')).toThrow(/^(?!.*s3cret)/);
  });

  it('is applied when the sender is created', () => {
    expect(() => createSmtpEmailSender({ url: 'mail.example.org', from: 'sidos@example.org' })).toThrow(/SMTP_URL/);
  });
});
