/**
 * `ocilab prepare` against the FAKE docker and a FAKE flux: manifests from `flux install
 * --export`, images pulled and saved, and only what really got cached is recorded.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      expect(calls).toContain(`docker save -o ${join(cacheDir, 'images', 'ghcr.io_fluxcd_source-controller_v1.9.5.tar')} ghcr.io/fluxcd/source-controller:v1.9.5`);
      expect(lines.some((l) => l.startsWith('kindest/node: not cached'))).toBe(true);
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

  it('image references are read from the manifests', () => {
    expect(imagesInManifests(EXPORT)).toEqual(['ghcr.io/fluxcd/source-controller:v1.9.5', 'ghcr.io/fluxcd/kustomize-controller:v1.9.5', 'ghcr.io/fluxcd/helm-controller:v1.6.4']);
  });
});
