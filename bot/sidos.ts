// Composition root: config → store → services → Teams app → server.
import type { AppConfig } from './config.js';
import { TeamsDelivery, type RetryPolicy } from './delivery/teams-delivery.js';
import { systemClock, type Clock } from './services/clock.js';
import { LowdbStore } from './store/lowdb-store.js';
import { startServer, type RunningServer } from './server.js';
import { createAdapter, createTeamsApp } from './teams/app.js';
import { AdapterConversationPort } from './teams/conversation-port.js';
import { buildRoutes } from './teams/routes.js';

export interface SidosOptions {
  config: AppConfig;
  clock?: Clock;
  log?: (line: string) => void;
  retry?: RetryPolicy;
}

export interface RunningSidos {
  url: string;
  port: number;
  mode: 'local' | 'authenticated';
  /** Stops taking requests, then waits for writes in flight. */
  stop(): Promise<void>;
}

export async function startSidos(options: SidosOptions): Promise<RunningSidos> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((line: string) => console.log(line));
  const store = await LowdbStore.open(config.dataDir);

  const botAppId = config.credentials?.appId ?? '';
  const adapter = createAdapter(config.credentials);
  const delivery = new TeamsDelivery(store, new AdapterConversationPort(adapter, botAppId), clock, log, options.retry);
  const deps = { config, store, clock, delivery, log };
  const app = createTeamsApp(adapter, botAppId, deps, buildRoutes());

  const mode = config.credentials ? 'authenticated' : 'local';
  const server = await startServer({
    adapter,
    app,
    host: mode === 'local' ? '127.0.0.1' : '0.0.0.0',
    port: config.port,
    mode,
    downloads: () => null,
  });

  let stopping: Promise<void> | null = null;
  return {
    url: server.url,
    port: server.port,
    mode,
    stop: () => (stopping ??= server.close().then(() => store.close())),
  };
}
