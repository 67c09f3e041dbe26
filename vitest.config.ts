import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['broker/test/**/*.test.ts', 'operator/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Integration tests start real servers and JVMs; two cores do not benefit from more workers.
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test/setup/global-setup.ts'],
    env: { GREGOR_LOG_LEVEL: process.env.GREGOR_LOG_LEVEL ?? 'warn' },
  },
});
