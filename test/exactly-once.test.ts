// Two Sidos instances on one RecordStore (lowdb, and PostgreSQL as several
// instances share it): their senders race for the same idempotency keys and
// each message goes out once; a claim left by an instance that died is taken
// over once it lapses; their schedulers run each cron tick of a job once.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLAIM_MS } from '../bot/delivery/send-claimer.js';
import { createSmtpEmailSender } from '../bot/delivery/email.js';
import { EmailDelivery } from '../bot/delivery/email-delivery.js';
import { TeamsDelivery } from '../bot/delivery/teams-delivery.js';
import { LEASE_MS, Scheduler, type Job } from '../bot/scheduler/scheduler.js';
import type { RecordStore } from '../bot/store/records.js';
import { createAdapter } from '../bot/teams/app.js';
import { AdapterConversationPort } from '../bot/teams/conversation-port.js';
import { FakeClock } from './harness/clock.js';
import { ConnectorStandIn } from './harness/connector.js';
import { lowdbSubject, postgresSubject } from './harness/record-stores.js';
import { partnerChat } from './harness/seed.js';
import { startSmtpCapture, type SmtpCapture } from './harness/smtp.js';

const START = '2027-03-01T10:00:00.000Z';
const KEYS = 20;
const partnerIds = Array.from({ length: KEYS }, (_, i) => `p${i}`);

describe.each([lowdbSubject(), postgresSubject()])('two instances on one RecordStore ($name)', (subject) => {
  let records: RecordStore;
  let connector: ConnectorStandIn;
  let smtp: SmtpCapture;
  let clock: FakeClock;
  const teams = () => new TeamsDelivery(records, new AdapterConversationPort(createAdapter(null), ''), clock.now, () => undefined);
  const email = () => new EmailDelivery(records, createSmtpEmailSender({ url: smtp.url, from: 'sidos@example.fi' }), clock.now, () => undefined);

  beforeAll(() => subject.setUp());
  beforeEach(async () => {
    records = await subject.empty();
    clock = new FakeClock(START);
    connector = await new ConnectorStandIn().start();
    smtp = await startSmtpCapture();
    await records.transaction(async (tx) => {
      for (const id of partnerIds) await tx.put('conversations', partnerChat({ id, aadObjectId: `aad-${id}` }, connector.url));
    });
  });
  afterEach(async () => {
    await connector.stop();
    await smtp.close();
    await subject.clean();
  });

  it('sends each Teams message once when two senders race for every key', async () => {
    const [a, b] = [teams(), teams()];
    const send = (delivery: TeamsDelivery, id: string) => delivery.send(`invite:${id}:0:teams`, `a:chat-${id}`, { text: `Kutsu ${id}` }, 'invite');
    const results = await Promise.all(partnerIds.flatMap((id) => [send(a, id), send(b, id)]));

    expect(results.filter((r) => r === 'sent')).toHaveLength(KEYS);
    expect(results.filter((r) => r === 'already-sent')).toHaveLength(KEYS);
    expect(connector.messages().map((m) => m.conversationId).sort()).toEqual(partnerIds.map((id) => `a:chat-${id}`).sort());
    for (const id of partnerIds) expect(await records.get('sends', `invite:${id}:0:teams`)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('sends each e-mail once when two senders race for every key', async () => {
    const [a, b] = [email(), email()];
    const message = (id: string) => ({ to: `${id}@kunta.example.fi`, sender: { name: 'Uudenmaan aluetoimisto', address: 'sidos-uusimaa@example.fi' }, subject: 'Kutsu', text: `Kutsu ${id}`, html: `<p>Kutsu ${id}</p>` });
    const send = (delivery: EmailDelivery, id: string) => delivery.send(`invite:${id}:0:email`, id, message(id), 'invite');
    const results = await Promise.all(partnerIds.flatMap((id) => [send(a, id), send(b, id)]));

    expect(results.filter((r) => r === 'sent')).toHaveLength(KEYS);
    expect(smtp.mails.flatMap((m) => m.to).sort()).toEqual(partnerIds.map((id) => `${id}@kunta.example.fi`).sort());
    expect((await records.findBy('sends', 'status', 'sent')).map((s) => s.id).sort()).toEqual(partnerIds.map((id) => `invite:${id}:0:email`).sort());
  });

  it('takes over the claim of an instance that died once it lapses, and sends once', async () => {
    const key = 'digest:2027-W09:sub-1';
    const claim = { key, channel: 'teams' as const, target: 'a:chat-p0', what: 'digest', holder: 'instance-that-died', until: new Date(Date.parse(START) + CLAIM_MS).toISOString() };
    expect(await records.claimSend(claim, START)).toBe(true);
    const delivery = teams();

    clock.advance(CLAIM_MS - 1);
    expect(await delivery.send(key, 'a:chat-p0', { text: 'Kooste' }, 'digest')).toBe('already-sent');
    expect(connector.messages()).toEqual([]);

    clock.advance(1);
    expect(await delivery.send(key, 'a:chat-p0', { text: 'Kooste' }, 'digest')).toBe('sent');
    expect(await delivery.send(key, 'a:chat-p0', { text: 'Kooste' }, 'digest')).toBe('already-sent');
    expect(connector.messages().map((m) => m.activity.text)).toEqual(['Kooste']);
    expect(await records.get('sends', key)).toMatchObject({ status: 'sent', attempts: 1, at: clock.now().toISOString() });
  });

  it('runs each cron tick of a job once across two schedulers, and a run on demand on one of them at a time', async () => {
    const runs: string[] = [];
    let release = () => {};
    const job = {
      name: 'digest.deliver',
      cron: '0 8 * * 1',
      timeZone: 'Europe/Helsinki',
      runAtStart: false,
      run: async (now: Date) => {
        runs.push(now.toISOString());
        // Held open until the test lets it end, so the two instances overlap.
        await new Promise<void>((resolve) => (release = resolve));
      },
    };
    const [a, b] = [new Scheduler([job], records, clock.now, () => undefined), new Scheduler([job], records, clock.now, () => undefined)];
    const monday = new Date('2027-03-01T06:00:00.000Z');
    const ticking = [a.tick(job.name, monday), b.tick(job.name, monday)];
    while (runs.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await Promise.all(ticking);
    expect(runs).toHaveLength(1);

    // The other instance's timer firing late (same minute) finds the tick done.
    await b.tick(job.name, new Date('2027-03-01T06:00:00.900Z'));
    expect(runs).toHaveLength(1);

    const nextWeek = new Date('2027-03-08T06:00:00.000Z');
    const next = [b.tick(job.name, nextWeek), a.tick(job.name, nextWeek)];
    while (runs.length === 1) await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await Promise.all(next);
    expect(runs).toHaveLength(2);

    // On demand (start-up catch-up): the instance that does not get the lease skips while the other runs.
    const onDemand = [a.run(job.name), b.run(job.name)];
    while (runs.length === 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.race(onDemand);
    release();
    await Promise.all(onDemand);
    expect(runs).toHaveLength(3);
  });

  it('keeps the lease of a long run renewed, so another instance does not start the job meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      let runs = 0;
      let release = () => {};
      const job: Job = {
        name: 'invites.sync',
        cron: '*/5 * * * *',
        timeZone: 'Europe/Helsinki',
        runAtStart: false,
        // The first run lasts until the test ends it; later ones end at once.
        run: async () => {
          runs += 1;
          if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
        },
      };
      const [a, b] = [new Scheduler([job], records, clock.now, () => undefined), new Scheduler([job], records, clock.now, () => undefined)];
      const running = a.run(job.name);
      while (runs === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      clock.advance(LEASE_MS / 2);
      await vi.advanceTimersByTimeAsync(LEASE_MS / 3);
      // Past the first lease's end, within the renewed one.
      clock.advance(LEASE_MS / 2 + 1_000);
      await b.run(job.name);
      expect(runs).toBe(1);
      release();
      await running;
      // Once the run ended and gave the lease up, the other instance may run the job.
      await b.run(job.name);
      expect(runs).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
