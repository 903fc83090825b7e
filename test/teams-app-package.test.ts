import { AppManifestUtils } from '@microsoft/app-manifest';
import { loadLocaleStrings } from '../bot/i18n.js';
import { buildRoutes } from '../bot/teams/routes.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTeamsAppPackage, pngSize, TeamsAppPackageError } from '../scripts/teams-app-package.js';
import { MAX_COMMANDS_PER_LIST, menuLists } from '../scripts/teams-app-texts.js';

const BOT_ID = '0b7c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3';

type Json = Parameters<typeof AppManifestUtils.validateAgainstSchema>[0];

/**
 * Validates a manifest or language file against the schema its $schema names,
 * which @microsoft/app-manifest bundles. The test run must not need the
 * internet, so any download attempt fails the validation.
 */
async function schemaErrors(document: Record<string, unknown>): Promise<string[]> {
  const downloads: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    downloads.push(String(url));
    throw new Error(`offline: ${url}`);
  });
  const schema = await AppManifestUtils.fetchSchema(String(document.$schema));
  expect(downloads).toEqual([]);
  return AppManifestUtils.validateAgainstSchema(document as unknown as Json, unicodeSafe(schema));
}

/**
 * The published localization schema has property patterns like
 * `activityTypes\[\b(…)\b]\.description$`: a lone `]` is a literal in a plain
 * regular expression but an error in the Unicode mode ajv compiles with.
 * Escaping it keeps the meaning; schemas without such patterns pass unchanged.
 */
function unicodeSafe<T>(schema: T): T {
  const patterns = (schema as { patternProperties?: Record<string, unknown> }).patternProperties;
  if (!patterns) return schema;
  const fixed = Object.fromEntries(Object.entries(patterns).map(([key, value]) => [key.replaceAll('\\b]', '\\b\\]'), value]));
  return { ...schema, patternProperties: fixed };
}

/** Minimal zip reader: entries listed in the central directory, inflated. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    const local = zip.readUInt32LE(p + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    p += 46 + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return files;
}

function paeth(a: number, b: number, c: number): number {
  const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** RGBA pixels of an 8-bit, colour type 6, non-interlaced PNG. */
function decodeRgba(png: Buffer): { width: number; height: number; pixels: Buffer } {
  const { width, height } = pngSize(png)!;
  expect([png[24], png[25], png[28]]).toEqual([8, 6, 0]);
  const idat: Buffer[] = [];
  for (let p = 8; p < png.length; ) {
    const len = png.readUInt32BE(p);
    if (png.toString('latin1', p + 4, p + 8) === 'IDAT') idat.push(png.subarray(p + 8, p + 8 + len));
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= 4 ? pixels[y * stride + x - 4] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4] : 0;
      const pred = filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth(a, b, c) : 0;
      pixels[y * stride + x] = (v + pred) & 0xff;
    }
  }
  return { width, height, pixels };
}

describe('Teams app package', () => {
  let dir: string;
  let files: Map<string, Buffer>;
  let manifest: any;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-app-'));
    const out = await buildTeamsAppPackage({
      botId: BOT_ID,
      publicBaseUrl: 'https://sidos.example.org/base/',
      outFile: join(dir, 'nested', 'app.zip'),
    });
    expect(out).toBe(join(dir, 'nested', 'app.zip'));
    files = readZip(await readFile(out));
    manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => vi.unstubAllGlobals());

  it('has exactly manifest.json, the two icons and the fi and sv language files at the root', () => {
    expect([...files.keys()].sort()).toEqual(['color.png', 'fi.json', 'manifest.json', 'outline.png', 'sv.json']);
  });

  it('validates against the Teams schema it declares, offline, with zero errors', async () => {
    expect(manifest.$schema).toBe('https://developer.microsoft.com/json-schemas/teams/v1.29/MicrosoftTeams.schema.json');
    expect(await schemaErrors(manifest)).toEqual([]);
  });

  it('is rejected by the same validation when a command list has 13 commands', async () => {
    const tooMany = structuredClone(manifest);
    const commands = tooMany.bots[0].commandLists[0].commands;
    while (commands.length < 13) commands.push({ title: `extra ${commands.length}`, description: 'One too many' });
    const errors = await schemaErrors(tooMany);
    expect(errors.join('\n')).toMatch(/\/bots\/0\/commandLists\/0\/commands must NOT have more than 12 items/);
  });

  it('fills in the bot id and the domain, leaving no placeholder', () => {
    expect(files.get('manifest.json')!.toString('utf8')).not.toMatch(/\$\{\{/);
    expect(manifest.id).toBe(BOT_ID);
    expect(manifest.bots).toHaveLength(1);
    expect(manifest.bots[0].botId).toBe(BOT_ID);
    expect(manifest.validDomains).toContain('sidos.example.org');
  });

  it('declares the bot scopes, file support and the command lists', () => {
    const bot = manifest.bots[0];
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(bot.supportsFiles).toBe(true);
    const lists = bot.commandLists as { scopes: string[]; commands: { title: string; description: string }[] }[];
    expect(lists.map((l) => l.scopes)).toEqual([['personal'], ['team', 'groupChat']]);
    const en = loadLocaleStrings('en');
    lists.forEach((list, i) => {
      expect(list.commands.length).toBeLessThanOrEqual(MAX_COMMANDS_PER_LIST);
      expect(list.commands.map((c) => c.title)).toContain('help');
      // Titles are what Teams sends; descriptions are the help card's.
      expect(list.commands).toEqual(menuLists()[i].commands.map((c) => ({ title: c.words, description: en[`cmd.${c.name}.description`] })));
    });
  });

  it('suggests only commands the bot registers', () => {
    const registered = buildRoutes().commands.map((c) => c.words);
    for (const list of manifest.bots[0].commandLists) {
      for (const command of list.commands) expect(registered, command.title).toContain(command.title);
    }
  });

  it('lists a command in the menus its registration names, and only those', () => {
    const lists = menuLists();
    const words = (scope: string) => lists.find((l) => l.scopes.includes(scope as never))!.commands.map((c) => c.words);
    expect(words('personal')).toEqual(expect.arrayContaining(['partners', 'import', 'my data', 'privacy']));
    expect(words('team')).toEqual(expect.arrayContaining(['announce', 'subscribe meetings', 'subscribe news']));
    expect(words('team')).not.toContain('partners');
    // Typed only: on the help card, not in a menu.
    for (const typedOnly of ['staff', 'audit', 'language', 'contacts']) expect(lists.flatMap((l) => l.commands.map((c) => c.words))).not.toContain(typedOnly);
  });

  it('stops the package build when a menu has more commands than Teams takes, naming the scope', () => {
    const handle = async () => 'ok';
    const many = Array.from({ length: MAX_COMMANDS_PER_LIST + 1 }, (_, i) => ({ name: `c${i}`, words: `c${i}`, roles: ['admin' as const], menu: ['team' as const], handle }));
    expect(() => menuLists(many)).toThrow(/13 commands are in the team command menu, and Teams takes at most 12/);
    expect(menuLists(many.slice(1))).toHaveLength(1);
  });

  it('declares English as its language and ships fi.json and sv.json that validate and match the manifest', async () => {
    expect(manifest.localizationInfo).toEqual({
      defaultLanguageTag: 'en',
      additionalLanguages: [
        { languageTag: 'fi', file: 'fi.json' },
        { languageTag: 'sv', file: 'sv.json' },
      ],
    });
    for (const locale of ['fi', 'sv'] as const) {
      const file = JSON.parse(files.get(`${locale}.json`)!.toString('utf8'));
      const strings = loadLocaleStrings(locale);
      expect(file.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.Localization.schema.json`);
      expect(await schemaErrors(file), locale).toEqual([]);
      expect(file['name.short']).toBe(strings['teamsApp.name.short']);
      expect(file['description.full']).toBe(strings['teamsApp.description.full']);
      expect(file['description.full']).not.toBe(manifest.description.full);
      // One title and one description per command of the manifest, nothing else.
      const expected: Record<string, string> = {};
      manifest.bots[0].commandLists.forEach((list: { commands: { title: string }[] }, i: number) =>
        list.commands.forEach((command, j) => {
          const key = menuLists()[i].commands[j].name;
          expected[`bots[0].commandLists[${i}].commands[${j}].title`] = command.title;
          expected[`bots[0].commandLists[${i}].commands[${j}].description`] = strings[`cmd.${key}.description`];
        }),
      );
      const commandKeys = Object.fromEntries(Object.entries(file).filter(([key]) => key.startsWith('bots[')));
      expect(commandKeys, locale).toEqual(expected);
    }
  });

  it('links the developer pages Sidos serves under PUBLIC_BASE_URL', () => {
    expect(manifest.developer).toEqual({
      name: 'Sidos project',
      websiteUrl: 'https://sidos.example.org/base/about',
      privacyUrl: 'https://sidos.example.org/base/privacy',
      termsOfUseUrl: 'https://sidos.example.org/base/terms',
    });
  });

  it('uses developer page URLs given explicitly', async () => {
    const out = await buildTeamsAppPackage({
      botId: BOT_ID,
      publicBaseUrl: 'https://sidos.example.org',
      developerUrls: { privacyUrl: 'https://www.example.fi/tietosuoja', websiteUrl: ' ' },
      outFile: join(dir, 'urls.zip'),
    });
    const built = JSON.parse(readZip(await readFile(out)).get('manifest.json')!.toString('utf8'));
    expect(built.developer).toMatchObject({
      websiteUrl: 'https://sidos.example.org/about',
      privacyUrl: 'https://www.example.fi/tietosuoja',
      termsOfUseUrl: 'https://sidos.example.org/terms',
    });
  });

  it('refuses developer pages that are not https, naming the value and where it came from', async () => {
    const fromBase = buildTeamsAppPackage({ botId: BOT_ID, publicBaseUrl: 'http://sidos.example.org', outFile: join(dir, 'bad.zip') });
    await expect(fromBase).rejects.toThrow('developer.websiteUrl = "http://sidos.example.org/about" (from PUBLIC_BASE_URL): Teams requires an https URL');
    const explicit = buildTeamsAppPackage({
      botId: BOT_ID,
      publicBaseUrl: 'https://sidos.example.org',
      developerUrls: { termsOfUseUrl: 'http://www.example.fi/terms' },
      outFile: join(dir, 'bad.zip'),
    });
    await expect(explicit).rejects.toBeInstanceOf(TeamsAppPackageError);
    await expect(explicit).rejects.toThrow('developer.termsOfUseUrl = "http://www.example.fi/terms" (from SIDOS_TERMS_URL)');
  });

  it('uses a manifest version that allows more than 10 commands per list (1.24 or later)', () => {
    const [major, minor] = String(manifest.manifestVersion).split('.').map(Number);
    expect(major === 1 && minor >= 24).toBe(true);
    expect(manifest.$schema).toContain(`/v${manifest.manifestVersion}/`);
  });

  it('ships a 192x192 colour icon and a 32x32 white-on-transparent outline icon', () => {
    expect(pngSize(files.get(manifest.icons.color)!)).toEqual({ width: 192, height: 192 });
    expect(pngSize(files.get(manifest.icons.outline)!)).toEqual({ width: 32, height: 32 });
    const { pixels } = decodeRgba(files.get(manifest.icons.outline)!);
    let visible = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] === 0) continue;
      visible++;
      expect([pixels[i], pixels[i + 1], pixels[i + 2]]).toEqual([255, 255, 255]);
    }
    expect(visible).toBeGreaterThan(50);
  });

  it('puts the host name, without the port, in validDomains for the localhost default', async () => {
    const out = await buildTeamsAppPackage({ botId: BOT_ID, outFile: join(dir, 'local.zip') });
    const local = JSON.parse(readZip(await readFile(out)).get('manifest.json')!.toString('utf8'));
    expect(local.validDomains).toEqual(['localhost']);
  });

  it.each(['', 'not-a-guid', '0b7c1d2e-3f40-4a5b-8c6d'])('rejects the bot id %j naming MicrosoftAppId', async (botId) => {
    const build = buildTeamsAppPackage({ botId, outFile: join(dir, 'bad.zip') });
    await expect(build).rejects.toBeInstanceOf(TeamsAppPackageError);
    await expect(build).rejects.toThrow(/MicrosoftAppId.*GUID/);
  });

  it('rejects a PUBLIC_BASE_URL that is not an http(s) URL', async () => {
    const build = buildTeamsAppPackage({ botId: BOT_ID, publicBaseUrl: 'sidos.example.org', outFile: join(dir, 'bad.zip') });
    await expect(build).rejects.toThrow(/PUBLIC_BASE_URL/);
  });
});
