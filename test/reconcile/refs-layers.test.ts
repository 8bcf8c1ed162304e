/**
 * OCIRepository refs and layers on the local reconciler, with real pushes to ocilab's
 * embedded registry: ref.tag (moved with a re-tag), ref.digest, ref.semver (+ semverFilter),
 * their precedence, layerSelector extract and copy, ignore, and a registry outage with
 * recovery (the last artifact stays served). Expectations follow source-controller's
 * ocirepository_controller.go (FLUX-OCI-FACTS §2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { LocalReconciler, type SourceKey } from '../../src/reconcile/reconciler.js';
import { ArtifactStorage } from '../../src/reconcile/storage.js';
import { fluxTarballArchive } from '../../src/reconcile/archive.js';
import { parseSources } from '../../src/flux/sources.js';
import { getCondition } from '../../src/flux/conditions.js';
import { pushArtifact, tagArtifact } from '../../src/oci/remote.js';
import { RegistryClient } from '../../src/oci/client.js';
import { FLUX_CONFIG_BYTES, fluxManifest, buildArtifact } from '../../src/oci/artifact.js';
import { digestOf } from '../../src/oci/digest.js';
import * as mt from '../../src/oci/media-types.js';
import { extractTarball } from '../../src/oci/extract.js';
import { packageChart } from '../../src/helm/package.js';
import { HELM_CHART_LAYER } from '../../src/helm/media-types.js';

describe('local reconciler: refs and layers, as source-controller', () => {
  let reg: RegistryHandle;
  let work: string;
  let storeDir: string;
  let rec: LocalReconciler;
  const pushed: Record<string, string> = {};

  const repoYaml = (name: string, spec: string) => `
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: { name: ${name}, namespace: flux-system }
spec:
  interval: 10m
  url: oci://${reg.hostPort}/fleet/app
  insecure: true
${spec}`;
  const reconcile = async (name: string, spec: string) => {
    rec.apply(parseSources(repoYaml(name, spec))[0]!);
    return rec.reconcileNow({ kind: 'OCIRepository', namespace: 'flux-system', name });
  };
  const push = async (tag: string, text: string) => {
    const dir = join(work, `src-${tag}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'app.yaml'), `kind: ConfigMap\ndata: { v: "${text}" }\n`);
    await writeFile(join(dir, 'README.md'), '# docs\n');
    pushed[tag] = (await pushArtifact(`oci://${reg.hostPort}/fleet/app:${tag}`, { path: dir, source: 'https://git.example/fleet', revision: `${tag}@sha1:${'b'.repeat(40)}` })).digest;
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ocilab-refs-'));
    reg = await startRegistry({ dir: join(work, 'registry') });
    storeDir = join(work, 'storage');
    rec = new LocalReconciler({ storage: new ArtifactStorage(storeDir, fluxTarballArchive) });
    for (const t of ['1.0.0', '1.1.0', 'v1.2.0', '2.0.0-rc.1']) await push(t, t);
    await tagArtifact(`oci://${reg.hostPort}/fleet/app:v1.2.0`, 'latest');
    await tagArtifact(`oci://${reg.hostPort}/fleet/app:1.0.0`, 'staging');
  }, 60_000);
  afterAll(async () => {
    await rec?.stop();
    await reg?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('ref.tag: revision <tag>@<digest>; no ref means latest; the NewArtifact event names the origin', async () => {
    const events: string[] = [];
    rec.on('event', (e) => events.push(`${e.reason}: ${e.message}`));
    expect((await reconcile('by-tag', '  ref: { tag: staging }')).artifact?.revision).toBe(`staging@${pushed['1.0.0']}`);
    expect(events).toContain(
      `NewArtifact: stored artifact with revision 'staging@${pushed['1.0.0']}' from 'oci://${reg.hostPort}/fleet/app', origin source 'https://git.example/fleet', origin revision '1.0.0@sha1:${'b'.repeat(40)}'`,
    );
    expect((await reconcile('no-ref', '')).artifact?.revision).toBe(`latest@${pushed['v1.2.0']}`);
  });

  it('a tag moved with `artifact tag` is picked up on the next pass', async () => {
    await tagArtifact(`oci://${reg.hostPort}/fleet/app:1.1.0`, 'staging');
    const s = await rec.reconcileNow({ kind: 'OCIRepository', namespace: 'flux-system', name: 'by-tag' });
    expect(s.artifact?.revision).toBe(`staging@${pushed['1.1.0']}`);
  });

  it('ref.digest: revision is the bare digest', async () => {
    const s = await reconcile('by-digest', `  ref: { digest: "${pushed['1.0.0']}" }`);
    expect(s.artifact?.revision).toBe(pushed['1.0.0']);
  });

  it('ref.semver: the highest matching tag, written as tagged (v prefix kept); prereleases only when asked', async () => {
    expect((await reconcile('semver', '  ref: { semver: ">=1.0.0 <2.0.0" }')).artifact?.revision).toBe(`v1.2.0@${pushed['v1.2.0']}`);
    expect((await reconcile('semver-pre', '  ref: { semver: ">=1.0.0-0" }')).artifact?.revision).toBe(`2.0.0-rc.1@${pushed['2.0.0-rc.1']}`);
    expect((await reconcile('semver-filter', '  ref: { semver: ">=1.0.0", semverFilter: "^1\\\\." }')).artifact?.revision).toBe(`1.1.0@${pushed['1.1.0']}`);
  });

  it('precedence digest > semver > tag', async () => {
    expect((await reconcile('prec-1', `  ref: { tag: staging, semver: "~1.0", digest: "${pushed['v1.2.0']}" }`)).artifact?.revision).toBe(pushed['v1.2.0']);
    expect((await reconcile('prec-2', '  ref: { tag: staging, semver: "~1.0" }')).artifact?.revision).toBe(`1.0.0@${pushed['1.0.0']}`);
  });

  it('no matching version: Ready=False ReadOperationFailed with source-controller\'s message', async () => {
    const s = await reconcile('semver-none', '  ref: { semver: ">=3.0.0" }');
    expect(getCondition(s.conditions, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'ReadOperationFailed' });
    expect(getCondition(s.conditions, 'Ready')?.message).toBe(`failed to determine the artifact tag for 'oci://${reg.hostPort}/fleet/app': no match found for semver: >=3.0.0`);
    expect(s.artifact).toBeUndefined();
  });

  it('ignore: excluded files leave the artifact; changing it rebuilds without a new revision', async () => {
    const a = await reconcile('ignore', '  ref: { tag: "1.0.0" }');
    const files = async (path: string) => {
      const out = join(work, `x-${createHash('sha1').update(path).digest('hex')}`);
      await extractTarball(join(storeDir, path), out, { replace: true });
      return (await readdir(out)).sort();
    };
    expect(await files(a.artifact!.path)).toEqual(['README.md', 'app.yaml']);
    const b = await reconcile('ignore', '  ref: { tag: "1.0.0" }\n  ignore: "*.md"');
    expect(b.artifact?.revision).toBe(a.artifact?.revision);
    expect(b.lastFetch).toBe('fetched');
    expect(b.observedIgnore).toBe('*.md');
    expect(await files(b.artifact!.path)).toEqual(['app.yaml']);
  });

  describe('layerSelector on a two-layer artifact (manifests + a Helm chart)', () => {
    let chartBytes: Buffer;
    beforeAll(async () => {
      const dir = join(work, 'two');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'release.yaml'), 'kind: HelmRelease\n');
      const tgz = await buildArtifact({ path: dir, output: join(work, 'two.tgz') });
      const content = await readFile(tgz.output);
      chartBytes = (await packageChart('cluster/charts/podinfo-lite', join(work, 'charts'))).bytes;
      const c = new RegistryClient({ registry: reg.hostPort, insecure: true });
      for (const b of [content, chartBytes, FLUX_CONFIG_BYTES]) await c.pushBlob('fleet/two', b);
      const m = JSON.parse(fluxManifest({ mediaType: mt.FLUX_CONFIG, digest: digestOf(FLUX_CONFIG_BYTES), size: FLUX_CONFIG_BYTES.length }, { mediaType: mt.FLUX_CONTENT_TARGZ, digest: digestOf(content), size: content.length }, {}).toString());
      m.layers.push({ mediaType: HELM_CHART_LAYER, size: chartBytes.length, digest: digestOf(chartBytes) });
      await c.putManifest('fleet/two', 'v1', Buffer.from(JSON.stringify(m)), mt.OCI_MANIFEST);
      await c.close();
    });
    const twoYaml = (name: string, sel: string) => repoYaml(name, `  ref: { tag: v1 }\n${sel}`).replace('/fleet/app', '/fleet/two');
    const applyTwo = async (name: string, sel: string) => {
      rec.apply(parseSources(twoYaml(name, sel))[0]!);
      return rec.reconcileNow({ kind: 'OCIRepository', namespace: 'flux-system', name });
    };

    it('no selector: the first layer, extracted and re-archived', async () => {
      const s = await applyTwo('layer-default', '');
      const out = join(work, 'layer-default');
      await extractTarball(join(storeDir, s.artifact!.path), out);
      expect(await readdir(out)).toEqual(['release.yaml']);
    });

    it('mediaType + copy: the chart layer stored byte for byte (what helm-controller reads through chartRef)', async () => {
      const s = await applyTwo('layer-copy', `  layerSelector: { mediaType: ${HELM_CHART_LAYER}, operation: copy }`);
      expect(getCondition(s.conditions, 'Ready')?.status).toBe('True');
      expect(await readFile(join(storeDir, s.artifact!.path))).toEqual(chartBytes);
      expect(s.artifact?.digest).toBe(digestOf(chartBytes));
      expect(s.observedLayerSelector).toEqual({ mediaType: HELM_CHART_LAYER, operation: 'copy' });
    });

    it('mediaType + extract: the chart unpacked (podinfo-lite/Chart.yaml …)', async () => {
      const s = await applyTwo('layer-extract', `  layerSelector: { mediaType: ${HELM_CHART_LAYER}, operation: extract }`);
      const out = join(work, 'layer-extract');
      await extractTarball(join(storeDir, s.artifact!.path), out);
      expect(await readdir(join(out, 'podinfo-lite'))).toContain('Chart.yaml');
    });

    it('a media type the artifact lacks: OCIArtifactLayerOperationFailed, nothing stored', async () => {
      const s = await applyTwo('layer-missing', '  layerSelector: { mediaType: application/vnd.example.none, operation: copy }');
      expect(getCondition(s.conditions, 'Ready')).toMatchObject({
        status: 'False',
        reason: 'OCIArtifactLayerOperationFailed',
        message: "failed to find layer with media type 'application/vnd.example.none' in artifact",
      });
      expect(s.artifact).toBeUndefined();
    });
  });

  it('registry outage: FetchFailed and Ready=False with the real reason, last artifact kept; recovery on the next pass', async () => {
    const key: SourceKey = { kind: 'OCIRepository', namespace: 'flux-system', name: 'outage' };
    const good = await reconcile('outage', '  ref: { tag: latest }');
    expect(getCondition(good.conditions, 'Ready')?.status).toBe('True');
    const port = reg.port;
    await reg.close();
    const down = await rec.reconcileNow(key);
    expect(getCondition(down.conditions, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'OCIArtifactPullFailed' });
    expect(getCondition(down.conditions, 'Ready')?.message).toMatch(/^failed to determine artifact digest: .*(ECONNREFUSED|connect|refused)/i);
    expect(down.artifact?.revision).toBe(good.artifact?.revision);
    expect(getCondition(down.conditions, 'ArtifactInStorage')?.status).toBe('True');
    expect(await readFile(join(storeDir, down.artifact!.path))).toBeTruthy();
    reg = await startRegistry({ dir: join(work, 'registry'), port });
    const back = await rec.reconcileNow(key);
    expect(getCondition(back.conditions, 'Ready')?.status).toBe('True');
    expect(getCondition(back.conditions, 'FetchFailed')).toBeUndefined();
    expect(back.artifact?.revision).toBe(good.artifact?.revision);
    expect(back.lastFetch).toBe('skipped-unchanged');
  }, 60_000);
});
