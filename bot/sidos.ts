// Composition root: config → store → services → Teams app → server.
import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { AppConfig } from './config.js';
import { createSmtpEmailSender } from './delivery/email.js';
import { EmailDelivery } from './delivery/email-delivery.js';
import { SendQueue } from './delivery/send-queue.js';
import { TeamsDelivery, type RetryPolicy } from './delivery/teams-delivery.js';
import { BackgroundWork } from './scheduler/background.js';
import { Scheduler } from './scheduler/scheduler.js';
import { systemClock, type Clock } from './services/clock.js';
import { createDownloadProvider } from './services/downloads.js';
import { openRecordStore } from './store/open-record-store.js';
import type { RecordStore } from './store/records.js';
import { startServer } from './server.js';
import { createAdapter, createTeamsApp } from './teams/app.js';
import { AdapterConversationPort } from './teams/conversation-port.js';
import { InviteProgressCards } from './teams/invite-progress.js';
import { buildRoutes } from './teams/routes.js';
import { infoPageLocale, renderInfoPage } from './web/info-pages.js';
import { createPartnerPages } from './web/partner-pages.js';

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
  /** What this Sidos keeps (tests read and seed through it). */
  records: RecordStore;
  /** Runs a scheduled job now, at the clock's time. */
  runJob(name: string): Promise<void>;
  /** Resolves when the sends started by button presses have finished (tests and the benchmark wait for it). */
  idle(): Promise<void>;
  /**
   * Stops taking requests and jobs, drops the sends not started and ends
   * retry waits, gives sends in flight a short grace, then finishes the
   * writes in flight. Bounded: well within the 10 s a platform allows.
   */
  stop(): Promise<void>;
}

/** How long sends in flight and job runs get to end at shutdown before the store is closed anyway. */
const STOP_GRACE_MS = 3_000;

export async function startSidos(options: SidosOptions): Promise<RunningSidos> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((line: string) => console.log(line));
  const records = await openRecordStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });

  const botAppId = config.credentials?.appId ?? '';
  const adapter = createAdapter(config.credentials, options.botFrameworkAuth);
  const shutdown = new AbortController();
  // Every send waiting in the queue listens for the shutdown: thousands at once are expected.
  setMaxListeners(0, shutdown.signal);
  const queue = new SendQueue(config.sending, shutdown.signal);
  const port = new AdapterConversationPort(adapter, botAppId);
  const delivery = new TeamsDelivery(records, port, clock, log, options.retry, undefined, queue);
  const email = config.smtp
    ? new EmailDelivery(records, createSmtpEmailSender({ url: config.smtp.url, from: config.smtp.from || null }), clock, log, queue)
    : null;
  const background = new BackgroundWork(log, shutdown.signal);
  const deps = { config, records, clock, delivery, email, log, background, cards: port };
  const inviteProgress = new InviteProgressCards(deps, shutdown.signal);
  const botDeps = { ...deps, inviteProgress };
  const routes = buildRoutes();
  const app = createTeamsApp(adapter, botAppId, botDeps, routes);
  // Each feature brings its jobs, made with its own cards and messages; scheduler/ imports nothing from teams/.
  const scheduler = new Scheduler(routes.jobs(botDeps), records, clock, log, shutdown.signal);

  const mode = config.credentials ? 'authenticated' : 'local';
  const server = await startServer({
    adapter,
    app,
    host: mode === 'local' ? '127.0.0.1' : '0.0.0.0',
    port: config.port,
    mode,
    downloads: createDownloadProvider(deps),
    infoPage: (page, lang, acceptLanguage) => renderInfoPage(page, infoPageLocale(config, lang, acceptLanguage), config),
    partnerPages: createPartnerPages({ records, config, clock, log }),
    storage: records,
    log,
  });

  if (!email) log('SMTP_URL is not set: invitations and digests go out in Teams only, not by e-mail.');
  if (options.startJobs ?? true) scheduler.start();

  let stopping: Promise<void> | null = null;
  return {
    url: server.url,
    port: server.port,
    mode,
    records,
    runJob: (name) => scheduler.run(name),
    idle: async () => {
      await background.idle();
      await inviteProgress.idle();
    },
    stop: () =>
      (stopping ??= (async () => {
        shutdown.abort();
        const ended = Promise.allSettled([server.close(), scheduler.stop(), background.idle(), queue.inFlightDone(), inviteProgress.idle()]);
        await Promise.race([ended, delay(STOP_GRACE_MS, undefined, { ref: false })]);
        await records.close();
      })()),
  };
}
