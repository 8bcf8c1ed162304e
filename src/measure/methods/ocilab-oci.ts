/**
 * ocilab's own OCI client (src/oci) as fetch methods: the pull Flux's source-controller does
 * (resolve the manifest, download the layer, verify its digest, extract safely) and the
 * no-change check (manifest HEAD).
 *
 * One client process per run, like the git rows beside them (src/measure/oci-client-child.ts,
 * which loads src/oci only), reporting its own work once its modules are loaded and its HTTP
 * stack is ready: the fetch's cost on a ready client, as the git rows report theirs above
 * git's own floor (client-floor.ts). Nothing of the measuring ocilab process (Ink, the UI, GC)
 * is in its figures. Each run proves it did the work: the digest the tag resolves to (read
 * once before the first run) and, for a pull, the files written; a run that did not is an
 * error, which fails the row instead of becoming a figure.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegistryClient } from '../../oci/client.js';
import { parseReference } from '../../oci/reference.js';
import type { OciChildReport } from '../oci-client-child.js';
import { withTraffic } from '../traffic.js';
import type { FetchMethod, MethodOutcome, TrafficMeter } from '../types.js';
import { runChildStepsWithOutput } from './child-steps.js';

export interface OcilabOciOptions {
  /** "127.0.0.1:PORT/fleet/small:latest" (plain HTTP on loopback). */
  reference: string;
  meter?: TrafficMeter;
  /** The manifest digest the tag must resolve to; read with one HEAD before the first run when not given. */
  expectDigest?: string;
  idSuffix?: string;
}

export const OCI_CHILD_CLIENT = 'node process, ocilab OCI client (src/oci only)';

const OWN_WORK =
  'client figures: the child\'s own work once its modules are loaded and its HTTP stack ready (wall: performance.now around the operation; CPU: process.cpuUsage delta, the process doing nothing else; peak RSS: growth over the RSS before, VmHWM reset via /proc/self/clear_refs)';

/** How to start the child: the built module (dist/), or the source under tsx when there is no build. */
export function ociChildCommand(): { file: string; args: string[]; built: boolean } {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.js')) return { file: process.execPath, args: [fileURLToPath(new URL('../oci-client-child.js', here))], built: true };
  const built = fileURLToPath(new URL('../../../dist/measure/oci-client-child.js', here));
  if (existsSync(built)) return { file: process.execPath, args: [built], built: true };
  return { file: process.execPath, args: ['--import', 'tsx', fileURLToPath(new URL('../oci-client-child.ts', here))], built: false };
}

/** The child's JSON line, checked to say it did `op` on the expected digest. */
export function checkChildReport(stdout: string, op: 'pull' | 'head', expectDigest: string, what: string): OciChildReport {
  let r: OciChildReport;
  try {
    r = JSON.parse(stdout.trim().split('\n').pop() ?? '') as OciChildReport;
  } catch {
    throw new Error(`${what}: the OCI client printed no report (${JSON.stringify(stdout.slice(0, 120))})`);
  }
  if (r.op !== op) throw new Error(`${what}: the OCI client did "${r.op}", not "${op}"`);
  if (r.digest !== expectDigest) throw new Error(`${what}: the tag resolved to ${r.digest}, expected ${expectDigest}: not the artifact being compared`);
  if (op === 'pull' && !(typeof r.files === 'number' && r.files > 0)) throw new Error(`${what}: the pull wrote no files`);
  return r;
}

function ociChildMethod(o: OcilabOciOptions, op: 'pull' | 'head'): FetchMethod {
  const ref = parseReference(o.reference, { insecure: true });
  const tag = ref.digest ?? ref.tag ?? 'latest';
  let expected = o.expectDigest;
  const resolveExpected = async (signal: AbortSignal): Promise<string> => {
    if (expected) return expected;
    const client = RegistryClient.forReference(ref);
    try {
      const d = await client.headManifest(ref.repository, tag, { signal });
      if (!d) throw new Error(`${o.reference}: no such tag in the registry: nothing to compare`);
      expected = d.digest;
      return expected;
    } finally {
      await client.close();
    }
  };
  const cmd = ociChildCommand();
  const env = { ...process.env, NO_COLOR: '1' };
  const startup = cmd.built ? 'node start-up included' : 'node start-up under tsx (no build: transpiling included)';
  return {
    id: `oci.ocilab.${op}${o.idSuffix ?? ''}`,
    label: op === 'pull' ? 'ocilab pull: manifest + layer + verify + extract' : 'ocilab manifest HEAD (no-change check)',
    short: op === 'pull' ? 'oci pull' : 'oci HEAD',
    kind: 'oci',
    client: OCI_CHILD_CLIENT,
    notes: [
      `one client process per run, like the git rows: ${OCI_CHILD_CLIENT}, ${startup}`,
      ...(op === 'pull' ? ['the layer digest is verified as it arrives; extraction is the shared safe extractor'] : []),
      'each run is checked: the manifest digest the tag resolved to' + (op === 'pull' ? ', and files written' : ''),
    ],
    async run(dest, signal): Promise<MethodOutcome> {
      const digest = await resolveExpected(signal);
      const args = op === 'pull' ? [...cmd.args, 'pull', o.reference, join(dest, 'out')] : [...cmd.args, 'head', o.reference];
      const { value, traffic } = await withTraffic(o.meter, () => runChildStepsWithOutput([{ file: cmd.file, args }], signal, env));
      const r = checkChildReport(value.stdout[0] ?? '', op, digest, `${o.reference} ${op}`);
      return {
        ...traffic,
        wallMs: r.workMs,
        clientCpuMs: r.workCpuMs,
        clientPeakRssBytes: r.workPeakRssBytes,
        phases: [
          { name: 'process start-up and ready', ms: Math.max(0, value.wallMs - r.workMs) },
          { name: op === 'pull' ? 'network + extract' : 'network', ms: r.workMs },
        ],
        notes: [
          ...(traffic.notes ?? []),
          OWN_WORK,
        ],
      };
    },
  };
}

export function ocilabPullMethod(o: OcilabOciOptions): FetchMethod {
  return ociChildMethod(o, 'pull');
}

export function ocilabHeadMethod(o: OcilabOciOptions): FetchMethod {
  return ociChildMethod(o, 'head');
}
