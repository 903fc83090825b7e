// The HTTP surface: /api/messages for the Bot Framework, /healthz, the
// download links the bot hands out (/files/<token>), the about, privacy and
// terms pages the Teams app links to, and partners' personal pages (/p/<token>).
import type { Application } from '@microsoft/teams-ai';
import type { Activity } from 'botbuilder';
import type { SidosAdapter } from './teams/app.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PAGE_TEMPLATE_DIR } from './html-templates.js';
import { INFO_PAGES, type InfoPage } from './web/info-pages.js';
import type { PartnerPages } from './web/partner-pages.js';
import restify from 'restify';
import { z } from 'zod';

export interface Download {
  contentType: string;
  fileName: string;
  body: string;
  /** Shown in the browser (an HTML digest) rather than saved. */
  inline?: boolean;
}

/** Finds what an unguessable token serves; null when unknown or expired. `lang` is the link's ?lang=, if any. */
/** Async: some downloads (the digest page with its charts) are drawn when fetched. */
export type DownloadProvider = (token: string, lang?: string) => Promise<Download | null>;

/** The HTML of an about/privacy/terms page; `lang` is the link's ?lang=, `acceptLanguage` the browser's header. */
export type InfoPageProvider = (page: InfoPage, lang: string | undefined, acceptLanguage: string | undefined) => string;

const AUTH_ERROR_NAMES = new Set(['AuthenticationError', 'JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

function isAuthenticationFailure(err: unknown): boolean {
  const e = err as { name?: string; statusCode?: number } | null;
  return !!e && (AUTH_ERROR_NAMES.has(e.name ?? '') || e.statusCode === 401);
}

/**
 * botbuilder fetches the channel's OpenID metadata and signing keys on the first
 * request (and daily); when that fails it throws a network FetchError or an
 * AuthenticationError "Failed to load …" with status 500.
 */
function isSigningKeyFetchFailure(err: unknown): boolean {
  const e = err as { name?: string; statusCode?: number; message?: string } | null;
  return !!e && (e.name === 'FetchError' || (e.statusCode === 500 && /^Failed to load/.test(e.message ?? '')));
}

/** Seconds a caller is asked to wait while the signing keys cannot be fetched. */
const SIGNING_KEYS_RETRY_AFTER = 30;

/** Logs an outage of the signing keys once when it starts and once when it ends, not per request. */
function signingKeyOutageLog(log: (line: string) => void) {
  let down = false;
  return {
    failed(err: unknown) {
      if (down) return;
      down = true;
      log(`Bot Framework signing keys cannot be fetched (${(err as Error).message}): /api/messages answers 503 until they can.`);
    },
    authenticated() {
      if (!down) return;
      down = false;
      log('Bot Framework signing keys can be fetched again: /api/messages authenticates requests.');
    },
  };
}

const text = z.string().nullish();
// Ids end up in connector URLs and headers: visible ASCII only, as Teams sends them.
const id = z.string().max(1024).regex(/^[!-~]+$/);
// Names are stored with conversation references; Teams display names are short.
const account = z.object({ id, name: z.string().max(256).nullish() });
const records = z.array(z.record(z.unknown())).nullish();
// botbuilder reads every entity's type, and a mention's target and text.
const entity = z.union([
  z.object({ type: z.string().regex(/^mention$/i), mentioned: z.object({ id: z.string() }), text: z.string() }),
  z.object({ type: z.string().refine((t) => t.toLowerCase() !== 'mention') }),
]);
const cardActionValue = z.object({
  action: z.object({ type: z.literal('Action.Execute'), verb: z.string(), data: z.record(z.unknown()).nullish() }),
});

/**
 * The parts of an activity botbuilder and the handlers rely on. Without this a
 * wrong type in one of them fails deep in the turn (a 500, or a reply sent to
 * a default Bot Framework host when serviceUrl is missing).
 */
const activityShape = z
  .object({
    type: z.string().min(1),
    id: id.optional(),
    channelId: z.string().min(1),
    serviceUrl: z.string().regex(/^https?:\/\//i).url(),
    from: account.extend({ aadObjectId: text }),
    recipient: account,
    conversation: z.object({ id, conversationType: text, tenantId: text }),
    channelData: z.object({ tenant: z.object({ id: text }).nullish() }).nullish(),
    text,
    locale: text,
    name: text,
    action: text,
    entities: z.array(entity).optional(),
    attachments: records,
    membersAdded: z.array(account).nullish(),
    value: z.unknown(),
  })
  // Mentions are cut out of a message's text, so a message with a mention needs one.
  .refine((a) => a.type !== 'message' || typeof a.text === 'string' || !a.entities?.some((e) => 'mentioned' in e))
  .refine((a) => a.type !== 'invoke' || a.name !== 'adaptiveCard/action' || cardActionValue.safeParse(a.value).success);

export interface ServerOptions {
  adapter: SidosAdapter;
  app: Application;
  host: string;
  port: number;
  mode: 'local' | 'authenticated';
  downloads: DownloadProvider;
  infoPage: InfoPageProvider;
  partnerPages: PartnerPages;
  log: (line: string) => void;
}

/**
 * Headers of every HTML page: no script at all, styles from the one stylesheet,
 * forms only back to Sidos, never in a frame. The partner pages carry their
 * token in the address, so no Referer leaves them and nothing is cached.
 */
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

const STYLESHEET = readFileSync(resolve(PAGE_TEMPLATE_DIR, 'sidos.css'), 'utf8');

const queryLang = (req: restify.Request) => new URL(req.url ?? '/', 'http://localhost').searchParams.get('lang') ?? undefined;
const acceptLanguage = (req: restify.Request) => {
  const accept = req.headers['accept-language'];
  return Array.isArray(accept) ? accept.join(',') : accept;
};

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const server = restify.createServer({ name: 'sidos', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024, mapParams: false }));

  // handleActivity (processActivity) rather than adapter.process: the latter answers
  // 500 with the error text for a malformed activity or a badly signed token.
  // Per-client token buckets on the public endpoints. The Bot Framework sends
  // from a few addresses, so /api/messages gets a wide bucket, and only when
  // the bot is public (local mode listens on loopback only).
  const messageLimit = options.mode === 'authenticated' ? [restify.plugins.throttle({ burst: 300, rate: 100, ip: true })] : [];
  const downloadLimit = restify.plugins.throttle({ burst: 30, rate: 5, ip: true });
  const keyOutage = signingKeyOutageLog(options.log);

  server.post('/api/messages', ...messageLimit, async (req: restify.Request, res: restify.Response) => {
    const activity = req.body as Partial<Activity> | undefined;
    if (!activityShape.safeParse(activity).success) {
      res.send(400, { error: 'The body is not a Bot Framework activity.' });
      return;
    }
    const authorization = String(req.headers.authorization ?? '');
    // The adapter authenticates the request before it runs the turn.
    let authenticated = false;
    try {
      const invokeResponse = await options.adapter.handleActivity(authorization, activity as Activity, async (context) => {
        authenticated = true;
        keyOutage.authenticated();
        await options.app.run(context);
      });
      // The adapter answers 501 to an invoke nobody handles (task/fetch, signin/…); for a
      // caller that is a request Sidos does not accept, not a server failure.
      const status = invokeResponse?.status === 501 ? 400 : invokeResponse?.status ?? 200;
      res.send(status, invokeResponse?.body ?? null);
    } catch (err) {
      if (isAuthenticationFailure(err)) {
        res.send(401, { error: 'Unauthorized' });
        return;
      }
      // Without the keys no token can be checked, good or bad: the caller should retry later.
      if (!authenticated && isSigningKeyFetchFailure(err)) {
        keyOutage.failed(err);
        res.header('Retry-After', String(SIGNING_KEYS_RETRY_AFTER));
        res.send(503, { error: 'Service unavailable' });
        return;
      }
      options.log(`/api/messages failed: ${(err as Error).stack ?? String(err)}`);
      res.send(500, { error: 'Internal error' });
    }
  });

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok', mode: options.mode });
    next();
  });

  server.get('/files/:token', downloadLimit, async (req: restify.Request, res: restify.Response) => {
    const token = String(req.params.token ?? '');
    const lang = new URL(req.url ?? '/', 'http://localhost').searchParams.get('lang') ?? undefined;
    const file = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await options.downloads(token, lang) : null;
    if (!file) {
      res.send(404, { error: 'This link is unknown or has expired.' });
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Disposition': `${file.inline ? 'inline' : 'attachment'}; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
      // A page shown inline runs nothing: its styles and SVG charts are inline, it has no script.
      ...(file.inline ? { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" } : {}),
    });
    res.end(file.body);
  });

  for (const page of INFO_PAGES) {
    server.get(`/${page}`, downloadLimit, (req: restify.Request, res: restify.Response, next: restify.Next) => {
      res.writeHead(200, PAGE_HEADERS);
      res.end(options.infoPage(page, queryLang(req), acceptLanguage(req)));
      return next();
    });
  }

  server.get('/p/assets/sidos.css', downloadLimit, (_req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' });
    res.end(STYLESHEET);
    return next();
  });

  server.get('/p/:token', downloadLimit, async (req: restify.Request, res: restify.Response) => {
    const answer = new URL(req.url ?? '/', 'http://localhost').searchParams.get('answer') ?? undefined;
    try {
      const page = await options.partnerPages.get(String(req.params.token ?? ''), { lang: queryLang(req), answer }, acceptLanguage(req));
      res.writeHead(page.status, PAGE_HEADERS);
      res.end(page.html);
    } catch (err) {
      options.log(`GET /p/ failed: ${(err as Error).stack ?? String(err)}`);
      res.send(500, { error: 'Internal error' });
    }
  });

  server.post('/p/:token', downloadLimit, async (req: restify.Request, res: restify.Response) => {
    // Forms are sent urlencoded; the body parser above makes them an object.
    const form = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    try {
      const page = await options.partnerPages.post(String(req.params.token ?? ''), queryLang(req), acceptLanguage(req), form);
      res.writeHead(page.status, PAGE_HEADERS);
      res.end(page.html);
    } catch (err) {
      options.log(`POST /p/ failed: ${(err as Error).stack ?? String(err)}`);
      res.send(500, { error: 'Internal error' });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    url: `http://${options.host}:${address.port}`,
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
