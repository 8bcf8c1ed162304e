/**
 * helm-oci with `--target cluster` on the rig (docs/rig.md), run by the BUILT CLI as a
 * workshop host runs it: ocilab packages the chart, pushes it with Helm's media types into
 * its own registry on 127.0.0.1 and signs it; the REAL source-controller v1.9.5 serves the
 * HelmRepository (type oci) and the HelmChart with `verify`:
 * - HelmChart Ready with SourceVerified=True ("verified signature of version 0.1.0");
 * - the unsigned 0.2.0: SourceVerified=False / VerificationError in Flux's own words (recorded
 *   below and in docs/helm-oci.md), the artifact kept at 0.1.0;
 * - 0.2.0 signed: verified and stored.
 * The OCIRepository (chart layer copy) half is asserted the same way. The REAL
 * helm-controller v1.6.4 installs the HelmRelease (chartRef to that OCIRepository) with
 * `--param release-wait=false` (install/upgrade.disableWait: the rig has no kubelet, no pod
 * ever runs): Ready=True / InstallSucceeded, chart version `0.1.0+<first 12 hex of the
 * manifest digest>`, the chart's Deployment and Service stored by the API server; then the
 * signed 0.2.0 is rolled out as an upgrade. (The 404 a cluster without helm-controller gives
 * is unit-tested in test/targets/apply-404.test.ts.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
/** `ocilab …` by the built CLI with the rig's kubeconfig and throwaway state/config dirs. */
const runCli = (args: string[], timeoutMs: number) =>
  runBuiltCli(args, timeoutMs, { KUBECONFIG: rig!.kubeconfig, OCILAB_STATE_DIR: join(work, 'state'), OCILAB_CONFIG_DIR: join(work, 'config') });

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/client.js';
import { listEvents } from '../../src/kube/events.js';
import { getObject } from '../../src/kube/objects.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { ensureBuilt } from '../helpers/built-cli.js';
import { runBuiltCli, stepLines } from '../helpers/run-cli.js';
import { rigAvailable, startRig, stopRig, type RigEnv } from './rig.js';
import { standInControllerDeployments } from './stand-ins.js';
import { tagDigest as digestOfTag } from '../helpers/registry-tags.js';

const ready = rigAvailable();
const SOURCE = 'source.toolkit.fluxcd.io/v1';
const HELM = 'helm.toolkit.fluxcd.io/v2';

let rig: RigEnv | undefined;
let client: KubeClient;
let work: string;
let registry: RegistryHandle;

interface FluxObject {
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    artifact?: { revision?: string };
    history?: { name?: string; namespace?: string; version?: number; status?: string; chartName?: string; chartVersion?: string }[];
  };
}
const cond = (o: FluxObject | undefined, type: string) => o?.status?.conditions?.find((c) => c.type === type);
const source = async (kind: string, name: string, namespace: string) => (await getObject(client, { apiVersion: SOURCE, kind, name, namespace })) as FluxObject | undefined;

const tagDigest = (repository: string, tag: string): Promise<string> => digestOfTag(registry.hostPort, repository, tag);

describe.skipIf(!ready)('helm-oci with --target cluster on the rig (built CLI, real source-controller)', { timeout: 600_000 }, () => {
  beforeAll(async () => {
    ensureBuilt();
    work = await mkdtemp(join(tmpdir(), 'ocilab-rig-helm-'));
    registry = await startRegistry({ dir: join(work, 'registry') });
    rig = await startRig();
    client = KubeClient.fromContext({ kubeconfigPath: rig.kubeconfig });
    await standInControllerDeployments(client);
  }, 600_000);

  afterAll(async () => {
    await stopRig(rig);
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  }, 120_000);

  it('HelmChart verify: signed 0.1.0 SourceVerified=True, unsigned 0.2.0 refused (VerificationError), signed 0.2.0 taken', async () => {
    const ns = 'ocilab-rig-helm';
    const started = performance.now();
    const r = await runCli(['run', 'helm-oci', '--target', 'cluster', '--plain', '--namespace', ns, '--registry-url', `http://${registry.hostPort}`, '--param', 'release-wait=false', '--param', 'release-timeout=2m'], 480_000);
    console.log(`[rig] ocilab run helm-oci --target cluster: ${Math.round(performance.now() - started)} ms`);
    expect(r.out, r.out.slice(-8000)).toMatch(/run helm-oci passed/);
    expect(r.code).toBe(0);

    const v1 = await tagDigest('charts/podinfo-lite', '0.1.0');
    const v2 = await tagDigest('charts/podinfo-lite', '0.2.0');
    // Step flux: both ways verified 0.1.0, as the CLI read them from the API.
    const flux = stepLines(r.out, 'flux');
    expect(flux).toMatch(/HelmChart\/podinfo-lite-chart: revision 0\.1\.0 {2}ready True/);
    expect(flux).toContain('SourceVerified=True Succeeded: verified signature of version 0.1.0');
    expect(flux).toContain(`SourceVerified=True Succeeded: verified signature of revision 0.1.0@${v1}`);

    // Step unsigned: Flux's own words for the HelmChart and the OCIRepository; 0.1.0 kept.
    const unsigned = stepLines(r.out, 'unsigned');
    const chartRefusal = /HelmChart\/podinfo-lite-chart: revision 0\.1\.0 {2}ready False {2}(.*)\n[\s\S]*?SourceVerified=False VerificationError: (.*)/.exec(unsigned);
    expect(chartRefusal, unsigned).not.toBeNull();
    console.log(`[rig] HelmChart Ready=False message: ${chartRefusal![1]}`);
    console.log(`[rig] HelmChart SourceVerified=False/VerificationError message: ${chartRefusal![2]}`);
    // source-controller v1.9.5, HelmChart with verify, an unsigned chart (recorded on the rig):
    expect(chartRefusal![2]).toBe(`chart verification error: failed to verify oci://${registry.hostPort}/charts/podinfo-lite@${v2}: no signatures found`);
    expect(chartRefusal![1]).toBe(chartRefusal![2]);
    expect(unsigned).toContain('BuildFailed=True ChartVerificationError: chart verification error: failed to verify oci://');
    expect(unsigned).toMatch(new RegExp(`OCIRepository/podinfo-lite: revision 0\\.1\\.0@${v1}  ready False`));
    expect(unsigned).toContain("SourceVerified=False VerificationError: failed to verify the signature using provider 'cosign': no matching signatures were found for");

    // Step release: the real helm-controller installs 0.1.0 (no wait: no kubelet here).
    const release = stepLines(r.out, 'release');
    console.log(`[rig] release step:\n${release}`);
    expect(r.out).toMatch(/\[8\/10\] release passed/);
    const hex1 = v1.slice('sha256:'.length, 'sha256:'.length + 12);
    expect(release).toMatch(new RegExp(`Released=True InstallSucceeded: Helm install succeeded for release [a-z0-9-]+/[a-z0-9-]+\\.v1 with chart podinfo-lite@0\\.1\\.0\\+${hex1}`));

    // The final state, read from the API: 0.2.0 signed and taken both ways.
    const chart = await source('HelmChart', 'podinfo-lite-chart', ns);
    expect(cond(chart, 'Ready')?.status, JSON.stringify(chart?.status)).toBe('True');
    expect(cond(chart, 'SourceVerified')).toMatchObject({ status: 'True', reason: 'Succeeded', message: 'verified signature of version 0.2.0' });
    expect(chart?.status?.artifact?.revision).toBe('0.2.0');
    const repo = await source('HelmRepository', 'charts', ns);
    expect(repo).toBeDefined();
    const oci = await source('OCIRepository', 'podinfo-lite', ns);
    expect(oci?.status?.artifact?.revision).toBe(`0.2.0@${v2}`);
    expect(cond(oci, 'SourceVerified')).toMatchObject({ status: 'True', reason: 'Succeeded' });

    // helm-controller: the install (0.1.0+<hex of v1>), then the upgrade to the signed 0.2.0
    // (`recover` moved the OCIRepository), read from the HelmRelease's status.history.
    const hex2 = v2.slice('sha256:'.length, 'sha256:'.length + 12);
    let hr = (await getObject(client, { apiVersion: HELM, kind: 'HelmRelease', name: 'podinfo-lite', namespace: ns })) as FluxObject | undefined;
    for (const until = Date.now() + 60_000; hr?.status?.history?.[0]?.chartVersion !== `0.2.0+${hex2}` && Date.now() < until; ) {
      await new Promise((res) => setTimeout(res, 500));
      hr = (await getObject(client, { apiVersion: HELM, kind: 'HelmRelease', name: 'podinfo-lite', namespace: ns })) as FluxObject | undefined;
    }
    console.log(`[rig] HelmRelease conditions: ${JSON.stringify(hr?.status?.conditions?.map((c) => `${c.type}=${c.status} ${c.reason}: ${c.message}`))}`);
    const history = hr?.status?.history ?? [];
    expect(history.map((h) => [h.version, h.status, h.chartName, h.chartVersion]), JSON.stringify(hr?.status)).toEqual([
      [2, 'deployed', 'podinfo-lite', `0.2.0+${hex2}`],
      [1, 'superseded', 'podinfo-lite', `0.1.0+${hex1}`],
    ]);
    expect(cond(hr, 'Ready')).toMatchObject({ status: 'True', reason: 'UpgradeSucceeded' });
    const releaseNs = history[0]!.namespace!;
    // The chart's objects, stored by the API server (nothing runs them: no kubelet).
    const apps = client.kc.makeApiClient(AppsV1Api);
    const deployments = await apps.listNamespacedDeployment({ namespace: releaseNs });
    const services = await client.core.listNamespacedService({ namespace: releaseNs });
    console.log(`[rig] release namespace ${releaseNs}: Deployments ${deployments.items.map((d) => d.metadata?.name).join(',')}; Services ${services.items.map((d) => d.metadata?.name).join(',')}`);
    const deployment = deployments.items.find((d) => d.metadata?.labels?.['app.kubernetes.io/name'] === 'podinfo-lite');
    expect(deployment, JSON.stringify(deployments.items.map((d) => d.metadata))).toBeDefined();
    expect(deployment!.metadata?.labels?.['helm.sh/chart']).toBe(`podinfo-lite-0.2.0_${hex2}`);
    expect(deployment!.metadata?.annotations?.['meta.helm.sh/release-namespace']).toBe(releaseNs);
    expect(services.items.some((svc) => svc.metadata?.labels?.['app.kubernetes.io/name'] === 'podinfo-lite')).toBe(true);

    // source-controller's own Warning events for the refused chart, stored by the API server.
    const events = await listEvents(client, { apiVersion: SOURCE, kind: 'HelmChart', name: 'podinfo-lite-chart', namespace: ns });
    const warnings = events.filter((e) => e.type === 'Warning');
    console.log(`[rig] HelmChart Warning events: ${JSON.stringify(warnings.map((e) => ({ reason: e.reason, message: e.message })))}`);
    expect(warnings.length, JSON.stringify(events)).toBeGreaterThan(0);
  });
});
