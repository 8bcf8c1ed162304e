/**
 * Offline run after `ocilab prepare`: the kind bring-up needs registry:3 and the node image in
 * the engine's store (`run`, `kind create cluster --image`). When the store lost them but
 * prepare's cache has their archives, the kind target loads them back first (`<engine> load
 * -i`) and says so. FAKE podman/kind (test/fakes); the bring-up stops at its first API request.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import { ContainerEngine } from '../../src/kind/container-engine.js';
import { Plan } from '../../src/kube/plan.js';
import { ClusterOwnership } from '../../src/kind/ownership.js';
import { imageArchiveName, imagesDir } from '../../src/targets/cache.js';
import { KindTarget } from '../../src/targets/kind.js';
import type { TargetContext } from '../../src/targets/target.js';
import { captured, capturingClient } from '../kube/capture.js';
import { installFakeTools, type FakeTools } from '../fakes/fake-tools.js';
import { fakeRunner } from '../kind/helpers.js';

const NODE = 'localhost/ocilab/kind-node:v1.36.3';

function ctx(workDir: string, lines: string[] = []): TargetContext {
  return { signal: new AbortController().signal, log: (l) => lines.push(l), cleanup: new CleanupRegistry(), workDir };
}

/** Archives as prepare leaves them: the fake engine's own `save` into the cache's images/. */
async function cacheArchives(fakes: FakeTools, cacheDir: string, images: string[]): Promise<string[]> {
  const engine = new ContainerEngine('podman', { runner: fakeRunner(fakes) });
  await fakes.setState((s) => void (s.podman.images = [...new Set([...s.podman.images, ...images])]));
  await mkdir(imagesDir(cacheDir), { recursive: true });
  const files = images.map((i) => join(imagesDir(cacheDir), imageArchiveName(i)));
  for (const [n, image] of images.entries()) await engine.save(image, files[n]!);
  return files;
}

function target(fakes: FakeTools, dir: string, extra: Partial<ConstructorParameters<typeof KindTarget>[0]> = {}): KindTarget {
  return new KindTarget({ engine: 'podman', runner: fakeRunner(fakes), env: {}, ownership: new ClusterOwnership(join(dir, 'owned.json')), client: capturingClient(), cacheDir: join(dir, 'cache'), gitUrl: 'http://git.lan:3000', ...extra });
}

describe('kind target: registry:3 and the node image back from prepare\'s cache (FAKE podman/kind)', () => {
  it('loads what the store lost from the archives before the bring-up, and says so', async () => {
    const fakes = await installFakeTools({ docker: false, podman: true });
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-kind-restore-'));
    try {
      const [registryArchive, nodeArchive] = await cacheArchives(fakes, join(dir, 'cache'), ['registry:3', NODE]);
      await fakes.setState((s) => void (s.podman.images = []));
      await fakes.clearLog();
      const lines: string[] = [];
      await captured(target(fakes, dir, { nodeImage: NODE }).prepare(ctx(dir, lines)));
      const calls = await fakes.commandLines();
      const at = (prefix: string) => calls.findIndex((c) => c.startsWith(prefix));
      expect(calls).toContain(`podman load -i ${registryArchive}`);
      expect(calls).toContain(`podman load -i ${nodeArchive}`);
      expect(at(`podman load -i ${registryArchive}`)).toBeLessThan(at('podman run -d'));
      expect(at(`podman load -i ${nodeArchive}`)).toBeLessThan(at('kind create cluster'));
      expect(calls.find((c) => c.startsWith('kind create cluster'))).toContain(`--image ${NODE}`);
      expect(lines).toContain(`loaded registry:3 into podman from ${registryArchive} (prepare's cache)`);
      expect(lines).toContain(`loaded ${NODE} into podman from ${nodeArchive} (prepare's cache)`);
      expect((await fakes.state()).podman.containers['kind-registry']?.image).toBe('registry:3');
    } finally {
      await fakes.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the node image from OCILAB_KIND_NODE_IMAGE too; images still in the store are not reloaded', async () => {
    const fakes = await installFakeTools({ docker: false, podman: true });
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-kind-restore-'));
    try {
      const [, nodeArchive] = await cacheArchives(fakes, join(dir, 'cache'), ['registry:3', NODE]);
      await fakes.setState((s) => void (s.podman.images = ['registry:3']));
      await fakes.clearLog();
      const lines: string[] = [];
      await captured(target(fakes, dir, { env: { OCILAB_KIND_NODE_IMAGE: NODE } }).prepare(ctx(dir, lines)));
      const loads = (await fakes.commandLines()).filter((c) => c.startsWith('podman load'));
      expect(loads).toEqual([`podman load -i ${nodeArchive}`]);
      expect(lines.filter((l) => l.startsWith('loaded ') && l.endsWith("(prepare's cache)"))).toEqual([`loaded ${NODE} into podman from ${nodeArchive} (prepare's cache)`]);
    } finally {
      await fakes.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('dry-run: the store answers "absent" as on a fresh machine, so a cached archive is a planned load; nothing runs', async () => {
    const fakes = await installFakeTools({ docker: false, podman: true });
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-kind-restore-'));
    try {
      const [registryArchive] = await cacheArchives(fakes, join(dir, 'cache'), ['registry:3']);
      await fakes.clearLog();
      const plan = new Plan();
      const lines: string[] = [];
      // The plan goes on to Flux, which has neither a flux CLI nor manifests here: that is where it stops.
      await expect(target(fakes, dir, { plan, client: capturingClient(plan) }).prepare(ctx(dir, lines))).rejects.toThrow(/cannot install Flux/);
      expect(plan.toText()).toContain(`podman load -i ${registryArchive}`);
      expect(lines).toContain(`would load registry:3 into podman from ${registryArchive} (prepare's cache)`);
      expect(await fakes.commandLines()).toEqual([]);
    } finally {
      await fakes.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('missing from the store and the cache: nothing loaded, the engine\'s own error', async () => {
    const fakes = await installFakeTools({ docker: false, podman: true });
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-kind-restore-'));
    try {
      await fakes.setState((s) => void (s.podman.images = []));
      await expect(target(fakes, dir).prepare(ctx(dir))).rejects.toThrow(/`podman run -d .* registry:3` failed \(exit 125\): Unable to find image 'registry:3' locally/);
      expect((await fakes.commandLines()).some((c) => c.startsWith('podman load'))).toBe(false);
    } finally {
      await fakes.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
