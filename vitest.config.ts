import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Peer and e2e tests spawn real servers and processes; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
  },
});
