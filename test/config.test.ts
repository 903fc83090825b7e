import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../bot/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  let dir: string;
  const override = async (name: string, content: unknown) => {
    const file = join(dir, name);
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts from config/default.json with sensible defaults and local mode', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3978);
    expect(config.dataDir).toMatch(/data$/);
    expect(config.credentials).toBeNull();
    expect(config.smtp).toBeNull();
    expect(config.digest).toEqual({ cron: '0 8 * * 1', timeZone: 'Europe/Helsinki', period: 'week', emails: [] });
    expect(config.offices.map((o) => o.timeZone)).toContain('Europe/Helsinki');
    expect(config.publicBaseUrl).toBe('http://localhost:3978');
  });

  it('takes overrides from a file and from environment variables', async () => {
    const file = await override('ok.json', { digest: { period: 'month' }, feedback: { anonymityMinimum: 5 } });
    const config = loadConfig({ SIDOS_CONFIG: file, SIDOS_DIGEST_CRON: '0 7 1 * *', PORT: '4000', SMTP_URL: 'smtp://mail.example.fi:25' });
    expect(config.digest).toMatchObject({ period: 'month', cron: '0 7 1 * *', timeZone: 'Europe/Helsinki' });
    expect(config.feedback).toEqual({ reminderAfterDays: 3, maxReminders: 2, anonymityMinimum: 5 });
    expect(config.port).toBe(4000);
    expect(config.smtp).toEqual({ url: 'smtp://mail.example.fi:25', from: '' });
  });

  it('paces sends by the defaults, the file and SMTP_MAX_CONCURRENT, and refuses a limit that would stop sending', async () => {
    expect(loadConfig({}).sending).toEqual({ teamsConcurrency: 8, teamsPerSecond: 40, smtpMaxConcurrent: 2 });
    const file = await override('sending.json', { sending: { teamsPerSecond: 20 } });
    expect(loadConfig({ SIDOS_CONFIG: file, SMTP_MAX_CONCURRENT: '5' }).sending).toEqual({ teamsConcurrency: 8, teamsPerSecond: 20, smtpMaxConcurrent: 5 });
    const bad = await override('sending-bad.json', { sending: { teamsConcurrency: 0, teamsPerSecond: 200 } });
    expect(problemsOf({ SIDOS_CONFIG: bad, SMTP_MAX_CONCURRENT: 'many' })).toEqual(
      expect.arrayContaining([
        'sending.teamsConcurrency = 0: allowed: a whole number from 1 to 50',
        'sending.teamsPerSecond = 200: allowed: a whole number from 1 to 50',
        'sending.smtpMaxConcurrent = "many" (from SMTP_MAX_CONCURRENT): allowed: a whole number from 1 to 20',
      ]),
    );
  });

  it('names the key, the value and what is allowed for each wrong value', async () => {
    const file = await override('bad.json', {
      offices: [{ id: 'uusimaa', name: 'U', timeZone: 'Europe/Helsnki', locale: 'de', email: 'not-an-email' }],
      thresholds: { responseRate: { green: 0.2, yellow: 0.5, higherIsBetter: true } },
    });
    const problems = problemsOf({ SIDOS_CONFIG: file, SIDOS_DIGEST_CRON: 'every monday', PORT: 'eighty' });
    expect(problems).toEqual(
      expect.arrayContaining([
        'offices[0].timeZone = "Europe/Helsnki": allowed: an IANA time zone such as "Europe/Helsinki"',
        'offices[0].locale = "de": allowed: fi, sv, en',
        'offices[0].email = "not-an-email": allowed: an e-mail address such as "office@example.fi"',
        'digest.cron = "every monday" (from SIDOS_DIGEST_CRON): allowed: a five-field cron expression (minute hour day month weekday) such as "0 8 * * 1"',
        'PORT = "eighty": allowed: a whole number from 0 to 65535',
        expect.stringMatching(/^thresholds\.responseRate = .*green at or beyond yellow/),
      ]),
    );
  });

  it('refuses a cron with a seconds field, which the once-a-minute scheduler could not honour', () => {
    expect(problemsOf({ SIDOS_DIGEST_CRON: '30 0 8 * * 1' })).toEqual([
      'digest.cron = "30 0 8 * * 1" (from SIDOS_DIGEST_CRON): allowed: a five-field cron expression (minute hour day month weekday) such as "0 8 * * 1"',
    ]);
    expect(problemsOf({ SIDOS_DIGEST_CRON: ' 0  8 * * 1 ' })).toEqual([]);
  });

  it('takes an office name for all languages or per language, and names a wrong one', async () => {
    const office = { id: 'uusimaa', timeZone: 'Europe/Helsinki', locale: 'sv', email: 'u@example.fi' };
    expect(loadConfig({}).offices[0].name).toEqual({ fi: 'Uudenmaan aluetoimisto', sv: 'Nylands regionkontor', en: 'Uusimaa regional office' });
    const one = await override('one-name.json', { offices: [{ ...office, name: 'Sidos' }] });
    expect(loadConfig({ SIDOS_CONFIG: one }).offices[0].name).toBe('Sidos');
    const bad = await override('bad-names.json', {
      offices: [
        { ...office, name: { fi: 'Uudenmaan aluetoimisto', en: 'Uusimaa regional office' } },
        { ...office, id: 'b', locale: 'fi', name: { fi: 'B', de: 'B' } },
        { ...office, id: 'c', name: 42 },
      ],
    });
    const names = 'allowed: a name of 1 to 120 characters, or names per language such as { "fi": "…", "sv": "…", "en": "…" }';
    expect(problemsOf({ SIDOS_CONFIG: bad })).toEqual([
      'offices[0].name = {"fi":"Uudenmaan aluetoimisto","en":"Uusimaa regional office"}: allowed: names per language must include the office\'s language "sv"',
      `offices[1].name = {"fi":"B","de":"B"}: ${names}`,
      `offices[2].name = 42: ${names}`,
    ]);
  });

  it('refuses an office or segment name with a line break, control or text-direction character', async () => {
    const file = await override('names.json', {
      offices: [{ id: 'uusimaa', name: 'Uusimaa\u202e office', timeZone: 'Europe/Helsinki', locale: 'fi', email: 'u@example.fi' }],
      segments: [{ id: 'a', name: { fi: 'Kunnat', sv: 'Kom\nmuner', en: 'Municipalities' } }],
    });
    expect(problemsOf({ SIDOS_CONFIG: file })).toEqual([
      'offices[0].name = "Uusimaa\u202e office": allowed: one line without control or text-direction characters',
      'segments[0].name.sv = "Kom\\nmuner": allowed: one line without control or text-direction characters',
    ]);
  });

  it('checks references between keys: default office, people, unique ids', async () => {
    const file = await override('refs.json', {
      defaultOffice: 'lappi',
      people: [{ email: 'k@example.fi', role: 'coordinator' }],
      segments: [
        { id: 'a', name: { fi: 'A', sv: 'A', en: 'A' } },
        { id: 'a', name: { fi: 'B', sv: 'B', en: 'B' } },
      ],
    });
    expect(problemsOf({ SIDOS_CONFIG: file })).toEqual([
      'segments[1].id = "a": allowed: unique segment ids',
      'defaultOffice = "lappi": allowed: one of the office ids uusimaa, pohjanmaa',
      'people[0].office = (missing): allowed: a coordinator needs an office id',
    ]);
    const people = await override('people.json', { people: [{ role: 'boss', email: 'b@example.fi' }, { role: 'admin' }] });
    expect(problemsOf({ SIDOS_CONFIG: people })).toEqual([
      'people[0].role = "boss": allowed: coordinator, partner, national, admin',
      'people[1] = {"role":"admin"}: allowed: a person needs aadObjectId or email',
    ]);
  });

  it('rejects a broken override file and unknown keys', async () => {
    expect(problemsOf({ SIDOS_CONFIG: await override('broken.json', '{ "digest": ') })[0]).toMatch(/^SIDOS_CONFIG = ".*broken\.json": not valid JSON/);
    expect(problemsOf({ SIDOS_CONFIG: join(dir, 'missing.json') })[0]).toMatch(/^SIDOS_CONFIG = ".*missing\.json": the file cannot be read/);
    const typo = problemsOf({ SIDOS_CONFIG: await override('typo.json', { digset: {} }) });
    expect(typo).toHaveLength(1);
    expect(typo[0]).toMatch(/^\(root\) = .*: Unrecognized key\(s\) in object: 'digset'$/);
  });

  it('validates Bot Framework credentials and never repeats a password', () => {
    const problems = problemsOf({ MicrosoftAppId: 'my-bot', MicrosoftAppPassword: 'hunter2', MicrosoftAppType: 'SingleTenant', SMTP_URL: 'http://user:secret@mail' });
    expect(problems).toEqual(
      expect.arrayContaining([
        'MicrosoftAppId = "my-bot": allowed: the Azure Bot\'s app id, a GUID',
        'MicrosoftAppTenantId = "": allowed: the tenant id (a GUID), required when MicrosoftAppType is SingleTenant',
        'SMTP_URL = "http://user:***@mail": allowed: a URL starting with smtp:// or smtps://',
      ]),
    );
    expect(problems.join('\n')).not.toMatch(/hunter2|secret/);
    const config = loadConfig({ MicrosoftAppId: '6f1b8c2e-1111-4222-8333-944445555666', MicrosoftAppPassword: 'x', MicrosoftAppTenantId: '', MicrosoftAppType: '' });
    expect(config.credentials).toMatchObject({ appId: '6f1b8c2e-1111-4222-8333-944445555666', appType: 'MultiTenant' });
  });
});
