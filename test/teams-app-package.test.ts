import { COMMANDS, COMMAND_TEXT } from '../bot/domain/commands.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTeamsAppPackage, pngSize, TeamsAppPackageError } from '../scripts/teams-app-package.js';

const BOT_ID = '0b7c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3';

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

  it('has exactly manifest.json and the two icons at the root', () => {
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
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
    // Every command the bot understands is suggested in Teams, and nothing else — except the admin
    // commands of issue 16 (staff, audit): whether they fit the lists is decided with the lists' limit.
    const notSuggested: readonly string[] = ['staff', 'audit'];
    const expected = COMMANDS.filter((c) => !notSuggested.includes(c)).map((c) => COMMAND_TEXT[c]).sort();
    const lists = bot.commandLists as { scopes: string[]; commands: { title: string; description: string }[] }[];
    expect(lists.map((l) => l.scopes)).toEqual([['personal'], ['team', 'groupChat']]);
    for (const list of lists) {
      expect(list.commands.map((c) => c.title).sort()).toEqual(expected);
      for (const c of list.commands) expect(c.description.length).toBeGreaterThan(0);
    }
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
