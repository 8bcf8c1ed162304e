/**
 * A real CNCF distribution registry (Debian `docker-registry` 2.8) on 127.0.0.1:<free port>
 * with storage in a temp dir, plus a tiny Flux-shaped artifact pushed through ocilab's OCI
 * client. (Same approach as the oci area's helper; switch to it once it is on main.)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryClient } from '../../src/oci/client.js';
import { sha256Digest } from '../../src/oci/digest.js';

export interface TestRegistry {
  host: string;
  /** Storage root, to tamper with blobs on disk. */
  dataDir: string;
  client: RegistryClient;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startDistribution(bin: string): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'ocilab-cosign-registry-'));
  const host = `127.0.0.1:${await freePort()}`;
  const dataDir = join(dir, 'data');
  await writeFile(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dataDir}\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n`,
  );
  let out = '';
  const child = spawn(bin, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const client = new RegistryClient({ registry: host, insecure: true });
  const stop = async () => {
    await client.close();
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(3000).then(() => child.kill('SIGKILL'))]);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`docker-registry exited at start-up:\n${out}`);
    try {
      const res = await fetch(`http://${host}/v2/`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer on ${host}:\n${out}`);
    }
    await sleep(50);
  }
  return { host, dataDir, client, stop };
}

/** Push a small Flux-shaped artifact (config `{}`, one tar+gzip layer) and return its digest. */
export async function pushArtifact(client: RegistryClient, repo: string, tag: string, content: string): Promise<string> {
  const layer = Buffer.from(content);
  const config = Buffer.from('{}');
  await client.pushBlob(repo, layer);
  await client.pushBlob(repo, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.cncf.flux.config.v1+json', size: config.length, digest: sha256Digest(config) },
      layers: [{ mediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip', size: layer.length, digest: sha256Digest(layer) }],
      annotations: { 'org.opencontainers.image.revision': `main@sha1:${'0'.repeat(40)}`, 'org.opencontainers.image.source': 'https://example.invalid/repo' },
    }),
  );
  return client.putManifest(repo, tag, manifest, 'application/vnd.oci.image.manifest.v1+json');
}
