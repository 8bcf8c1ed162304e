/**
 * `ocilab prepare --target kind` as a user runs it (the built CLI), with the network cut: FAKE
 * podman on PATH whose pulls all fail, no flux CLI. Exit 0 when everything a kind run needs is
 * cached (the store's own copies, manifests kept from the cache), 1 when something is missing.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_APP_IMAGE, FLUX_CONTROLLER_IMAGES, REGISTRY_IMAGE } from '../../src/kind/images.js';
import { fluxManifestsFile } from '../../src/targets/cache.js';
import { installFakeTools, type FakeTools } from '../fakes/fake-tools.js';
import { builtCli, ensureBuilt, repoRoot } from '../helpers/built-cli.js';

beforeAll(() => ensureBuilt(), 120_000);

const NODE = 'localhost/ocilab/kind-node:v1.36.3';
const ALL = [REGISTRY_IMAGE, ...FLUX_CONTROLLER_IMAGES, DEMO_APP_IMAGE, NODE];
const MANIFESTS = FLUX_CONTROLLER_IMAGES.map((image) => `---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - image: ${image}\n`).join('');

function prepare(fakes: FakeTools, cacheDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...fakes.env, KIND_EXPERIMENTAL_PROVIDER: 'podman', NO_COLOR: '1' };
    const child = spawn(process.execPath, [builtCli, 'prepare', '--target', 'kind', '--cache-dir', cacheDir, '--node-image', NODE], { cwd: repoRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('ocilab prepare --target kind, offline (FAKE podman, no flux CLI)', () => {
  for (const [title, inStore, code] of [
    ['exit 0: every image in the local store and the manifests already cached', ALL, 0],
    ['exit 1: an image neither pullable nor in the store is listed as not cached', ALL.filter((i) => i !== DEMO_APP_IMAGE), 1],
  ] as const) {
    it(title, async () => {
      const fakes = await installFakeTools({ docker: false, podman: true });
      const cacheDir = await mkdtemp(join(tmpdir(), 'ocilab-prepare-cli-'));
      try {
        await fakes.setState((s) => {
          s.podman.images = [...inStore];
          s.podman.unreachable = [...ALL];
        });
        await mkdir(join(cacheDir, 'flux'), { recursive: true });
        await writeFile(fluxManifestsFile(cacheDir), MANIFESTS);
        const r = await prepare(fakes, cacheDir);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(code);
        if (code === 0) {
          expect(r.stdout).toContain(`7 cached in ${cacheDir}; 0 not cached`);
          expect(r.stdout).toContain(`Flux install manifests: already cached in ${fluxManifestsFile(cacheDir)}, kept (the flux CLI is not installed)`);
        } else {
          expect(r.stdout).toContain(`6 cached in ${cacheDir}; 1 not cached`);
          expect(r.stdout).toMatch(new RegExp(`\\n  - ${DEMO_APP_IMAGE.replaceAll('.', '\\.')}: \`podman pull ${DEMO_APP_IMAGE.replaceAll('.', '\\.')}\` failed`));
        }
      } finally {
        await fakes.remove();
        await rm(cacheDir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
