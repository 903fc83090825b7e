import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One embedded PostgreSQL for the whole run; the store tests make a database each.
    globalSetup: ['test/harness/postgres-global.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests start real servers; two cores, so keep parallelism modest.
    maxWorkers: 2,
  },
});
