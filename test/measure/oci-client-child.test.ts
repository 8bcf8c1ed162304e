/**
 * The OCI client child the side-by-side measures (src/measure/oci-client-child.ts) loads
 * src/oci and nothing else of ocilab: no Ink or React, no Kubernetes client, no engine, no
 * UI. Otherwise its start-up, CPU and memory would be the app's, not an OCI client's. A
 * resolve hook records every module the built child loads while it really pulls and HEADs.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushArtifact } from '../../src/oci/remote.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { ensureBuilt } from '../helpers/built-cli.js';

const child = fileURLToPath(new URL('../../dist/measure/oci-client-child.js', import.meta.url));
let dir: string;
let register: string;
let registry: RegistryHandle;
const ac = new AbortController();

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ocilab-oci-child-'));
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `export async function resolve(specifier, context, next) {\n  const r = await next(specifier, context);\n  process.stderr.write('RESOLVED ' + r.url + '\\n');\n  return r;\n}\n`);
  register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  registry = await startRegistry({ port: 0, signal: ac.signal });
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  writeFileSync(join(tree, 'app.yaml'), 'kind: ConfigMap\n');
  writeFileSync(join(tree, 'svc.yaml'), 'kind: Service\n');
  await pushArtifact(`oci://${registry.hostPort}/child/app:v1`, { path: tree, source: 'test', revision: 'main@sha1:test' });
}, 180_000);
afterAll(async () => {
  ac.abort();
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Asynchronously: the registry answering the child runs in this process. */
function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string; loaded: string[] }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', pathToFileURL(register).href, child, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      const loaded = stderr.split('\n').flatMap((l) => (l.startsWith('RESOLVED file://') ? [l.slice('RESOLVED '.length)] : []));
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, loaded });
    });
  });
}

describe('the OCI client child', () => {
  it.each([['pull'], ['head']])('%s: does the work, reports it, and loads src/oci only', async (op) => {
    const out = join(dir, `out-${op}`);
    const r = await run(op === 'pull' ? ['pull', `${registry.hostPort}/child/app:v1`, out] : ['head', `${registry.hostPort}/child/app:v1`]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim()) as { op: string; digest: string; files?: number; startupMs: number; workMs: number; workCpuMs: number; workPeakRssBytes: number | null };
    expect(report.op).toBe(op);
    expect(report.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    if (op === 'pull') expect(report.files).toBe(2); // app.yaml and svc.yaml
    expect(report.startupMs).toBeGreaterThan(0);
    // its own work: timed and charged inside the child, after start-up
    expect(report.workMs).toBeGreaterThan(0);
    expect(report.workCpuMs).toBeGreaterThanOrEqual(0);
    expect(report.workPeakRssBytes).not.toBeNull();
    const ours = r.loaded.filter((u) => u.includes('/dist/') && !u.includes('/node_modules/')).map((u) => u.slice(u.indexOf('/dist/') + '/dist/'.length));
    expect(ours.length).toBeGreaterThan(0);
    // src/oci, the child itself, and the shared temp-dir registration (node builtins only)
    expect(ours.filter((p) => !p.startsWith('oci/') && p !== 'measure/oci-client-child.js' && p !== 'process/cleanup.js')).toEqual([]);
    const packages = new Set(r.loaded.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.slice(1, 2) ?? []));
    for (const heavy of ['ink', 'react', '@kubernetes/client-node', 'zustand', 'commander', '@sigstore/verify']) expect(packages.has(heavy), heavy).toBe(false);
  });

  it('a missing tag is an error on stderr and exit 1, no report', async () => {
    const r = await run(['head', `${registry.hostPort}/child/app:nope`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('manifest not found');
  });
});
