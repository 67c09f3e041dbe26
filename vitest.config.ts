import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['broker/test/**/*.test.ts', 'operator/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Integration tests start real servers; two cores do not benefit from many forks.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
