/**
 * ocilab's OCI client as a process of its own, one per run like the git rows, that reports
 * its own work: after its modules are loaded and its HTTP stack is ready, the operation's wall
 * (performance.now), CPU (process.cpuUsage delta: the process does nothing else) and peak RSS
 * growth (VmHWM reset through /proc/self/clear_refs, minus the RSS before). The measuring side
 * also takes the whole process's rusage, kept in the notes and phases. It loads src/oci and nothing else
 * of ocilab (no Ink, no Kubernetes client, no engine: test/measure/oci-client-child.test.ts
 * keeps it that way), does one operation and prints one JSON line about what it did, so the
 * measuring side can check the work was done (the digest, the files) before it keeps a figure.
 * (src/oci makes its temp dirs through process/cleanup.ts, which loads node builtins only.)
 *
 *   node oci-client-child.js pull <host:port/repo:tag> <output dir>
 *   node oci-client-child.js head <host:port/repo:tag>
 *
 * Plain HTTP (the registries it measures are on loopback). Exit 0 with the JSON on stdout, or
 * exit 1 with the error on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryUsage } from 'node:process';
import { performance } from 'node:perf_hooks';
import { RegistryClient } from '../oci/client.js';
import { parseReference } from '../oci/reference.js';
import { pullArtifact } from '../oci/remote.js';

/** What the child reports on stdout (one JSON line). */
export interface OciChildReport {
  op: 'pull' | 'head';
  /** The manifest digest the tag resolved to. */
  digest: string;
  /** Files written (pull). */
  files?: number;
  /** The layer that was downloaded and verified (pull). */
  layerDigest?: string;
  /** Node's start-up: process start → this module running (performance.now()), ms. */
  startupMs: number;
  /** Resident memory when the work began (runtime, modules, a ready HTTP stack), bytes. */
  rssAtStartBytes: number;
  /** The operation alone, ms (performance.now() around it). */
  workMs: number;
  /** CPU of the operation: process.cpuUsage() delta around it (the process does nothing else), ms. */
  workCpuMs: number;
  /** Peak RSS growth during the operation: VmHWM after resetting it − RSS before; null where VmHWM cannot be reset. */
  workPeakRssBytes: number | null;
}

/**
 * Ready the HTTP stack before the measured work (node:http, which the client's transport uses:
 * its first request sets up the parser and the agent), a cost a long-running client (a
 * controller) pays once. One request to a server of our own on loopback, so the measured
 * registry sees nothing of it.
 */
async function readyHttpStack(): Promise<void> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      get(`http://127.0.0.1:${port}/`, (res) => res.resume().on('end', resolve).on('error', reject)).on('error', reject);
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function highWaterMark(): number | null {
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : null;
}

function resetHighWaterMark(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function main(argv: string[]): Promise<OciChildReport> {
  const startupMs = performance.now();
  const [op, reference, output] = argv;
  if ((op !== 'pull' && op !== 'head') || !reference || (op === 'pull' && !output)) {
    throw new Error('usage: oci-client-child.js pull <ref> <output> | head <ref>');
  }
  const ref = parseReference(reference, { insecure: true });
  await readyHttpStack();
  const client = RegistryClient.forReference(ref);
  try {
    const canReset = resetHighWaterMark();
    const rssAtStartBytes = memoryUsage.rss();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const done = (r: { digest: string; files?: number; layerDigest?: string }): OciChildReport => {
      const workMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const hwm = canReset ? highWaterMark() : null;
      return { op, ...r, startupMs, rssAtStartBytes, workMs, workCpuMs: (cpu.user + cpu.system) / 1000, workPeakRssBytes: hwm === null ? null : Math.max(0, hwm - rssAtStartBytes) };
    };
    if (op === 'pull') {
      const r = await pullArtifact(ref, { output: output!, client });
      return done({ digest: r.digest, files: r.files, layerDigest: r.layer.digest });
    }
    const d = await client.headManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest');
    if (!d) throw new Error(`${reference}: manifest not found`);
    return done({ digest: d.digest });
  } finally {
    await client.close();
  }
}

main(process.argv.slice(2)).then(
  (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).message ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
