// E-mail sends are recorded under their idempotency key like Teams sends:
// once sent, never again; a failure is recorded and the next call retries.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpEmailSender } from '../bot/delivery/email.js';
import { EmailDelivery } from '../bot/delivery/email-delivery.js';
import { startSmtpCapture, type SmtpCapture } from './harness/smtp.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

describe('EmailDelivery', () => {
  let temp: TempRecords;
  let smtp: SmtpCapture;
  let refuse = true;
  const now = new Date('2027-03-01T10:00:00Z');
  const message = {
    to: 'erkki@vantaa.example.fi',
    sender: { name: 'Uudenmaan aluetoimisto', address: 'sidos-uusimaa@example.fi' },
    subject: 'Kutsu',
    text: 'Tervetuloa',
    html: '<p>Tervetuloa</p>',
  };

  beforeEach(async () => {
    temp = await tempRecords();
    refuse = false;
    smtp = await startSmtpCapture({ rejectRecipient: () => refuse });
  });
  afterEach(async () => {
    await temp.cleanup();
    await smtp.close();
  });

  const delivery = () => new EmailDelivery(temp.records, createSmtpEmailSender({ url: smtp.url, from: 'sidos@example.fi' }), () => now, () => undefined);

  it('sends once per key, also when asked twice at the same moment', async () => {
    const email = delivery();
    const results = await Promise.all([email.send('k1', 'partner-1', message, 'invite'), email.send('k1', 'partner-1', message, 'invite')]);
    expect(results.sort()).toEqual(['already-sent', 'sent']);
    expect(await delivery().send('k1', 'partner-1', message, 'invite')).toBe('already-sent');
    expect(smtp.mails.map((m) => m.to)).toEqual([['erkki@vantaa.example.fi']]);
    expect(await temp.records.findBy('sends', 'target', 'partner-1')).toEqual([
      { id: 'k1', channel: 'email', target: 'partner-1', what: 'invite', status: 'sent', attempts: 1, at: now.toISOString() },
    ]);
  });

  it('records a refused mail as failed and sends it on the next call once the server accepts', async () => {
    refuse = true;
    expect(await delivery().send('k2', 'partner-2', message, 'invite')).toBe('failed');
    expect(await temp.records.get('sends', 'k2')).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('550') });
    refuse = false;
    expect(await delivery().send('k2', 'partner-2', message, 'invite')).toBe('sent');
    expect(await temp.records.get('sends', 'k2')).toEqual({ id: 'k2', channel: 'email', target: 'partner-2', what: 'invite', status: 'sent', attempts: 2, at: now.toISOString() });
    expect(smtp.mails).toHaveLength(1);
  });
});
