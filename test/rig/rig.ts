/**
 * The rig in tests: a real kube-apiserver + etcd and Flux source-controller and
 * kustomize-controller as local processes (scripts/rig/up, docs/rig.md).
 *
 * - OCILAB_RIG_STATE set and holding an `env` file: that running rig is used and left running.
 * - else the tests start their own rig (scripts/rig/up into a fresh state dir) and stop it
 *   (scripts/rig/down) in afterAll.
 * Under vitest.rig.config.ts the globalSetup (global-setup.ts) starts one rig for all files
 * and sets OCILAB_RIG_STATE, so every file's startRig() reuses it.
 * Binaries not built: the tests skip with the reason on a laptop, and FAIL under CI=true
 * (scripts/ci/install-rig.sh builds them).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { inCI } from '../helpers/peers.js';

const exec = promisify(execFile);
const scripts = resolve(import.meta.dirname, '../../scripts/rig');

export interface RigEnv {
  state: string;
  kubeconfig: string;
  apiServer: string;
  sourceControllerMetrics: string;
  kustomizeControllerMetrics: string;
  sourceControllerStorage: string;
  /** true when this process started the rig (and stops it). */
  owned: boolean;
  /** Wall time of scripts/rig/up when started here. */
  upMs?: number;
}

/** false (after printing why) when the rig cannot run here; throws under CI. Synchronous, for describe.skipIf. */
export function rigAvailable(): boolean {
  const reused = process.env.OCILAB_RIG_STATE;
  if (reused && existsSync(join(reused, 'env'))) return true;
  try {
    execFileSync('bash', [join(scripts, 'build.sh'), 'check'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return true;
  } catch (err) {
    const why = `rig binaries not built (${(err as { stdout?: string }).stdout?.trim() || (err as Error).message}); run scripts/ci/install-rig.sh`;
    if (inCI) throw new Error(`under CI=true the rig must be available: ${why}`);
    console.warn(`[skip] test/rig: ${why}`);
    return false;
  }
}

export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

function toRig(vars: Record<string, string>, owned: boolean, upMs?: number): RigEnv {
  const need = (k: string) => {
    const v = vars[k];
    if (!v) throw new Error(`rig env has no ${k}`);
    return v;
  };
  return {
    state: need('OCILAB_RIG_STATE'),
    kubeconfig: need('KUBECONFIG'),
    apiServer: need('OCILAB_RIG_API_SERVER'),
    sourceControllerMetrics: need('OCILAB_RIG_SOURCE_CONTROLLER_METRICS'),
    kustomizeControllerMetrics: need('OCILAB_RIG_KUSTOMIZE_CONTROLLER_METRICS'),
    sourceControllerStorage: need('OCILAB_RIG_SOURCE_CONTROLLER_STORAGE'),
    owned,
    upMs,
  };
}

/** Reuse $OCILAB_RIG_STATE, or run scripts/rig/up into a new state dir. */
export async function startRig(timeoutMs = 240_000): Promise<RigEnv> {
  const reused = process.env.OCILAB_RIG_STATE;
  if (reused && existsSync(join(reused, 'env'))) return toRig(parseEnvFile(readFileSync(join(reused, 'env'), 'utf8')), false);
  const parent = await mkdtemp(join(tmpdir(), 'ocilab-rig-test-'));
  const state = join(parent, 'state');
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn('bash', [join(scripts, 'up')], {
      env: { ...process.env, OCILAB_RIG_STATE: state },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // TERM makes `up` stop what it started and remove its state (its trap).
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (c) => {
      clearTimeout(timer);
      done({ code: c, stdout, stderr });
    });
  });
  const upMs = performance.now() - started;
  if (code !== 0) {
    await rm(parent, { recursive: true, force: true });
    throw new Error(`scripts/rig/up failed (exit ${code}):\n${stderr.slice(-4000)}`);
  }
  const rig = toRig(parseEnvFile(stdout), true, upMs);
  (rig as RigEnv & { parent: string }).parent = parent;
  return rig;
}

export async function stopRig(rig: RigEnv | undefined): Promise<void> {
  if (!rig?.owned) return;
  await exec('bash', [join(scripts, 'down'), rig.state], { timeout: 60_000 });
  const parent = (rig as RigEnv & { parent?: string }).parent;
  if (parent) await rm(parent, { recursive: true, force: true });
}
