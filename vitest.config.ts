import { defineConfig } from 'vitest/config';

// Sidos as a process on lowdb only: these kill it mid-run or lock its data directory.
const LOWDB_PROCESS_TESTS = ['test/crash.test.ts', 'test/shutdown.test.ts', 'test/start.test.ts', 'test/data-dir-lock.test.ts'];

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
          // The end-to-end tests again, with Sidos on PostgreSQL (the harness reads SIDOS_TEST_STORE);
          // the storage-error test breaks lowdb's journal, so it is lowdb's alone.
          include: ['test/e2e-*.test.ts', 'test/fuzz.test.ts', 'test/card-size.test.ts'],
          exclude: [...LOWDB_PROCESS_TESTS, 'test/e2e-storage-error.test.ts'],
          env: { SIDOS_TEST_STORE: 'postgres' },
        },
      },
    ],
  },
});
