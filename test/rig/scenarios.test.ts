/**
 * The two talk scenarios end to end with `--target cluster` against the rig (a real
 * kube-apiserver, source-controller and kustomize-controller on loopback, docs/rig.md),
 * run by the BUILT CLI as a speaker runs them. The registry and the Git server the cluster
 * target needs are ocilab's own (src/registry, src/git/server) on 127.0.0.1, which the
 * out-of-cluster controllers reach. Everything asserted is read back through the Kubernetes
 * API (or the registry/Git server the controllers pulled from):
 * - cosign-verify: OCIRepository Ready and SourceVerified=True at the last signed digest;
 *   the Kustomization Ready at that revision with its Deployment present; VerificationError
 *   for the unsigned push, the wrong key and the swapped layer (conditions the CLI read from
 *   the API, and source-controller's Warning events);
 * - git-vs-oci: GitRepository / OCIRepository Ready at the served head / tag digest;
 *   both Kustomizations Ready with the fleet's objects present; the new commit and the new
 *   artifact picked up after the reconcile requests (the bumped image applied both ways);
 * - scale: N of each kind Ready, reconcile time per kind read from source-controller's
 *   metrics (on the rig its loopback metrics address, --param metrics=…), and per batch its
 *   CPU-seconds (Δ process_cpu_seconds_total) and sampled peak memory
 *   (process_resident_memory_bytes: no kubelet on the rig), objects deleted.
 *
 * On the rig the controllers are processes, not pods: the cluster target's Flux check looks
 * for the flux-system Deployments, so this test puts two stand-in Deployment objects there
 * (status available) naming the processes that run outside. Nothing runs them.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api } from '@kubernetes/client-node';
/** `ocilab …` by the built CLI with the rig's kubeconfig and throwaway state/config dirs. */
const runCli = (args: string[], timeoutMs: number) =>
  runBuiltCli(args, timeoutMs, { KUBECONFIG: rig!.kubeconfig, OCILAB_STATE_DIR: join(work, 'state'), OCILAB_CONFIG_DIR: join(work, 'config') });

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitServer } from '../../src/git/server/server.js';
import { KubeClient } from '../../src/kube/client.js';
import { listEvents } from '../../src/kube/events.js';
import { getObject } from '../../src/kube/objects.js';
import type { StatusPredicate } from '../../src/flux/conditions.js';
import { reconcileAndWait } from '../../src/kube/reconcile.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { ensureBuilt } from '../helpers/built-cli.js';
import { runBuiltCli, stepLines } from '../helpers/run-cli.js';
import { rigAvailable, startRig, stopRig, type RigEnv } from './rig.js';
import { standInControllerDeployments } from './stand-ins.js';
import { tagDigest as digestOfTag } from '../helpers/registry-tags.js';

const exec = promisify(execFile);
const ready = rigAvailable();
const SOURCE = 'source.toolkit.fluxcd.io/v1';
const KUSTOMIZE = 'kustomize.toolkit.fluxcd.io/v1';
/** git-vs-oci's `runs` on the rig: measured runs per method, and requested reconciles per source. */
const RUNS = 2;

let rig: RigEnv | undefined;
let client: KubeClient;
let work: string;
let registry: RegistryHandle;
let git: GitServer;

interface FluxObject {
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    artifact?: { revision?: string };
    lastAppliedRevision?: string;
    inventory?: { entries?: { id: string; v: string }[] };
  };
}

function cond(o: FluxObject | undefined, type: string) {
  return o?.status?.conditions?.find((c) => c.type === type);
}

async function flux(kind: string, name: string, namespace: string): Promise<FluxObject | undefined> {
  const apiVersion = kind === 'Kustomization' ? KUSTOMIZE : SOURCE;
  return (await getObject(client, { apiVersion, kind, name, namespace })) as FluxObject | undefined;
}

const tagDigest = (repository: string, tag: string): Promise<string> => digestOfTag(registry.hostPort, repository, tag);

describe.skipIf(!ready)('talk scenarios with --target cluster on the rig (built CLI, real Flux)', { timeout: 600_000 }, () => {
  beforeAll(async () => {
    ensureBuilt();
    work = await mkdtemp(join(tmpdir(), 'ocilab-rig-scenarios-'));
    registry = await startRegistry({ dir: join(work, 'registry') });
    // The Git server the cluster clones from; git-vs-oci pushes its fleet repo into tiny.git.
    const repos = join(work, 'repos');
    await mkdir(repos);
    await exec('git', ['init', '-q', '--bare', '-b', 'main', join(repos, 'tiny.git')]);
    git = await new GitServer({ root: repos, port: 0, push: true, allowNonFastForward: true }).start(); // target.repo and git.commit push to it; scale force-pushes a fresh fixture over it
    rig = await startRig();
    if (rig.upMs) console.log(`[rig] scripts/rig/up took ${Math.round(rig.upMs)} ms`);
    client = KubeClient.fromContext({ kubeconfigPath: rig.kubeconfig });
    await standInControllerDeployments(client);
  }, 600_000);

  afterAll(async () => {
    await stopRig(rig);
    await git?.stop();
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  }, 120_000);

  it('cosign-verify: signed artifact verified and applied; unsigned, wrong key and swapped layer refused with VerificationError', async () => {
    const ns = 'ocilab-rig-cv';
    const started = performance.now();
    const r = await runCli(['run', 'cosign-verify', '--target', 'cluster', '--plain', '--namespace', ns, '--registry-url', `http://${registry.hostPort}`, '--git-url', git.url], 420_000);
    console.log(`[rig] ocilab run cosign-verify --target cluster: ${Math.round(performance.now() - started)} ms`);
    expect(r.out, r.out.slice(-6000)).toMatch(/run cosign-verify passed/);
    expect(r.code).toBe(0);

    // The final state, read from the API: the last signed release is verified and applied.
    const latest = await tagDigest('ocilab/demo', 'latest');
    const oci = await flux('OCIRepository', 'demo-signed', ns);
    expect(cond(oci, 'Ready')?.status, JSON.stringify(oci?.status)).toBe('True');
    expect(cond(oci, 'SourceVerified')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(cond(oci, 'SourceVerified')?.message).toContain(`verified signature of revision latest@${latest}`);
    expect(oci?.status?.artifact?.revision).toBe(`latest@${latest}`);
    const ks = await flux('Kustomization', 'demo-signed', ns);
    expect(cond(ks, 'Ready')?.status, JSON.stringify(ks?.status)).toBe('True');
    expect(ks?.status?.lastAppliedRevision).toBe(`latest@${latest}`);
    expect(ks?.status?.inventory?.entries?.map((e) => e.id)).toContain(`${ns}-signed_podinfo_apps_Deployment`);
    const deploy = await client.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'podinfo', namespace: `${ns}-signed` });
    expect(deploy.metadata?.labels?.['kustomize.toolkit.fluxcd.io/name']).toBe('demo-signed');
    expect(JSON.stringify(deploy.spec)).toContain('release 1.0.3, signed');

    // Each tamper: the conditions flux.expect read from the API, and the revision kept.
    const signed = /SourceVerified=True Succeeded: verified signature of revision (latest@sha256:[0-9a-f]{64})/.exec(stepLines(r.out, 'flux'))?.[1];
    expect(signed).toBeDefined();
    for (const step of ['unsigned', 'wrong-key', 'layer']) {
      const text = stepLines(r.out, step);
      expect(text, step).toMatch(/SourceVerified=False VerificationError: failed to verify the signature using provider 'cosign': no matching signatures were found for/);
      expect(text, step).toContain(`revision ${signed}  ready False`);
    }
    // source-controller's own Warning events, stored by the API server.
    const events = await listEvents(client, { apiVersion: SOURCE, kind: 'OCIRepository', name: 'demo-signed', namespace: ns });
    const refused = events.filter((e) => e.type === 'Warning' && e.reason === 'VerificationError');
    expect(refused.length, JSON.stringify(events)).toBeGreaterThan(0);
    expect(refused.reduce((n, e) => n + e.count, 0)).toBeGreaterThanOrEqual(3);
  });

  it('cosign-verify again on the same cluster and registry (a rehearsal, then the talk): every step waits for its own reconcile and passes', async () => {
    // The objects of the first run are still there, Ready for its artifacts; this run pushes and
    // signs new ones. Before: the first wait passed at once on the old status and the
    // Kustomization's wait for the new revision timed out (the source was never asked again).
    const ns = 'ocilab-rig-cv';
    const before = await flux('OCIRepository', 'demo-signed', ns);
    expect(before?.status?.artifact?.revision).toBeDefined();
    const r = await runCli(['run', 'cosign-verify', '--target', 'cluster', '--plain', '--namespace', ns, '--registry-url', `http://${registry.hostPort}`, '--git-url', git.url], 420_000);
    expect(r.out, r.out.slice(-6000)).toMatch(/run cosign-verify passed/);
    expect(r.code).toBe(0);
    const latest = await tagDigest('ocilab/demo', 'latest');
    const oci = await flux('OCIRepository', 'demo-signed', ns);
    expect(oci?.status?.artifact?.revision).toBe(`latest@${latest}`);
    expect(oci?.status?.artifact?.revision).not.toBe(before?.status?.artifact?.revision);
    // The verify step quoted the signature of this run's artifact, not the first run's.
    const verified = /SourceVerified=True Succeeded: verified signature of revision (latest@sha256:[0-9a-f]{64})/.exec(stepLines(r.out, 'flux'))?.[1];
    expect(verified).toBeDefined();
    expect(verified).not.toBe(before?.status?.artifact?.revision);
  });

  it('git-vs-oci: both sources Ready at the served revisions, both Kustomizations applied, the change picked up both ways', async () => {
    const ns = 'ocilab-rig-gvo';
    const started = performance.now();
    const r = await runCli(
      [
        'run', 'git-vs-oci', '--target', 'cluster', '--plain', '--namespace', ns, '--registry-url', `http://${registry.hostPort}`, '--git-url', git.url,
        '--param', 'preset=tiny', '--param', 'clusters=10', '--param', `runs=${RUNS}`, '--param', `metrics=${rig!.sourceControllerMetrics}`,
      ],
      420_000,
    );
    console.log(`[rig] ocilab run git-vs-oci --target cluster: ${Math.round(performance.now() - started)} ms`);
    expect(r.out, r.out.slice(-6000)).toMatch(/run git-vs-oci passed/);
    expect(r.code).toBe(0);

    const head = (await exec('git', ['ls-remote', `${git.url}/tiny.git`, 'refs/heads/main'])).stdout.split('\t')[0]!;
    const subject = (await exec('git', ['-C', join(work, 'repos', 'tiny.git'), 'log', '-1', '--format=%s', 'main'])).stdout.trim();
    expect(subject).toMatch(/^app-000: bump image/);
    const gitRepo = await flux('GitRepository', 'fleet-git', ns);
    expect(cond(gitRepo, 'Ready')?.status, JSON.stringify(gitRepo?.status)).toBe('True');
    expect(gitRepo?.status?.artifact?.revision).toBe(`main@sha1:${head}`);
    const digest = await tagDigest('fleet/tiny', 'latest');
    const ociRepo = await flux('OCIRepository', 'fleet-oci', ns);
    expect(cond(ociRepo, 'Ready')?.status, JSON.stringify(ociRepo?.status)).toBe('True');
    expect(ociRepo?.status?.artifact?.revision).toBe(`latest@${digest}`);

    // The first revisions were replaced after the reconcile requests: the bumped image is what both Kustomizations applied.
    const deployment = (await exec('git', ['-C', join(work, 'repos', 'tiny.git'), 'show', 'main:apps/app-000/deployment.yaml'])).stdout;
    const bumped = /image:\s*(\S+)/.exec(deployment)?.[1];
    expect(bumped).toBeDefined();
    const apps = client.kc.makeApiClient(AppsV1Api);
    for (const [name, revision] of [['fleet-git', `main@sha1:${head}`], ['fleet-oci', `latest@${digest}`]] as const) {
      const ks = await flux('Kustomization', name, ns);
      expect(cond(ks, 'Ready')?.status, `${name}: ${JSON.stringify(ks?.status)}`).toBe('True');
      expect(ks?.status?.lastAppliedRevision).toBe(revision);
      const ids = ks?.status?.inventory?.entries?.map((e) => e.id) ?? [];
      expect(ids).toContain(`${ns}-${name}_app-000_apps_Deployment`);
      const d = await apps.readNamespacedDeployment({ name: 'app-000', namespace: `${ns}-${name}` });
      expect(d.spec?.template.spec?.containers[0]?.image, name).toBe(bumped);
      expect(d.metadata?.labels?.['kustomize.toolkit.fluxcd.io/name']).toBe(name);
    }
    expect(r.out).toMatch(/GitRepository at main@sha1:[0-9a-f]{40}; OCIRepository at latest@sha256:[0-9a-f]{64}, built from that commit/);

    // side-by-side's in-cluster rows (flux.measure): the real source-controller reconciling on request.
    const side = stepLines(r.out, 'side-by-side');
    for (const [kind, name, server] of [['GitRepository', 'fleet-git', 'Git server'], ['OCIRepository', 'fleet-oci', 'registry']] as const) {
      const runs = [...side.matchAll(new RegExp(`${kind}/${name} reconcile (\\d+)/${RUNS}: requestedAt (\\S+) → lastHandledReconcileAt (\\S+) in (\\d+) ms; ${server} served (\\d+) bytes in (\\d+) requests`, 'g'))];
      expect(runs.map((m) => Number(m[1])), `${kind} runs\n${side.slice(-4000)}`).toEqual(Array.from({ length: RUNS }, (_, i) => i + 1));
      for (const m of runs) {
        expect(m[3], 'lastHandledReconcileAt is the requestedAt token').toBe(m[2]);
        expect(Number(m[4])).toBeGreaterThan(0);
        expect(Number(m[5]), `${kind}: bytes served by ocilab's ${server}`).toBeGreaterThan(0);
        expect(Number(m[6])).toBeGreaterThan(0);
      }
      expect(new Set(runs.map((m) => m[2])).size, 'one token per request').toBe(RUNS);
      // source-controller's own histogram counted every requested reconcile (an interval reconcile may add one).
      const gotk = new RegExp(`${kind}/${name}: gotk_reconcile_duration_seconds count \\+(\\d+), sum \\+(\\d+) ms \\(metricsUrl\\)`).exec(side);
      expect(gotk, `${kind} gotk line`).not.toBeNull();
      expect(Number(gotk![1])).toBeGreaterThanOrEqual(RUNS);
      expect(Number(gotk![1])).toBeLessThanOrEqual(RUNS + 1);
      // The rows of the measurements panel (--plain prints each), labelled in-cluster, method visible.
      const row = (metric: string, rest: string) => new RegExp(`# in-cluster ${kind} ${metric} = ([\\d.]+) (ms|bytes|count) \\(in-cluster, ${name}: ${rest}`, 'm').exec(side);
      const wall = row('reconcile_wall_ms', `requestedAt → lastHandledReconcileAt \\(patch, then watch\\), median of ${RUNS} runs, spread [\\d.]+ ?%`);
      expect(wall, `${kind} wall row\n${side.slice(-4000)}`).not.toBeNull();
      expect(row('reconcile_count', `Δ gotk_reconcile_duration_seconds_count over the batch \\(${RUNS} requested; metricsUrl\\)`)).not.toBeNull();
      expect(Number(row('reconcile_mean_ms', 'Δ gotk_reconcile_duration_seconds sum / count over the batch')![1])).toBeGreaterThan(0);
      // No kubelet on the rig: CPU and memory come from the controller's own process metrics, and the note says so.
      const cpu = row('controller_cpu_ms', 'source-controller CPU over the batch: its own Δ process_cpu_seconds_total \\(metricsUrl; 10 ms ticks; includes serving the scrapes\\); kubelet summary unavailable: .+\\)$');
      expect(cpu, `${kind} CPU row\n${side.slice(-4000)}`).not.toBeNull();
      const mem = row('controller_memory_bytes', 'source-controller memory after the batch: its own process_resident_memory_bytes \\(metricsUrl; [\\d.]+ MiB before\\); kubelet summary unavailable: .+\\)$');
      expect(Number(mem![1])).toBeGreaterThan(10 * 2 ** 20);
      // both servers count TCP bytes, headers included: the two rows are comparable
      const bytes = row('served_bytes', `bytes ocilab's ${server} served per reconcile \\(its http://127\\.0\\.0\\.1:\\d+/_ocilab/stats: TCP bytes, headers included`);
      expect(Number(bytes![1]), `${kind} bytes row`).toBeGreaterThan(0);
      console.log(`[rig] git-vs-oci in-cluster ${kind}: reconcile ${Number(wall![1]).toFixed(0)} ms median, ${gotk![1]} reconciles (${gotk![2]} ms in gotk), ${bytes![1]} bytes served per reconcile, CPU ${cpu![1]} ms`);
    }
    expect(side).toMatch(/in-cluster rows added to \S+compare\.json/);
    expect(side).toMatch(/in-cluster rows added to \S+compare\.md/);
  });

  // What git-vs-oci's outage steps (9-12) show, caused here by the test because on the cluster
  // target the registry and Git server are not ocilab's (the steps say "shown, not run"): the
  // real source-controller's words, compared with the local reconciler's (FLUX-OCI-FACTS §2).
  it('outage on real Flux: registry and Git server stopped → Ready=False (OCIArtifactPullFailed / GitOperationFailed), artifact kept and still applied; restarted → Ready=True on the same revision', async () => {
    const ns = 'ocilab-rig-gvo';
    const settled: StatusPredicate = (o) => {
      const ready = o?.status?.conditions?.find((c) => c.type === 'Ready');
      return ready && ready.status !== 'Unknown' ? { done: true, ok: true, message: `${ready.status} ${ready.reason}` } : { done: false };
    };
    const reconcile = (kind: string, name: string) =>
      reconcileAndWait(client, { apiVersion: kind === 'Kustomization' ? KUSTOMIZE : SOURCE, kind, name, namespace: ns }, { timeoutMs: 120_000, predicate: settled });
    const cases = [
      { kind: 'OCIRepository', name: 'fleet-oci', reason: 'OCIArtifactPullFailed', words: 'failed to determine artifact digest' },
      { kind: 'GitRepository', name: 'fleet-git', reason: 'GitOperationFailed', words: 'failed to checkout and determine revision' },
    ] as const;
    for (const c of cases) {
      const before = await flux(c.kind, c.name, ns);
      const revision = before?.status?.artifact?.revision;
      expect(revision, `${c.name}: ${JSON.stringify(before?.status)}`).toBeDefined();
      const started = performance.now();
      // Stop the server, same port and storage kept for the restart.
      let restart: () => Promise<void>;
      if (c.kind === 'OCIRepository') {
        const { port } = registry;
        await registry.close();
        restart = async () => void (registry = await startRegistry({ dir: join(work, 'registry'), port }));
      } else {
        const port = Number(new URL(git.url).port);
        await git.stop();
        restart = async () => void (git = await new GitServer({ root: join(work, 'repos'), port, push: true, allowNonFastForward: true }).start());
      }
      try {
        const down = await reconcile(c.kind, c.name);
        const o = down.object as FluxObject | undefined;
        console.log(`[rig] ${c.kind} outage: ${JSON.stringify(o?.status?.conditions?.map((x) => `${x.type}=${x.status} ${x.reason}`))} after ${Math.round(performance.now() - started)} ms`);
        expect(cond(o, 'Ready'), JSON.stringify(o?.status)).toMatchObject({ status: 'False', reason: c.reason });
        expect(cond(o, 'Ready')?.message).toContain(c.words);
        expect(cond(o, 'FetchFailed')).toMatchObject({ status: 'True', reason: c.reason });
        expect(cond(o, 'ArtifactInStorage')?.status).toBe('True');
        expect(o?.status?.artifact?.revision).toBe(revision);
        // The last artifact is still served from source-controller's storage: the Kustomization applies it.
        const ks = (await reconcile('Kustomization', c.name)).object as FluxObject | undefined;
        expect(cond(ks, 'Ready')?.status, JSON.stringify(ks?.status)).toBe('True');
        expect(ks?.status?.lastAppliedRevision).toBe(revision);
      } finally {
        await restart();
      }
      const back = (await reconcile(c.kind, c.name)).object as FluxObject | undefined;
      expect(cond(back, 'Ready'), JSON.stringify(back?.status)).toMatchObject({ status: 'True' });
      expect(back?.status?.artifact?.revision).toBe(revision);
    }
  });

  it('scale: N GitRepositories and N OCIRepositories all Ready; reconcile time, CPU-seconds and peak memory per kind from source-controller metrics', async () => {
    const ns = 'ocilab-rig-scale';
    const started = performance.now();
    const r = await runCli(
      ['run', 'scale', '--target', 'cluster', '--plain', '--namespace', ns, '--registry-url', `http://${registry.hostPort}`, '--git-url', git.url, '--param', 'preset=tiny', '--param', 'count=5', '--param', `metrics=${rig!.sourceControllerMetrics}`],
      420_000,
    );
    console.log(`[rig] ocilab run scale --target cluster (count=5): ${Math.round(performance.now() - started)} ms`);
    expect(r.out, r.out.slice(-6000)).toMatch(/run scale passed/);
    expect(r.code).toBe(0);
    for (const kind of ['GitRepository', 'OCIRepository']) {
      expect(r.out).toMatch(new RegExp(`${kind} ×5: all Ready [\\d.]+ s after the first apply`));
      const spent = new RegExp(`${kind} ×5: source-controller spent (\\d+) ms reconciling them \\([\\d.]+ ms each, (\\d+) reconciles\\)`).exec(r.out);
      expect(spent, kind).not.toBeNull();
      expect(Number(spent![1])).toBeGreaterThan(0);
      expect(Number(spent![2])).toBeGreaterThanOrEqual(5);
    }
    // CPU-seconds and peak memory per batch, from the real controller's process metrics.
    const total = { cpu: 0 };
    for (const kind of ['GitRepository', 'OCIRepository']) {
      const cpu = new RegExp(`in-cluster ${kind} ×5 controller_cpu_ms = ([\\d.]+) ms \\(in-cluster, source-controller CPU-seconds: Δ process_cpu_seconds_total \\(metricsUrl\\), batch start → all Ready \\+ [\\d.]+ s`).exec(r.out);
      const mem = new RegExp(`in-cluster ${kind} ×5 controller_peak_memory_bytes = (\\d+) bytes \\(in-cluster, source-controller peak memory: max of process_resident_memory_bytes \\(metricsUrl\\), sampled every 500 ms \\((\\d+) samples`).exec(r.out);
      expect(cpu, `${kind} CPU row\n${r.out.slice(-4000)}`).not.toBeNull();
      expect(mem, `${kind} memory row\n${r.out.slice(-4000)}`).not.toBeNull();
      console.log(`[rig] scale ${kind} ×5: ${(Number(cpu![1]) / 1000).toFixed(2)} CPU-seconds, peak RSS ${(Number(mem![1]) / 2 ** 20).toFixed(1)} MiB (${mem![2]} samples)`);
      expect(Number(cpu![1])).toBeGreaterThan(0);
      expect(Number(mem![1])).toBeGreaterThan(10 * 2 ** 20);
      expect(Number(mem![2])).toBeGreaterThanOrEqual(3);
      total.cpu += Number(cpu![1]) / 1000;
      expect(r.out).toMatch(new RegExp(`${kind} ×5: source-controller used [\\d.]+ CPU-seconds, peak memory [\\d.]+ MiB \\(process RSS, sampled every 500 ms`));
    }
    // Both batches together cannot have used more CPU than the process has used since it started.
    const now = await (await fetch(rig!.sourceControllerMetrics)).text();
    const cpuNow = Number(/^process_cpu_seconds_total (\S+)$/m.exec(now)?.[1]);
    expect(total.cpu).toBeLessThanOrEqual(cpuNow);
    // The scale objects are gone again (deleted through the API).
    const left = (await client.custom.listNamespacedCustomObject({ group: 'source.toolkit.fluxcd.io', version: 'v1', namespace: ns, plural: 'gitrepositories' })) as { items: { metadata: { name: string } }[] };
    expect(left.items.filter((i) => i.metadata.name.startsWith('scale-'))).toEqual([]);
  });

  it('workload-identity on a cluster that is not on a cloud: the nodes are read for real, the step is shown, not run, with the reason', async () => {
    const ns = 'ocilab-rig-identity';
    const ecr = 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/ocilab/demo';
    const r = await runCli(['run', 'workload-identity', '--target', 'cluster', '--plain', '--namespace', ns, '--registry-url', `http://${registry.hostPort}`, '--git-url', git.url, '--param', `identity-url=${ecr}`], 120_000);
    expect(r.out, r.out.slice(-4000)).toMatch(/run workload-identity passed/);
    expect(r.code).toBe(0);
    // The rig's API server has no nodes (no kubelet): listNode answered, with none.
    expect(stepLines(r.out, 'run-it')).toContain("shown, not run: 123456789012.dkr.ecr.eu-west-1.amazonaws.com is ECR, but the cluster's nodes are not all on EKS (providerID: no nodes)");
    expect(await flux('OCIRepository', 'app-identity', ns)).toBeUndefined();
  });
});
