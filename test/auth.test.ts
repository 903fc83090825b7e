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

describe('authenticated mode', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  let metadata: Server;
  let sidos: RunningSidos;
  let dir: string;
  const serviceUrl = 'https://smba.trafficmanager.net/emea/';

  beforeAll(async () => {
    const jwk = publicKey.export({ format: 'jwk' });
    metadata = createServer((req, res) => {
      const base = `http://127.0.0.1:${(metadata.address() as AddressInfo).port}`;
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/openid') res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/keys` }));
      else res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: KID, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
    });
    await new Promise<void>((r) => metadata.listen(0, '127.0.0.1', r));
    const metadataUrl = `http://127.0.0.1:${(metadata.address() as AddressInfo).port}/openid`;
    dir = await mkdtemp(join(tmpdir(), 'sidos-auth-'));
    const config = loadConfig({ PORT: '0', DATA_DIR: dir, MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret' });
    sidos = await startSidos({
      config,
      log: () => undefined,
      startJobs: false,
      botFrameworkAuth: {
        ValidateAuthority: 'true',
        ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
        ToChannelFromBotOAuthScope: 'https://api.botframework.com',
        ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
        OAuthUrl: 'https://api.botframework.com',
        ToBotFromChannelOpenIdMetadataUrl: metadataUrl,
        ToBotFromEmulatorOpenIdMetadataUrl: metadataUrl,
        CallerId: 'urn:botframework:azure',
      },
    });
  });
  afterAll(async () => {
    await sidos.stop();
    await new Promise<void>((r) => metadata.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  const post = (body: object, token?: string) =>
    fetch(`${sidos.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const claims = (overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: serviceUrl, nbf: now - 60, exp: now + 600, ...overrides };
  };
  // A member joining (not the bot) needs no reply, so nothing has to reach the real connector.
  const activity = () => ({ ...botAdded(serviceUrl, partner), membersAdded: [{ id: '29:someone-else' }] });

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
