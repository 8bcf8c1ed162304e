/**
 * Child process of the OCI benchmark (plain JS on the built dist/, so the figure is node +
 * ocilab's client, not a TypeScript loader): pull one blob, digest verified, to a file (tmpfs;
 * downloadBlob), or discard it (`-`: verifyBlob), or read it as a stream (`stream`: openBlob,
 * what extraction reads), and print the time and CPU of the pull itself (after start-up, as
 * curl's time_total is) and the process's peak RSS.
 * Usage: node oci-pull-child.mjs <host> <repo> <digest> <size> <file|-|stream>
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RegistryClient } from '../../dist/oci/client.js';

const [host, repo, digest, size, file] = process.argv.slice(2);
const rssBeforeBytes = process.memoryUsage.rss();
const client = new RegistryClient({ registry: host, timeoutMs: 120_000 });
const c0 = process.cpuUsage();
const t0 = performance.now();
let bytes = 0;
if (file === '-') {
  bytes = await client.verifyBlob(repo, digest, { size: Number(size) });
} else if (file !== 'stream') {
  bytes = await client.downloadBlob(repo, digest, file, { size: Number(size) });
} else {
  const { stream } = await client.openBlob(repo, digest, { size: Number(size) });
  await pipeline(stream, new Writable({ write(chunk, _e, cb) { bytes += chunk.length; cb(); } }));
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
await client.close();
process.stdout.write(JSON.stringify({ bytes, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssBytes: process.resourceUsage().maxRSS * 1024, rssBeforeBytes }) + '\n');
