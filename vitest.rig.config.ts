import { defineConfig } from 'vitest/config';

// The Kubernetes + Flux rig suite (scripts/rig, docs/rig.md): `npm run test:rig` after
// `bash scripts/ci/install-rig.sh` has built kube-apiserver, source-controller and
// kustomize-controller. One rig for all files (test/rig/global-setup.ts). Not part of
// `npm test` (it needs the built binaries); .ci/run runs it after install-rig.sh.
export default defineConfig({
  test: {
    include: ['test/rig/**/*.test.ts'],
    globalSetup: ['test/rig/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
