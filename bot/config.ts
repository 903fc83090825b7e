// Loads config/default.json, an optional override file (SIDOS_CONFIG) and
// environment variables, and validates the result. Any wrong value stops
// start-up with a ConfigError naming the key, the value and what is allowed.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, type FileConfig } from '../config/schema.js';

export const DEFAULT_CONFIG_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../config/default.json');

export interface BotCredentials {
  appId: string;
  password: string;
  tenantId: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
}

export interface AppConfig extends FileConfig {
  port: number;
  dataDir: string;
  /** postgres:// URL of the database (DATABASE_URL), or null: the embedded lowdb store in dataDir. */
  databaseUrl: string | null;
  /** Base of the download links the bot hands out (.ics, digests). */
  publicBaseUrl: string;
  smtp: { url: string; from: string } | null;
  /** null: local mode, no Bot Framework authentication. */
  credentials: BotCredentials | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Environment variables that override a key of the file configuration. */
const ENV_OVERRIDES: Record<string, { path: string[]; parse: (v: string) => unknown }> = {
  SIDOS_DEFAULT_OFFICE: { path: ['defaultOffice'], parse: (v) => v },
  SIDOS_DIGEST_CRON: { path: ['digest', 'cron'], parse: (v) => v },
  SIDOS_DIGEST_TIMEZONE: { path: ['digest', 'timeZone'], parse: (v) => v },
  SIDOS_DIGEST_PERIOD: { path: ['digest', 'period'], parse: (v) => v },
  SIDOS_DIGEST_EMAILS: { path: ['digest', 'emails'], parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  SMTP_MAX_CONCURRENT: { path: ['sending', 'smtpMaxConcurrent'], parse: (v) => (/^\d+$/.test(v) ? Number(v) : v) },
};

function readJson(file: string, label: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${label} = "${file}": the file cannot be read (${(err as Error).message})`]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${label} = "${file}": not valid JSON (${(err as Error).message})`]);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; arrays and values of the override replace. */
function deepMerge(base: unknown, override: unknown): unknown {
  if (!isObject(base) || !isObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], root);
}

function describeKey(path: (string | number)[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('') || '(root)';
}

function parsePort(raw: string | undefined, problems: string[]): number {
  if (raw === undefined || raw === '') return 3978;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT = "${raw}": allowed: a whole number from 0 to 65535`);
    return 3978;
  }
  return port;
}

function parseUrl(name: string, raw: string, protocols: string[], problems: string[]): string {
  try {
    const url = new URL(raw);
    if (!protocols.includes(url.protocol)) throw new Error('protocol');
    return raw;
  } catch {
    problems.push(`${name} = "${redactUrl(raw)}": allowed: a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    return raw;
  }
}

/** Hides a password in a URL such as smtp://user:secret@host. */
export function redactUrl(raw: string): string {
  return raw.replace(/(\/\/[^:/@]+:)[^@/]*@/, '$1***@');
}

function parseCredentials(env: Env, problems: string[]): BotCredentials | null {
  const appId = env.MicrosoftAppId?.trim() ?? '';
  const password = env.MicrosoftAppPassword ?? '';
  const tenantId = env.MicrosoftAppTenantId?.trim() ?? '';
  const appType = env.MicrosoftAppType?.trim() || 'MultiTenant';
  if (!appId && !password) return null;
  const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (!guid.test(appId)) problems.push(`MicrosoftAppId = "${appId}": allowed: the Azure Bot's app id, a GUID`);
  if (!['MultiTenant', 'SingleTenant', 'UserAssignedMSI'].includes(appType)) {
    problems.push(`MicrosoftAppType = "${appType}": allowed: MultiTenant, SingleTenant, UserAssignedMSI`);
  }
  if (appType !== 'UserAssignedMSI' && !password) {
    problems.push('MicrosoftAppPassword = (empty): allowed: the client secret of the app registration, required with MicrosoftAppId');
  }
  if (appType !== 'MultiTenant' && !guid.test(tenantId)) {
    problems.push(`MicrosoftAppTenantId = "${tenantId}": allowed: the tenant id (a GUID), required when MicrosoftAppType is ${appType}`);
  }
  return { appId, password, tenantId, appType: appType as BotCredentials['appType'] };
}

export function loadConfig(env: Env = process.env): AppConfig {
  let raw = readJson(DEFAULT_CONFIG_FILE, 'config/default.json');
  if (env.SIDOS_CONFIG) raw = deepMerge(raw, readJson(resolve(env.SIDOS_CONFIG), 'SIDOS_CONFIG'));

  const sources = new Map<string, string>();
  for (const [name, { path, parse }] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw as Record<string, unknown>, path, parse(value));
    sources.set(path.join('.'), name);
  }

  const problems: string[] = [];
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = describeKey(issue.path);
      const value = valueAt(raw, issue.path);
      const from = sources.get(issue.path.join('.'));
      const shown = value === undefined ? '(missing)' : JSON.stringify(value);
      problems.push(`${key} = ${shown}${from ? ` (from ${from})` : ''}: ${issue.message}`);
    }
  }

  const port = parsePort(env.PORT, problems);
  const publicBaseUrl = parseUrl('PUBLIC_BASE_URL', env.PUBLIC_BASE_URL || `http://localhost:${port}`, ['http:', 'https:'], problems).replace(/\/+$/, '');
  const smtpUrl = env.SMTP_URL?.trim();
  const smtp = smtpUrl ? { url: parseUrl('SMTP_URL', smtpUrl, ['smtp:', 'smtps:'], problems), from: env.SMTP_FROM?.trim() || '' } : null;
  if (smtp && smtp.from && !/^[^\s@]+@[^\s@]+$/.test(smtp.from.replace(/^.*<(.*)>$/, '$1'))) {
    problems.push(`SMTP_FROM = "${smtp.from}": allowed: an e-mail address, optionally as "Name <address>"`);
  }
  const credentials = parseCredentials(env, problems);
  const databaseUrl = env.DATABASE_URL?.trim() ? parseUrl('DATABASE_URL', env.DATABASE_URL.trim(), ['postgres:', 'postgresql:'], problems) : null;

  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return {
    ...parsed.data,
    port,
    dataDir: resolve(env.DATA_DIR || './data'),
    databaseUrl,
    publicBaseUrl,
    smtp,
    credentials,
  };
}
