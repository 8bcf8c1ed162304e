/**
 * `ocilab prepare` against the FAKE docker and a FAKE flux: manifests from `flux install
 * --export`, images pulled and saved, and only what really got cached is recorded.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContainerEngine } from '../../src/kind/container-engine.js';
import { Tool } from '../../src/kind/tool.js';
import { fluxManifestsFile, readCacheRecord } from '../../src/targets/cache.js';
import { imagesInManifests, prepareKindCache } from '../../src/targets/prepare.js';
import { installFakeTools } from '../fakes/fake-tools.js';
import { fakeRunner } from '../kind/helpers.js';

const EXPORT = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: source-controller, namespace: flux-system}
spec:
  template:
    spec:
      containers:
      - name: manager
        image: ghcr.io/fluxcd/source-controller:v1.9.5
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: kustomize-controller, namespace: flux-system}
spec:
  template:
    spec:
      containers:
      - name: manager
        image: ghcr.io/fluxcd/kustomize-controller:v1.9.5
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: helm-controller, namespace: flux-system}
spec:
  template:
    spec:
      containers:
      - name: manager
        image: ghcr.io/fluxcd/helm-controller:v1.6.4
`;

describe('ocilab prepare --target kind', () => {
  it('caches the exported manifests and every image they and the scenarios name; records only successes', async () => {
    const fakes = await installFakeTools();
    const cacheDir = await mkdtemp(join(tmpdir(), 'ocilab-cache-'));
    try {
      await writeFile(join(fakes.dir, 'export.yaml'), EXPORT);
      await writeFile(join(fakes.binDir, 'flux'), `#!/bin/sh\n# FAKE flux for ocilab tests\n[ "$1" = version ] && { echo "flux: v2.9.5"; exit 0; }\n[ "$1" = install ] && [ "$2" = --export ] && { cat "${join(fakes.dir, 'export.yaml')}"; exit 0; }\nexit 2\n`);
      await chmod(join(fakes.binDir, 'flux'), 0o755);
      await fakes.setState((s) => {
        s.docker.unreachable = ['ghcr.io/stefanprodan/podinfo:6.7.1'];
      });
      const runner = fakeRunner(fakes);
      const lines: string[] = [];
      const result = await prepareKindCache({
        engine: new ContainerEngine('docker', { runner }),
        flux: new Tool('flux', { runner }),
        cacheDir,
        log: (l) => lines.push(l),
        now: () => new Date('2026-11-27T18:00:00Z'),
      });
      expect(await readFile(fluxManifestsFile(cacheDir), 'utf8')).toBe(EXPORT);
      expect(result.cached.map((c) => c.name)).toEqual([
        'flux install source-controller,kustomize-controller,helm-controller',
        'registry:3',
        'ghcr.io/fluxcd/source-controller:v1.9.5',
        'ghcr.io/fluxcd/kustomize-controller:v1.9.5',
        'ghcr.io/fluxcd/helm-controller:v1.6.4',
      ]);
      expect(result.missing).toHaveLength(1);
      expect(result.missing[0]).toMatch(/^ghcr.io\/stefanprodan\/podinfo:6.7.1: .*no such host/);
      const record = await readCacheRecord(cacheDir);
      expect(record.items.map((i) => i.name)).not.toContain('ghcr.io/stefanprodan/podinfo:6.7.1');
      for (const i of record.items) expect(existsSync(i.file)).toBe(true);
      expect(record.items[0]).toMatchObject({ source: 'flux install --export (flux v2.9.5)', at: '2026-11-27T18:00:00.000Z' });
      const calls = await fakes.commandLines();
      expect(calls).toContain(`docker save -o ${join(cacheDir, 'images', 'ghcr.io_fluxcd_source-controller_v1.9.5.partial.tar')} ghcr.io/fluxcd/source-controller:v1.9.5`);
      expect(lines.some((l) => l.startsWith('kindest/node: not cached'))).toBe(true);
    } finally {
      await fakes.remove();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('a save cut short leaves the earlier archive whole (saved beside it, renamed over it) and no part behind', async () => {
    const fakes = await installFakeTools();
    const cacheDir = await mkdtemp(join(tmpdir(), 'ocilab-cache-'));
    try {
      const runner = fakeRunner(fakes);
      const flux = new Tool('flux', { runner: (argv, o) => runner(argv, { ...o, env: { ...o?.env, PATH: fakes.binDir } }) });
      const prepare = () => prepareKindCache({ engine: new ContainerEngine('docker', { runner }), flux, cacheDir, log: () => undefined });
      await prepare();
      const archive = join(cacheDir, 'images', 'registry_3.tar');
      expect(await readFile(archive, 'utf8')).toBe('FAKE image archive of registry:3\n');
      await fakes.setState((s) => {
        s.docker.saveFailsMidway = ['registry:3'];
      });
      const again = await prepare();
      expect(again.missing.some((m) => /^registry:3: .*no space left on device/.test(m))).toBe(true);
      expect(await readFile(archive, 'utf8')).toBe('FAKE image archive of registry:3\n');
      expect((await readdir(join(cacheDir, 'images'))).filter((f) => f.includes('partial'))).toEqual([]);
      expect((await readCacheRecord(cacheDir)).items.find((i) => i.name === 'registry:3')?.file).toBe(archive);
    } finally {
      await fakes.remove();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('without the flux CLI, the manifests are reported missing with the release URL, not claimed', async () => {
    const fakes = await installFakeTools();
    const cacheDir = await mkdtemp(join(tmpdir(), 'ocilab-cache-'));
    try {
      const runner = fakeRunner(fakes);
      const result = await prepareKindCache({ engine: new ContainerEngine('docker', { runner }), flux: new Tool('flux', { runner: (argv, o) => runner(argv, { ...o, env: { ...o?.env, PATH: fakes.binDir } }) }), cacheDir, log: () => undefined });
      expect(existsSync(fluxManifestsFile(cacheDir))).toBe(false);
      expect(result.missing[0]).toMatch(/flux CLI is not installed.*https:\/\/github.com\/fluxcd\/flux2\/releases\/download\/v2.9.5\/install.yaml/);
      expect((await readCacheRecord(cacheDir)).items.some((i) => i.what === 'flux-manifests')).toBe(false);
    } finally {
      await fakes.remove();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('offline: an image pull cannot reach but the store holds is saved anyway, said so; only one in neither is missing', async () => {
    const fakes = await installFakeTools({ docker: false, podman: true });
    const cacheDir = await mkdtemp(join(tmpdir(), 'ocilab-cache-'));
    const node = 'localhost/ocilab/kind-node:v1.36.3';
    try {
      await writeFile(join(fakes.dir, 'export.yaml'), EXPORT);
      await writeFile(join(fakes.binDir, 'flux'), `#!/bin/sh\n# FAKE flux for ocilab tests\n[ "$1" = version ] && { echo "flux: v2.9.5"; exit 0; }\n[ "$1" = install ] && [ "$2" = --export ] && { cat "${join(fakes.dir, 'export.yaml')}"; exit 0; }\nexit 2\n`);
      await chmod(join(fakes.binDir, 'flux'), 0o755);
      await fakes.setState((s) => {
        // built here, never pulled: in the store, unreachable for pull (the network is cut)
        s.podman.images = ['registry:3', node, 'ghcr.io/fluxcd/source-controller:v1.9.5', 'ghcr.io/stefanprodan/podinfo:6.7.1'];
        s.podman.unreachable = ['registry:3', node, 'ghcr.io/fluxcd/source-controller:v1.9.5', 'ghcr.io/stefanprodan/podinfo:6.7.1', 'ghcr.io/fluxcd/helm-controller:v1.6.4'];
      });
      const runner = fakeRunner(fakes);
      const lines: string[] = [];
      const result = await prepareKindCache({ engine: new ContainerEngine('podman', { runner }), flux: new Tool('flux', { runner }), cacheDir, nodeImage: node, log: (l) => lines.push(l) });
      expect(result.missing).toHaveLength(1);
      expect(result.missing[0]).toMatch(/^ghcr.io\/fluxcd\/helm-controller:v1.6.4: `podman pull ghcr.io\/fluxcd\/helm-controller:v1.6.4` failed .*no such host/);
      const images = result.cached.filter((c) => c.what === 'image');
      expect(images.map((c) => c.name)).toEqual(['registry:3', 'ghcr.io/fluxcd/source-controller:v1.9.5', 'ghcr.io/fluxcd/kustomize-controller:v1.9.5', 'ghcr.io/stefanprodan/podinfo:6.7.1', node]);
      const local = images.find((c) => c.name === node)!;
      expect(local.source).toMatch(/^podman save \(already in the local store; pull failed: `podman pull localhost\/ocilab\/kind-node:v1.36.3` failed \(exit 1\): .*no such host/);
      expect(images.find((c) => c.name === 'ghcr.io/fluxcd/kustomize-controller:v1.9.5')!.source).toBe('podman pull + podman save');
      expect(await readFile(local.file, 'utf8')).toBe(`FAKE image archive of ${node}\n`);
      expect(lines.some((l) => l.startsWith(`${node}: pull failed`) && l.includes('saving the copy in the podman store'))).toBe(true);
      const record = await readCacheRecord(cacheDir);
      expect(record.items.find((i) => i.name === node)?.source).toBe(local.source);
      expect(record.items.map((i) => i.name)).not.toContain('ghcr.io/fluxcd/helm-controller:v1.6.4');
    } finally {
      await fakes.remove();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('no flux CLI, or a failing export: manifests already in the cache (with Deployments) are kept, and their images used', async () => {
    // Written by scripts/kind-image/flux-install.sh or an earlier prepare; a helm-controller tag the defaults do not have.
    const kept = EXPORT.replace('helm-controller:v1.6.4', 'helm-controller:v1.6.9');
    for (const flux of ['none', 'failing'] as const) {
      const fakes = await installFakeTools();
      const cacheDir = await mkdtemp(join(tmpdir(), 'ocilab-cache-'));
      try {
        await mkdir(dirname(fluxManifestsFile(cacheDir)), { recursive: true });
        await writeFile(fluxManifestsFile(cacheDir), kept);
        if (flux === 'failing') {
          await writeFile(join(fakes.binDir, 'flux'), `#!/bin/sh\n# FAKE flux for ocilab tests\n[ "$1" = version ] && { echo "flux: v2.9.5"; exit 0; }\necho "✗ install failed: something" >&2\nexit 1\n`);
          await chmod(join(fakes.binDir, 'flux'), 0o755);
        }
        const runner = fakeRunner(fakes);
        const lines: string[] = [];
        const result = await prepareKindCache({ engine: new ContainerEngine('docker', { runner }), flux: new Tool('flux', { runner: (argv, o) => runner(argv, { ...o, env: { ...o?.env, PATH: fakes.binDir } }) }), cacheDir, log: (l) => lines.push(l) });
        expect(result.missing, flux).toEqual([]);
        expect(await readFile(fluxManifestsFile(cacheDir), 'utf8')).toBe(kept);
        const manifests = result.cached[0]!;
        expect(manifests).toMatchObject({ what: 'flux-manifests', file: fluxManifestsFile(cacheDir) });
        expect(manifests.source).toMatch(flux === 'none' ? /^already in the cache, kept \(the flux CLI is not installed\)$/ : /^already in the cache, kept \(`flux install --export` failed \(exit 1\): ✗ install failed: something\)$/);
        expect(lines.some((l) => l.startsWith(`Flux install manifests: already cached in ${fluxManifestsFile(cacheDir)}, kept`))).toBe(true);
        expect(result.cached.map((c) => c.name)).toContain('ghcr.io/fluxcd/helm-controller:v1.6.9');
        expect(result.cached.map((c) => c.name)).not.toContain('ghcr.io/fluxcd/helm-controller:v1.6.4');
        expect((await readCacheRecord(cacheDir)).items.find((i) => i.what === 'flux-manifests')?.source).toBe(manifests.source);
      } finally {
        await fakes.remove();
        await rm(cacheDir, { recursive: true, force: true });
      }
    }
  });

  it('a manifests file without Deployments is not kept: missing, with the release URL', async () => {
    const fakes = await installFakeTools();
    const cacheDir = await mkdtemp(join(tmpdir(), 'ocilab-cache-'));
    try {
      await mkdir(dirname(fluxManifestsFile(cacheDir)), { recursive: true });
      await writeFile(fluxManifestsFile(cacheDir), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: flux-system}\n');
      const runner = fakeRunner(fakes);
      const result = await prepareKindCache({ engine: new ContainerEngine('docker', { runner }), flux: new Tool('flux', { runner: (argv, o) => runner(argv, { ...o, env: { ...o?.env, PATH: fakes.binDir } }) }), cacheDir, log: () => undefined });
      expect(result.missing[0]).toMatch(/flux CLI is not installed.*releases\/download\/v2.9.5\/install.yaml/);
      expect((await readCacheRecord(cacheDir)).items.some((i) => i.what === 'flux-manifests')).toBe(false);
    } finally {
      await fakes.remove();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('image references are read from the manifests', () => {
    expect(imagesInManifests(EXPORT)).toEqual(['ghcr.io/fluxcd/source-controller:v1.9.5', 'ghcr.io/fluxcd/kustomize-controller:v1.9.5', 'ghcr.io/fluxcd/helm-controller:v1.6.4']);
  });
});
