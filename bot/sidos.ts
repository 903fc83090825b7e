// Composition root: config → store → services → Teams app → server.
import type { AppConfig } from './config.js';
import { createSmtpEmailSender } from './delivery/email.js';
import { EmailDelivery } from './delivery/email-delivery.js';
import { TeamsDelivery, type RetryPolicy } from './delivery/teams-delivery.js';
import { buildJobs } from './scheduler/jobs.js';
import { Scheduler } from './scheduler/scheduler.js';
import { systemClock, type Clock } from './services/clock.js';
import { createDownloadProvider } from './services/downloads.js';
import { LowdbStore } from './store/lowdb-store.js';
import { startServer } from './server.js';
import { createAdapter, createTeamsApp } from './teams/app.js';
import { AdapterConversationPort } from './teams/conversation-port.js';
import { buildRoutes } from './teams/routes.js';
import { infoPageLocale, renderInfoPage } from './web/info-pages.js';

export interface SidosOptions {
  config: AppConfig;
  clock?: Clock;
  log?: (line: string) => void;
  retry?: RetryPolicy;
  /** Bot Framework authentication settings for other clouds (see createAdapter). */
  botFrameworkAuth?: Record<string, string>;
  /** false: no cron timers and no start-up catch-up (tests run jobs by hand). */
  startJobs?: boolean;
}

export interface RunningSidos {
  url: string;
  port: number;
  mode: 'local' | 'authenticated';
  /** Runs a scheduled job now, at the clock's time. */
  runJob(name: string): Promise<void>;
  /** Stops taking requests and jobs, then waits for writes in flight. */
  stop(): Promise<void>;
}

export async function startSidos(options: SidosOptions): Promise<RunningSidos> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((line: string) => console.log(line));
  const store = await LowdbStore.open(config.dataDir);

  const botAppId = config.credentials?.appId ?? '';
  const adapter = createAdapter(config.credentials, options.botFrameworkAuth);
  const delivery = new TeamsDelivery(store, new AdapterConversationPort(adapter, botAppId), clock, log, options.retry);
  const email = config.smtp
    ? new EmailDelivery(store, createSmtpEmailSender({ url: config.smtp.url, from: config.smtp.from || config.offices[0].email }), clock, log)
    : null;
  const deps = { config, store, clock, delivery, email, log };
  const app = createTeamsApp(adapter, botAppId, deps, buildRoutes());
  const scheduler = new Scheduler(buildJobs(deps), clock, log);

  const mode = config.credentials ? 'authenticated' : 'local';
  const server = await startServer({
    adapter,
    app,
    host: mode === 'local' ? '127.0.0.1' : '0.0.0.0',
    port: config.port,
    mode,
    downloads: createDownloadProvider(store, config, clock),
    infoPage: (page, lang, acceptLanguage) => renderInfoPage(page, infoPageLocale(config, lang, acceptLanguage), config),
    log,
  });

  if (!email) log('SMTP_URL is not set: invitations and digests go out in Teams only, not by e-mail.');
  if (options.startJobs ?? true) scheduler.start();

  let stopping: Promise<void> | null = null;
  return {
    url: server.url,
    port: server.port,
    mode,
    runJob: (name) => scheduler.run(name),
    stop: () => (stopping ??= Promise.all([server.close(), scheduler.stop()]).then(() => store.close())),
  };
}
