import { defineConfig } from 'vitest/config';

// The Kubernetes + Flux rig suite (scripts/rig, docs/rig.md): `npm run test:rig` after
// `bash scripts/rig/install-ci.sh` has built kube-apiserver, source-controller and
// kustomize-controller. Not part of `npm test` yet: the source-controller build from the
// Go module proxy is unproven here (see docs/rig.md).
export default defineConfig({
  test: {
    include: ['test/rig/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
