/**
 * ocilab's OCI client as a process of its own, so the side-by-side measures it the way it
 * measures git: one client process, timed and charged by the kernel (wall from spawn to exit,
 * CPU and peak RSS from wait4's rusage), start-up included. It loads src/oci and nothing else
 * of ocilab (no Ink, no Kubernetes client, no engine: test/measure/oci-client-child.test.ts
 * keeps it that way), does one operation and prints one JSON line about what it did, so the
 * measuring side can check the work was done (the digest, the files) before it keeps a figure.
 * (src/oci makes its temp dirs through engine/cleanup.ts, which loads node builtins only.)
 *
 *   node oci-client-child.js pull <host:port/repo:tag> <output dir>
 *   node oci-client-child.js head <host:port/repo:tag>
 *   node oci-client-child.js noop [<ref>]  (the client's floor: loads everything and, given a
 *                                           ref, makes its HTTP stack ready with GET /v2/)
 *
 * Plain HTTP (the registries it measures are on loopback). Exit 0 with the JSON on stdout, or
 * exit 1 with the error on stderr.
 */
import { memoryUsage } from 'node:process';
import { performance } from 'node:perf_hooks';
import { RegistryClient } from '../oci/client.js';
import { parseReference } from '../oci/reference.js';
import { pullArtifact } from '../oci/remote.js';

/** What the child reports on stdout (one JSON line). */
export interface OciChildReport {
  op: 'pull' | 'head' | 'noop';
  /** The manifest digest the tag resolved to. */
  digest: string;
  /** Files written (pull). */
  files?: number;
  /** The layer that was downloaded and verified (pull). */
  layerDigest?: string;
  /** Node's start-up: process start → this module running (performance.now()), ms. */
  startupMs: number;
  /** Resident memory when the work began (Node's runtime and the loaded modules), bytes. */
  rssAtStartBytes: number;
  /** The operation alone, ms. */
  workMs: number;
}

async function main(argv: string[]): Promise<OciChildReport> {
  const startupMs = performance.now();
  const rssAtStartBytes = memoryUsage.rss();
  const [op, reference, output] = argv;
  // The client's floor, measured once per row and subtracted from its runs: every module
  // loaded and, given a registry, its HTTP stack ready (one GET /v2/: undici compiles its
  // HTTP parser on a process's first request, a cost a long-running client pays once).
  if (op === 'noop') {
    const t0 = performance.now();
    if (reference) {
      const warm = RegistryClient.forReference(parseReference(reference, { insecure: true }));
      try {
        await warm.ping();
      } finally {
        await warm.close();
      }
    }
    // workMs: the warm-up request's round trip, which the measuring side leaves out of the floor's wall
    return { op, digest: '', startupMs, rssAtStartBytes, workMs: performance.now() - t0 };
  }
  if ((op !== 'pull' && op !== 'head') || !reference || (op === 'pull' && !output)) {
    throw new Error('usage: oci-client-child.js pull <ref> <output> | head <ref> | noop');
  }
  const ref = parseReference(reference, { insecure: true });
  const client = RegistryClient.forReference(ref);
  try {
    const t0 = performance.now();
    if (op === 'pull') {
      const r = await pullArtifact(ref, { output: output!, client });
      return { op, digest: r.digest, files: r.files, layerDigest: r.layer.digest, startupMs, rssAtStartBytes, workMs: performance.now() - t0 };
    }
    const d = await client.headManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest');
    if (!d) throw new Error(`${reference}: manifest not found`);
    return { op, digest: d.digest, startupMs, rssAtStartBytes, workMs: performance.now() - t0 };
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
