// With credentials set, /api/messages goes through botbuilder's JWT validation.
// A local OpenID metadata server with our own RSA key stands in for
// login.botframework.com, so a signed request can be checked for real.
import { createServer, type Server } from 'node:http';
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/config.js';
import { startSidos, type RunningSidos } from '../bot/sidos.js';
import { botAdded, message } from './harness/activities.js';
import { partner } from './harness/people.js';

const APP_ID = '6f1b8c2e-1111-4222-8333-944445555666';
const KID = 'test-key-1';

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function signJwt(privateKey: KeyObject, claims: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KID }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}

function botFrameworkAuth(metadataUrl: string): Record<string, string> {
  return {
    ValidateAuthority: 'true',
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    OAuthUrl: 'https://api.botframework.com',
    ToBotFromChannelOpenIdMetadataUrl: metadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: metadataUrl,
    CallerId: 'urn:botframework:azure',
  };
}

/** An OpenID metadata server publishing `publicKey`; `healthy.value = false` makes it answer 500. */
async function startMetadataServer(publicKey: KeyObject, healthy = { value: true }): Promise<{ server: Server; url: string }> {
  const jwk = publicKey.export({ format: 'jwk' });
  const server = createServer((req, res) => {
    if (!healthy.value) {
      res.statusCode = 500;
      return res.end();
    }
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/openid') res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/keys` }));
    else res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: KID, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/openid` };
}

const serviceUrl = 'https://smba.trafficmanager.net/emea/';

const claims = (overrides: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return { iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: serviceUrl, nbf: now - 60, exp: now + 600, ...overrides };
};
// A member joining (not the bot) needs no reply, so nothing has to reach the real connector.
const activity = () => ({ ...botAdded(serviceUrl, partner), membersAdded: [{ id: '29:someone-else' }] });

const postTo = (sidos: RunningSidos, body: object, token?: string) =>
  fetch(`${sidos.url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('authenticated mode', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  let metadata: Server;
  let sidos: RunningSidos;
  let dir: string;

  beforeAll(async () => {
    const started = await startMetadataServer(publicKey);
    metadata = started.server;
    const metadataUrl = started.url;
    dir = await mkdtemp(join(tmpdir(), 'sidos-auth-'));
    const config = loadConfig({ PORT: '0', DATA_DIR: dir, MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret' });
    sidos = await startSidos({ config, log: () => undefined, startJobs: false, botFrameworkAuth: botFrameworkAuth(metadataUrl) });
  });
  afterAll(async () => {
    await sidos.stop();
    await new Promise<void>((r) => metadata.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  const post = (body: object, token?: string) => postTo(sidos, body, token);

  it('listens on all interfaces', () => {
    expect(sidos.mode).toBe('authenticated');
    expect(sidos.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
  });

  it('accepts a request signed by the channel for this bot', async () => {
    expect((await post(activity(), signJwt(privateKey, claims()))).status).toBe(200);
  });

  it('refuses an unsigned request with 401', async () => {
    expect((await post(message(serviceUrl, partner, 'help'))).status).toBe(401);
  });

  it('refuses a token signed with another key, for another bot, or expired', async () => {
    expect((await post(activity(), signJwt(otherKey, claims()))).status).toBe(401);
    expect((await post(activity(), signJwt(privateKey, claims({ aud: '00000000-1111-4222-8333-944445555666' })))).status).toBe(401);
    const past = Math.floor(Date.now() / 1000) - 3600;
    expect((await post(activity(), signJwt(privateKey, claims({ nbf: past - 600, exp: past })))).status).toBe(401);
  });

  it('refuses a token whose serviceUrl claim does not match the activity', async () => {
    expect((await post(activity(), signJwt(privateKey, claims({ serviceurl: 'https://evil.example/' })))).status).toBe(401);
  });
});

describe('authenticated mode while the signing keys cannot be fetched', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const healthy = { value: false };
  let metadata: Server;
  let dir: string;
  const running: RunningSidos[] = [];

  beforeAll(async () => {
    metadata = (await startMetadataServer(publicKey, healthy)).server;
    dir = await mkdtemp(join(tmpdir(), 'sidos-auth-outage-'));
  });
  afterAll(async () => {
    for (const sidos of running) await sidos.stop();
    await new Promise<void>((r) => metadata.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  async function start(metadataUrl: string, lines: string[]): Promise<RunningSidos> {
    // Each start has its own metadata URL: botbuilder caches the keys per URL for the process.
    const config = loadConfig({ PORT: '0', DATA_DIR: join(dir, String(running.length)), MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x' });
    const log = (line: string) => {
      if (!line.startsWith('SMTP_URL is not set')) lines.push(line);
    };
    const sidos = await startSidos({ config, log, startJobs: false, botFrameworkAuth: botFrameworkAuth(metadataUrl) });
    running.push(sidos);
    return sidos;
  }

  it('answers 503 with Retry-After when the metadata URL refuses connections, and logs the outage once', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const lines: string[] = [];
    const sidos = await start(`http://127.0.0.1:${port}/openid`, lines);

    for (let i = 0; i < 5; i++) {
      const res = await postTo(sidos, activity(), signJwt(otherKey, claims()));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Bot Framework signing keys cannot be fetched \(.*\): \/api\/messages answers 503 until they can\.$/);
    // A request without a token is still refused as such.
    expect((await postTo(sidos, message(serviceUrl, partner, 'help'))).status).toBe(401);
  });

  it('answers 503 while the metadata server fails, then checks tokens again and logs the recovery once', async () => {
    const lines: string[] = [];
    const sidos = await start(`http://127.0.0.1:${(metadata.address() as AddressInfo).port}/openid`, lines);
    for (let i = 0; i < 5; i++) expect((await postTo(sidos, activity(), signJwt(otherKey, claims()))).status).toBe(503);
    expect(lines).toHaveLength(1);

    healthy.value = true;
    expect((await postTo(sidos, activity(), signJwt(otherKey, claims()))).status).toBe(401);
    expect((await postTo(sidos, activity(), signJwt(privateKey, claims()))).status).toBe(200);
    expect((await postTo(sidos, activity(), signJwt(privateKey, claims()))).status).toBe(200);
    expect(lines).toEqual([lines[0], 'Bot Framework signing keys can be fetched again: /api/messages authenticates requests.']);
  });
});
