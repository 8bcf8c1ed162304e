/**
 * Reference OCI methods with real tools against any registry on this machine (through the
 * counting proxy for bytes): curl (the two GETs a pull is: manifest, then the layer blob),
 * curl -I (the manifest HEAD a no-change check is), and skopeo copy. Optionally the layer is
 * extracted afterwards with `tar -xzf` (`untar`), so network and extraction show as phases
 * and every figure is of command-line tools (ocilab's in-process client is its own method).
 * curl does not verify the layer digest (neither did the baseline's curl rows); ocilab's own
 * OCI client does, and plugs in as its own method.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { withTraffic } from '../traffic.js';
import type { FetchMethod, MethodOutcome, TrafficMeter } from '../types.js';
import { runChildSteps } from './child-steps.js';

export type OciCliTool = 'curl' | 'skopeo' | 'ocilab';
export type OciCliMode = 'pull' | 'head';

export interface OciCliOptions {
  /** "127.0.0.1:5000" (plain HTTP, loopback). */
  registry: string;
  repository: string;
  /** Tag or digest. */
  reference: string;
  tool: OciCliTool;
  mode: OciCliMode;
  /** Extract the layer after pulling (in-process, node-tar). */
  untar?: boolean;
  meter?: TrafficMeter;
  idPrefix?: string;
}

const MANIFEST_ACCEPT = 'Accept: application/vnd.oci.image.manifest.v1+json';

/** Combine outcomes of consecutive parts of one run: CPU adds up, RSS is the largest. */
export function addOutcomes(a: MethodOutcome, b: MethodOutcome): MethodOutcome {
  const sum = (x: number | null | undefined, y: number | null | undefined) => (x == null || y == null ? null : x + y);
  const max = (x: number | null | undefined, y: number | null | undefined) => (x == null || y == null ? null : Math.max(x, y));
  return {
    clientCpuMs: sum(a.clientCpuMs, b.clientCpuMs),
    clientPeakRssBytes: max(a.clientPeakRssBytes, b.clientPeakRssBytes),
    phases: [...(a.phases ?? []), ...(b.phases ?? [])],
    notes: [...new Set([...(a.notes ?? []), ...(b.notes ?? [])])],
  };
}

/** The first layer's digest from a manifest, checked to be a sha256 digest. */
export function firstLayerDigest(manifestJson: string, where: string): string {
  let layers: { digest?: unknown }[] | undefined;
  try {
    layers = (JSON.parse(manifestJson) as { layers?: { digest?: unknown }[] }).layers;
  } catch {
    throw new Error(`${where}: the manifest is not JSON`);
  }
  const digest = layers?.[0]?.digest;
  if (typeof digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`${where}: the manifest has no sha256 layer`);
  return digest;
}

async function untarTimed(tarball: string, dest: string, signal: AbortSignal): Promise<MethodOutcome> {
  await mkdir(dest, { recursive: true });
  const t0 = performance.now();
  const out = await runChildSteps([{ file: 'tar', args: ['-xzf', tarball, '-C', dest, '--no-same-owner'] }], signal);
  return { ...out, phases: [{ name: 'extract', ms: performance.now() - t0 }] };
}

async function curlPull(o: OciCliOptions, dest: string, signal: AbortSignal): Promise<MethodOutcome> {
  const base = `http://${o.registry}/v2/${o.repository}`;
  const manifestFile = join(dest, 'manifest.json');
  const layerFile = join(dest, 'layer.tgz');
  const t0 = performance.now();
  const curl = (args: string[]) => ({ file: 'curl', args: ['-sS', '--fail', ...args] });
  const a = await runChildSteps([curl(['-H', MANIFEST_ACCEPT, '-o', manifestFile, `${base}/manifests/${o.reference}`])], signal);
  const digest = firstLayerDigest(await readFile(manifestFile, 'utf8'), `${o.repository}:${o.reference}`);
  const b = await runChildSteps([curl(['-o', layerFile, `${base}/blobs/${digest}`])], signal);
  let out = addOutcomes(a, b);
  out.phases = [{ name: 'network', ms: performance.now() - t0 }];
  if (o.untar) out = addOutcomes(out, await untarTimed(layerFile, join(dest, 'out'), signal));
  return out;
}

async function skopeoPull(o: OciCliOptions, dest: string, signal: AbortSignal): Promise<MethodOutcome> {
  const dir = join(dest, 'skopeo');
  const sep = o.reference.startsWith('sha256:') ? '@' : ':';
  const t0 = performance.now();
  let out = await runChildSteps(
    [{ file: 'skopeo', args: ['copy', '--quiet', '--src-tls-verify=false', `docker://${o.registry}/${o.repository}${sep}${o.reference}`, `dir:${dir}`] }],
    signal,
  );
  out.phases = [{ name: 'network', ms: performance.now() - t0 }];
  if (o.untar) {
    const digest = firstLayerDigest(await readFile(join(dir, 'manifest.json'), 'utf8'), `${o.repository}:${o.reference}`);
    const hex = digest.slice('sha256:'.length);
    const name = (await readdir(dir)).find((f) => f === hex || f === `${hex}.tar`);
    if (!name) throw new Error(`skopeo wrote no layer ${digest} in ${dir}`);
    out = addOutcomes(out, await untarTimed(join(dir, name), join(dest, 'out'), signal));
  }
  return out;
}

/**
 * ocilab's own CLI (`ocilab artifact pull --output`) as a process: node start-up, the pull
 * with digest check, and the safe extraction, like `flux pull artifact`. The built CLI
 * (dist/cli.js) is used, also from sources; without a build it runs src/cli.ts under tsx,
 * whose start-up (transpiling) is then part of the figures.
 */
export function ocilabCli(): { file: string; args: string[] } {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.js')) return { file: process.execPath, args: [fileURLToPath(new URL('../../cli.js', here))] };
  const built = fileURLToPath(new URL('../../../dist/cli.js', here));
  if (existsSync(built)) return { file: process.execPath, args: [built] };
  return { file: process.execPath, args: ['--import', 'tsx', fileURLToPath(new URL('../../cli.ts', here))] };
}

async function ocilabPull(o: OciCliOptions, dest: string, signal: AbortSignal): Promise<MethodOutcome> {
  const cli = ocilabCli();
  const sep = o.reference.startsWith('sha256:') ? '@' : ':';
  const t0 = performance.now();
  const out = await runChildSteps(
    [{ file: cli.file, args: [...cli.args, 'artifact', 'pull', `oci://${o.registry}/${o.repository}${sep}${o.reference}`, '--insecure-registry', '--output', join(dest, 'out')] }],
    signal,
    { ...process.env, NO_COLOR: '1', CI: 'true' },
  );
  return { ...out, phases: [{ name: 'process (start-up + pull + extract)', ms: performance.now() - t0 }] };
}

async function curlHead(o: OciCliOptions, _dest: string, signal: AbortSignal): Promise<MethodOutcome> {
  return runChildSteps(
    [{ file: 'curl', args: ['-sS', '--fail', '-o', '/dev/null', '-I', '-H', MANIFEST_ACCEPT, `http://${o.registry}/v2/${o.repository}/manifests/${o.reference}`] }],
    signal,
  );
}

export function ociCliMethod(o: OciCliOptions): FetchMethod {
  if (o.mode === 'head' && o.tool !== 'curl') throw new Error('the manifest HEAD check is measured with curl only');
  const what = o.mode === 'head' ? 'head-manifest' : `${o.tool}${o.untar ? '+untar' : ''}`;
  if (o.tool === 'ocilab' && o.untar) throw new Error('ocilab artifact pull extracts by itself: leave untar off');
  const run = o.mode === 'head' ? curlHead : o.tool === 'curl' ? curlPull : o.tool === 'ocilab' ? ocilabPull : skopeoPull;
  const label =
    o.mode === 'head'
      ? 'curl -I manifest (no-change check)'
      : o.tool === 'ocilab'
        ? 'ocilab artifact pull (CLI process, digest checked, extracted)'
        : `${o.tool === 'curl' ? 'curl GET manifest + layer' : 'skopeo copy'}${o.untar ? ' + untar' : ''}`;
  const short = o.mode === 'head' ? 'curl HEAD' : o.tool === 'ocilab' ? 'ocilab CLI' : `${o.tool} pull`;
  const client =
    o.mode === 'head' || o.tool === 'curl'
      ? `curl process${o.mode === 'head' ? '' : 'es'}${o.untar ? ' + tar' : ''}`
      : o.tool === 'ocilab'
        ? 'ocilab CLI process (the whole CLI starts)'
        : `skopeo process${o.untar ? ' + tar' : ''}`;
  // Whole processes, start-up included: what a person typing the command pays. The git and
  // ocilab OCI rows beside them report the fetch's cost on a ready client, so these figures are
  // kept in the samples but not set beside those (n/a* with the reason).
  const whole = `whole ${client}, start-up included (kept in the samples); the git and ocilab OCI rows are net of their client's runtime`;
  return {
    id: `${o.idPrefix ?? 'oci.cli'}.${what}`,
    label,
    short,
    client,
    notComparable: { wallMs: whole, clientCpuMs: whole, clientPeakRssBytes: whole },
    kind: 'oci',
    notes: [
      o.tool === 'skopeo'
        ? 'skopeo probes HTTPS first, pings /v2/ and also fetches the config blob'
        : o.tool === 'ocilab'
          ? 'one node process: start-up, manifest + layer (digest checked), extraction'
          : 'one curl process per request',
      ...(o.meter ? [] : ['bytes and requests: not metered for this registry (n/a)']),
    ],
    async run(dest, signal) {
      const { value, traffic } = await withTraffic(o.meter, () => run(o, dest, signal));
      return { ...traffic, ...value, notes: [...(traffic.notes ?? []), ...(value.notes ?? [])] };
    },
  };
}
