// The HTTP surface: /api/messages for the Bot Framework, /healthz, and the
// download links the bot hands out (/files/<token>).
import type { Application } from '@microsoft/teams-ai';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import restify from 'restify';

export interface Download {
  contentType: string;
  fileName: string;
  body: string;
  /** Shown in the browser (an HTML digest) rather than saved. */
  inline?: boolean;
}

/** Finds what an unguessable token serves; null when unknown or expired. */
export type DownloadProvider = (token: string) => Download | null;

export interface ServerOptions {
  adapter: TeamsAdapter;
  app: Application;
  host: string;
  port: number;
  mode: 'local' | 'authenticated';
  downloads: DownloadProvider;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const server = restify.createServer({ name: 'sidos', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024, mapParams: false }));

  server.post('/api/messages', async (req, res) => {
    await options.adapter.process(req, res, async (context) => {
      await options.app.run(context);
    });
  });

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok', mode: options.mode });
    next();
  });

  server.get('/files/:token', (req, res, next) => {
    const token = String(req.params.token ?? '');
    const file = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? options.downloads(token) : null;
    if (!file) {
      res.send(404, { error: 'This link is unknown or has expired.' });
      return next();
    }
    res.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Disposition': `${file.inline ? 'inline' : 'attachment'}; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(file.body);
    return next();
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
