import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One embedded PostgreSQL for the whole run; the store tests make a database each.
    globalSetup: ['test/harness/postgres-global.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests start real servers; two cores, so keep parallelism modest.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'lowdb', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          // The end-to-end tests again, with Sidos on PostgreSQL (the harness reads SIDOS_TEST_STORE).
          // Lowdb's alone: the storage-error test breaks lowdb's journal, and the tests that run
          // Sidos as a process (crash, shutdown, start, data-dir-lock) are not e2e-* files;
          // the commit-outcome test runs on PostgreSQL in either project.
          include: ['test/e2e-*.test.ts', 'test/card-size.test.ts'],
          exclude: ['test/e2e-storage-error.test.ts', 'test/e2e-commit-outcome.test.ts'],
          env: { SIDOS_TEST_STORE: 'postgres' },
        },
      },
    ],
  },
});
