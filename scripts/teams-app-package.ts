// Builds the Teams app package from config/teams-app: manifest.json, the two
// icons and a language file per additional language, all at the zip root. Fills
// in the bot id, the bot's domain, the developer pages and the texts.
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import type { InfoPage } from '../bot/web/info-pages.js';
import { ADDITIONAL_LOCALES, appTexts, localizationFile, MANIFEST_LOCALE, type CommandList } from './teams-app-texts.js';

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

/** The developer's pages Teams links to from the app's details. */
export interface DeveloperUrls {
  websiteUrl: string;
  privacyUrl: string;
  termsOfUseUrl: string;
}

/** The page Sidos serves for each developer URL when no other URL is given. */
export const DEVELOPER_PAGES: Record<keyof DeveloperUrls, InfoPage> = { websiteUrl: 'about', privacyUrl: 'privacy', termsOfUseUrl: 'terms' };

/** The environment variable that gives each developer page explicitly. */
export const DEVELOPER_URL_ENV: Record<keyof DeveloperUrls, string> = {
  websiteUrl: 'SIDOS_WEBSITE_URL',
  privacyUrl: 'SIDOS_PRIVACY_URL',
  termsOfUseUrl: 'SIDOS_TERMS_URL',
};

export interface TeamsAppPackageOptions {
  /** MicrosoftAppId: the Azure Bot's app id; also used as the Teams app id. */
  botId: string;
  /** PUBLIC_BASE_URL; its host goes into validDomains, and the developer pages default to it. */
  publicBaseUrl?: string;
  /** Developer pages given explicitly; the rest are PUBLIC_BASE_URL + DEVELOPER_PAGES. */
  developerUrls?: Partial<DeveloperUrls>;
  outFile: string;
}

interface Manifest {
  manifestVersion: string;
  id: string;
  developer: { name: string } & Partial<DeveloperUrls>;
  name?: { short: string; full: string };
  description?: { short: string; full: string };
  icons: Record<keyof typeof ICON_SIZES, string>;
  bots: { botId: string; commandLists?: CommandList[] }[];
  localizationInfo?: { defaultLanguageTag: string; additionalLanguages: { languageTag: string; file: string }[] };
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

function developerUrls(publicBaseUrl: string, given: Partial<DeveloperUrls>): DeveloperUrls {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const urls = {} as DeveloperUrls;
  for (const [key, page] of Object.entries(DEVELOPER_PAGES) as [keyof DeveloperUrls, InfoPage][]) {
    const explicit = given[key]?.trim();
    const url = explicit || `${base}/${page}`;
    if (!URL.canParse(url) || new URL(url).protocol !== 'https:') {
      const from = explicit ? DEVELOPER_URL_ENV[key] : 'PUBLIC_BASE_URL';
      throw new TeamsAppPackageError(
        `developer.${key} = "${url}" (from ${from}): Teams requires an https URL; set PUBLIC_BASE_URL to the bot's https address or ${DEVELOPER_URL_ENV[key]} to the page`,
      );
    }
    urls[key] = url;
  }
  return urls;
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
  const publicBaseUrl = options.publicBaseUrl ?? DEFAULT_PUBLIC_BASE_URL;
  const domain = botDomain(publicBaseUrl);
  const urls = developerUrls(publicBaseUrl, options.developerUrls ?? {});
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
  const texts = appTexts(MANIFEST_LOCALE);
  manifest.developer = { ...manifest.developer, ...urls };
  manifest.name = texts.name;
  manifest.description = texts.description;
  manifest.bots[0].commandLists = texts.commandLists;
  manifest.localizationInfo = {
    defaultLanguageTag: MANIFEST_LOCALE,
    additionalLanguages: ADDITIONAL_LOCALES.map((locale) => ({ languageTag: locale, file: `${locale}.json` })),
  };
  const languageFiles = ADDITIONAL_LOCALES.map((locale) => [`${locale}.json`, localizationFile(locale, manifest.manifestVersion)] as const);

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
  const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
  zip.addBuffer(json(manifest), 'manifest.json');
  for (const [name, png] of icons) zip.addBuffer(png, name);
  for (const [name, strings] of languageFiles) zip.addBuffer(json(strings), name);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(outFile));
  return outFile;
}
