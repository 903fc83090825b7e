// Builds the Teams app package (manifest.json + two icons at the zip root)
// from config/teams-app, filling in the bot id and the bot's domain.
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TEAMS_APP_DIR = resolve(ROOT, 'config/teams-app');
export const DEFAULT_OUT_FILE = resolve(ROOT, 'dist/sidos-teams-app.zip');
export const DEFAULT_PUBLIC_BASE_URL = 'https://localhost:3978';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLACEHOLDER = /\$\{\{(\w+)\}\}/g;
const ICON_SIZES = { color: 192, outline: 32 } as const;

/** A wrong input or a broken manifest/icon; the message says what is expected. */
export class TeamsAppPackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TeamsAppPackageError';
  }
}

export interface TeamsAppPackageOptions {
  /** MicrosoftAppId: the Azure Bot's app id; also used as the Teams app id. */
  botId: string;
  /** PUBLIC_BASE_URL; its host goes into validDomains. */
  publicBaseUrl?: string;
  outFile: string;
}

interface Manifest {
  id: string;
  icons: Record<keyof typeof ICON_SIZES, string>;
  bots: { botId: string }[];
  validDomains: string[];
}

function botDomain(publicBaseUrl: string): string {
  const url = URL.canParse(publicBaseUrl) ? new URL(publicBaseUrl) : null;
  if (!url || !['https:', 'http:'].includes(url.protocol) || !url.host) {
    throw new TeamsAppPackageError(
      `PUBLIC_BASE_URL = "${publicBaseUrl}": expected the bot's public base URL, e.g. https://sidos.example.org`,
    );
  }
  // Teams matches validDomains by host name; a port is not part of a domain.
  return url.hostname;
}

/** Width and height from the IHDR chunk, which a valid PNG has first. */
export function pngSize(png: Buffer): { width: number; height: number } | null {
  const signature = '89504e470d0a1a0a';
  if (png.length < 24 || png.subarray(0, 8).toString('hex') !== signature) return null;
  if (png.subarray(12, 16).toString('latin1') !== 'IHDR') return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

export async function buildTeamsAppPackage(options: TeamsAppPackageOptions): Promise<string> {
  const botId = options.botId.trim();
  if (!botId) {
    throw new TeamsAppPackageError(
      "MicrosoftAppId is not set: expected the Azure Bot's Microsoft App ID, a GUID like 00000000-0000-0000-0000-000000000000",
    );
  }
  if (!GUID.test(botId)) {
    throw new TeamsAppPackageError(
      `MicrosoftAppId = "${botId}": expected the Azure Bot's Microsoft App ID, a GUID like 00000000-0000-0000-0000-000000000000`,
    );
  }
  const domain = botDomain(options.publicBaseUrl ?? DEFAULT_PUBLIC_BASE_URL);
  const values: Record<string, string> = { BOT_ID: botId.toLowerCase(), BOT_DOMAIN: domain };

  const template = await readFile(resolve(TEAMS_APP_DIR, 'manifest.json'), 'utf8');
  // Values are a GUID and a URL host, so they need no JSON escaping.
  const text = template.replace(PLACEHOLDER, (match, name: string) => values[name] ?? match);
  const left = [...new Set(text.match(PLACEHOLDER))];
  if (left.length > 0) throw new TeamsAppPackageError(`manifest.json: unknown placeholder(s) left: ${left.join(', ')}`);

  const manifest = JSON.parse(text) as Manifest;
  if (manifest.id !== values.BOT_ID || manifest.bots?.[0]?.botId !== values.BOT_ID) {
    throw new TeamsAppPackageError('manifest.json: id and bots[0].botId must both be ${{BOT_ID}}');
  }
  if (!manifest.validDomains?.includes(domain)) {
    throw new TeamsAppPackageError('manifest.json: validDomains must contain ${{BOT_DOMAIN}}');
  }

  const icons: [string, Buffer][] = [];
  for (const [kind, size] of Object.entries(ICON_SIZES) as [keyof typeof ICON_SIZES, number][]) {
    const name = manifest.icons?.[kind];
    if (!name) throw new TeamsAppPackageError(`manifest.json: icons.${kind} is missing`);
    const png = await readFile(resolve(TEAMS_APP_DIR, name));
    const dims = pngSize(png);
    if (!dims || dims.width !== size || dims.height !== size) {
      const got = dims ? `${dims.width}x${dims.height}` : 'not a PNG';
      throw new TeamsAppPackageError(`${name}: the ${kind} icon must be a ${size}x${size} PNG (got ${got})`);
    }
    icons.push([name, png]);
  }

  const outFile = resolve(options.outFile);
  await mkdir(dirname(outFile), { recursive: true });
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json');
  for (const [name, png] of icons) zip.addBuffer(png, name);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(outFile));
  return outFile;
}
