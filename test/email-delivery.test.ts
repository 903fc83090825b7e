// E-mail sends are recorded under their idempotency key like Teams sends:
// once sent, never again; a failure is recorded and the next call retries.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpEmailSender } from '../bot/delivery/email.js';
import { EmailDelivery } from '../bot/delivery/email-delivery.js';
import { LowdbStore } from '../bot/store/lowdb-store.js';
import { startSmtpCapture, type SmtpCapture } from './harness/smtp.js';

describe('EmailDelivery', () => {
  let dir: string;
  let store: LowdbStore;
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
    dir = await mkdtemp(join(tmpdir(), 'sidos-email-delivery-'));
    store = await LowdbStore.open(dir);
    refuse = false;
    smtp = await startSmtpCapture({ rejectRecipient: () => refuse });
  });
  afterEach(async () => {
    await store.close();
    await smtp.close();
    await rm(dir, { recursive: true, force: true });
  });

  const delivery = () => new EmailDelivery(store, createSmtpEmailSender({ url: smtp.url, from: 'sidos@example.fi' }), () => now, () => undefined);

  it('sends once per key, also when asked twice at the same moment', async () => {
    const email = delivery();
    const results = await Promise.all([email.send('k1', 'partner-1', message, 'invite'), email.send('k1', 'partner-1', message, 'invite')]);
    expect(results.sort()).toEqual(['already-sent', 'sent']);
    expect(await delivery().send('k1', 'partner-1', message, 'invite')).toBe('already-sent');
    expect(smtp.mails.map((m) => m.to)).toEqual([['erkki@vantaa.example.fi']]);
    expect(store.readShared((d) => d.sends)).toEqual([
      { id: 'k1', channel: 'email', target: 'partner-1', what: 'invite', status: 'sent', attempts: 1, at: now.toISOString() },
    ]);
  });

  it('records a refused mail as failed and sends it on the next call once the server accepts', async () => {
    refuse = true;
    expect(await delivery().send('k2', 'partner-2', message, 'invite')).toBe('failed');
    expect(store.readShared((d) => d.sends[0])).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('550') });
    refuse = false;
    expect(await delivery().send('k2', 'partner-2', message, 'invite')).toBe('sent');
    expect(store.readShared((d) => d.sends[0])).toEqual({ id: 'k2', channel: 'email', target: 'partner-2', what: 'invite', status: 'sent', attempts: 2, at: now.toISOString() });
    expect(smtp.mails).toHaveLength(1);
  });
});
