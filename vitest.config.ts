import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The Kubernetes + Flux rig has its own suite (npm run test:rig, vitest.rig.config.ts).
    exclude: ['test/rig/**', '**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Peer and e2e tests spawn real servers and processes; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
  },
});
