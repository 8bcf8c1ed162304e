/**
 * What `ocilab doctor` checks: the tools each target needs, found on PATH and asked for
 * their version (the commands and parsers of src/kind/versions.ts), a kubeconfig context
 * for the cluster target, and for kind everything kindDoctor() checks (engine running,
 * port 5001, disk, images), each with the command that fixes it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TargetName } from '../engine/action-definition.js';
import { kindDoctor, type DoctorCheck, type DoctorOptions } from '../kind/doctor.js';
import { VERSION_PROBES } from '../kind/versions.js';

export interface ToolProbe {
  name: string;
  /** The command asked for its version. */
  command: string[];
  /** Extracts the version from the command's output. */
  version?: (out: string) => string | undefined;
}

export interface ProbeResult {
  name: string;
  found: boolean;
  version?: string;
  detail?: string;
}

export interface Requirement {
  /** Satisfied when any of these tools is found. */
  anyOf: string[];
  optional: boolean;
  why: string;
}

export const TOOLS: Record<string, ToolProbe> = Object.fromEntries(
  Object.values(VERSION_PROBES).map((p) => [p.tool, { name: p.tool, command: p.argv, version: p.parse }]),
);

export const REQUIREMENTS: Record<TargetName, Requirement[]> = {
  local: [
    { anyOf: ['node'], optional: false, why: 'runs ocilab (>= 20.19)' },
    { anyOf: ['git'], optional: false, why: VERSION_PROBES.git.purpose },
  ],
  // Reported from kindDoctor()'s checks (see diagnose); listed here for `doctor --json` readers.
  kind: [
    { anyOf: ['docker', 'podman'], optional: false, why: VERSION_PROBES.docker.purpose },
    { anyOf: ['kind'], optional: false, why: VERSION_PROBES.kind.purpose },
    { anyOf: ['kubectl'], optional: true, why: VERSION_PROBES.kubectl.purpose },
    { anyOf: ['flux'], optional: true, why: VERSION_PROBES.flux.purpose },
    { anyOf: ['cosign'], optional: true, why: VERSION_PROBES.cosign.purpose },
  ],
  cluster: [{ anyOf: ['kubeconfig'], optional: false, why: 'a kubeconfig context to reach the cluster' }],
};

function run(command: string[], timeoutMs: number): Promise<{ ok: boolean; out: string; notFound: boolean }> {
  return new Promise((resolve) => {
    execFile(command[0]!, command.slice(1), { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const notFound = (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
      resolve({ ok: !err, out: `${stdout}${stderr}`, notFound });
    });
  });
}

export async function probeTool(probe: ToolProbe, timeoutMs = 5000): Promise<ProbeResult> {
  const r = await run(probe.command, timeoutMs);
  if (r.notFound) return { name: probe.name, found: false, detail: 'not found on PATH' };
  const version = probe.version ? probe.version(r.out) : /v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(r.out)?.[1];
  if (!r.ok && !version) return { name: probe.name, found: false, detail: `\`${probe.command.join(' ')}\` failed: ${r.out.trim().split('\n')[0] ?? ''}` };
  return { name: probe.name, found: true, ...(version ? { version } : {}) };
}

export function probeNode(): ProbeResult {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  return { name: 'node', found: ok, version: process.versions.node, ...(ok ? {} : { detail: 'need >= 20.19' }) };
}

/** The current kubeconfig context (KUBECONFIG or ~/.kube/config), read with @kubernetes/client-node. */
export async function probeKubeconfig(): Promise<ProbeResult> {
  // Without any config, client-node falls back to an invented localhost:8080 context: not a real one.
  const files = (process.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (files.length === 0) files.push(join(homedir(), '.kube', 'config'));
  if (!files.some((f) => existsSync(f)) && !process.env.KUBERNETES_SERVICE_HOST) {
    return { name: 'kubeconfig', found: false, detail: `no kubeconfig (${files.join(delimiter)})` };
  }
  try {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromDefault();
    const context = kc.getCurrentContext();
    const cluster = kc.getCurrentCluster();
    if (!context || !cluster || kc.getContexts().length === 0) {
      return { name: 'kubeconfig', found: false, detail: 'no current context (KUBECONFIG or ~/.kube/config)' };
    }
    return { name: 'kubeconfig', found: true, version: `context ${context}`, detail: cluster.server };
  } catch (err) {
    return { name: 'kubeconfig', found: false, detail: `cannot read kubeconfig: ${(err as Error).message}` };
  }
}

export interface TargetReport {
  target: TargetName;
  ready: boolean;
  missing: string[];
  requirements: { requirement: Requirement; results: ProbeResult[]; satisfied: boolean }[];
  /** kind: kindDoctor()'s checks (they replace the per-tool requirements, probed once there). */
  checks?: DoctorCheck[];
}

export async function diagnose(targets: readonly TargetName[], kindOptions: DoctorOptions = {}): Promise<TargetReport[]> {
  // kindDoctor probes kind's tools itself; the others are probed here, each once.
  const needed = new Set(targets.filter((t) => t !== 'kind').flatMap((t) => REQUIREMENTS[t].flatMap((r) => r.anyOf)));
  const results = new Map<string, ProbeResult>();
  const kind = targets.includes('kind') ? kindDoctor(kindOptions) : undefined;
  await Promise.all(
    [...needed].map(async (name) => {
      const result = name === 'node' ? probeNode() : name === 'kubeconfig' ? await probeKubeconfig() : await probeTool(TOOLS[name]!);
      results.set(name, result);
    }),
  );
  const kindReport = await kind;
  return targets.map((target) => {
    if (target === 'kind' && kindReport) {
      const missing = kindReport.checks.filter((c) => c.required && !c.ok).map((c) => c.label);
      return { target, ready: kindReport.ok, missing, requirements: [], checks: kindReport.checks };
    }
    const requirements = REQUIREMENTS[target].map((requirement) => {
      const rs = requirement.anyOf.map((n) => results.get(n)!);
      return { requirement, results: rs, satisfied: rs.some((r) => r.found) };
    });
    const missing = requirements.filter((r) => !r.satisfied && !r.requirement.optional).map((r) => r.requirement.anyOf.join(' or '));
    return { target, ready: missing.length === 0, missing, requirements };
  });
}
