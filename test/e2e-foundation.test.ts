import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/config.js';
import { startSidos } from '../bot/sidos.js';
import { botAdded, installationAdd, message } from './harness/activities.js';
import { cardOf } from './harness/connector.js';
import { admin, coordinator, national, partner, stranger, swedishCoordinator } from './harness/people.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { sharedRecords } from './harness/read-records.js';

describe('Sidos over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
    h.connector.members.set(admin.id, { id: admin.id, aadObjectId: admin.aadObjectId, email: admin.email, name: admin.name });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('answers /healthz in local mode on loopback', async () => {
    expect(h.sidos.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${h.sidos.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', mode: 'local' });
  });

  it('answers help with a card in the sender’s language and role', async () => {
    const [fi] = await h.say(coordinator, 'help', { locale: 'fi-FI' });
    expect(fi.replyToId).toBeDefined();
    const fiText = cardText(cardOf(fi));
    expect(fiText).toContain('Sidos – sidosryhmätapaamiset ja palaute');
    expect(fiText).toContain('Roolisi: koordinaattori, Uudenmaan aluetoimisto.');

    const [sv] = await h.say(national, 'help', { locale: 'sv-SE' });
    expect(cardText(cardOf(sv))).toContain('Din roll: nationell ledning');

    const [en] = await h.say(partner, 'help', { locale: 'en-US' });
    expect(cardText(cardOf(en))).toContain('You are signed in as: partner');
  });

  it('falls back to the office language when the Teams locale is not fi, sv or en', async () => {
    const [reply] = await h.say(swedishCoordinator, 'help', { locale: 'de-DE' });
    expect(cardText(cardOf(reply))).toContain('Din roll: koordinator, Österbottens regionkontor.');
    const [unknown] = await h.say(stranger, 'help', { locale: 'de-DE' });
    expect(cardText(cardOf(unknown))).toContain('Roolisi: kumppani');
  });

  it('finds a role given by e-mail through the Teams roster', async () => {
    const [reply] = await h.say(admin, 'help', { locale: 'en-GB' });
    expect(cardText(cardOf(reply))).toContain('You are signed in as: administrator');
  });

  it('answers unknown text with the help card and says what it did not understand', async () => {
    const [reply] = await h.say(partner, 'what is this', { locale: 'en-US' });
    expect(cardText(cardOf(reply))).toContain('I did not recognise "what is this"');
  });

  it('understands a command @mentioned in a channel and replies in the channel', async () => {
    const where = { kind: 'channel' as const, teamId: '19:team-a', channelId: '19:channel-a@thread.tacv2' };
    const [reply] = await h.say(national, 'help', { where, locale: 'en-US' });
    expect(reply.conversationId).toBe('19:channel-a@thread.tacv2;messageid=1');
    expect(cardText(cardOf(reply))).toContain('national leadership');
  });

  it('shows partners’ personal data only in a personal chat, not in a channel with possible guests', async () => {
    const where = { kind: 'channel' as const, teamId: '19:team-a', channelId: '19:channel-a@thread.tacv2' };
    for (const command of ['partners', 'feedback']) {
      const [reply] = await h.say(coordinator, command, { where, locale: 'en-US' });
      expect(reply.activity.text, command).toBe('This shows personal data, so ask me in a personal chat with Sidos, not here.');
      expect(cardOf(reply), command).toBeUndefined();
    }
    const [personal] = await h.say(coordinator, 'partners', { locale: 'en-US' });
    expect(cardOf(personal)).toBeDefined();
  });

  it('greets once on install and keeps the conversation reference, in a personal chat and a channel', async () => {
    const from = h.connector.posted.length;
    for (const activity of [installationAdd(h.serviceUrl, partner), botAdded(h.serviceUrl, partner)]) {
      expect((await h.post(activity)).status).toBe(200);
    }
    const channel = { kind: 'channel' as const, teamId: '19:team-b', channelId: '19:channel-b@thread.tacv2' };
    expect((await h.post(botAdded(h.serviceUrl, coordinator, { where: channel, locale: 'en-US' }))).status).toBe(200);

    const greetings = h.connector.messages(from);
    expect(greetings.map((g) => g.conversationId)).toEqual([`a:personal-${partner.aadObjectId}`, '19:channel-b@thread.tacv2;messageid=1']);
    expect(cardText(cardOf(greetings[0]))).toContain('Hei! Olen Sidos.');
    expect(cardText(cardOf(greetings[1]))).toContain('Hello! I am Sidos.');

    const personal = await h.records.get('conversations', `a:personal-${partner.aadObjectId}`);
    expect(personal).toMatchObject({ kind: 'personal', aadObjectId: partner.aadObjectId, tenantId: '11111111-2222-4333-8444-555555555555' });
    expect(personal?.reference.serviceUrl).toBe(h.serviceUrl);
    expect((await h.records.get('conversations', '19:channel-b@thread.tacv2;messageid=1'))?.kind).toBe('channel');
  });

  it('answers 400, not 500, to a body that is not an activity', async () => {
    for (const body of ['{}', '{"type": 5}', '[]', '{"type": "message"', 'null']) {
      const res = await fetch(`${h.sidos.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      expect(res.status, body).toBe(400);
    }
  });

  it('answers a click on an unknown or outdated card action without changing anything', async () => {
    const before = await sharedRecords(h.records);
    const res = await h.click(partner, 'no-such-action', { x: 1 }, { locale: 'en-US' });
    expect(res.statusCode).toBe(200);
    expect(res.value).toContain('This card is out of date');
    expect(await sharedRecords(h.records)).toEqual(before);
  });
});

describe('Sidos with Bot Framework credentials', () => {
  it('refuses an unauthenticated request with 401', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'sidos-auth-'));
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dir,
      MicrosoftAppId: '6f1b8c2e-1111-4222-8333-944445555666',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'MultiTenant',
    });
    const sidos = await startSidos({ config, log: () => undefined });
    try {
      expect(sidos.mode).toBe('authenticated');
      const res = await fetch(`${sidos.url}/api/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(message('http://127.0.0.1:9/', partner, 'help')),
      });
      expect(res.status).toBe(401);
    } finally {
      await sidos.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('download links', () => {
  it('answers unknown tokens with 404 and throttles a client that keeps guessing', async () => {
    const h = await Harness.start();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 45; i++) {
        const res = await fetch(`${h.sidos.url}/files/${'x'.repeat(30)}${i}`);
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(404));
      expect(statuses).toContain(429);
      expect(statuses.every((s) => s === 404 || s === 429)).toBe(true);
    } finally {
      await h.stop();
    }
  });
});
