/**
 * The CNCF distribution registry (Debian `docker-registry`, 2.8) on a free loopback port,
 * and a minimal push of a Flux-format artifact to it over the real HTTP API, so the OCI
 * reference methods can be measured before ocilab's own registry and client are wired in.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { c as createTar } from 'tar';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

export interface DistributionRegistry {
  hostPort: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startDistribution(bin: string, dir: string): Promise<DistributionRegistry> {
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child = spawn(bin, ['serve', config], { stdio: 'ignore' });
  const hostPort = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await fetch(`http://${hostPort}/v2/`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`docker-registry did not start on ${hostPort}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    hostPort,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function pushBlob(hostPort: string, repo: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const start = await fetch(`http://${hostPort}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`upload start: ${start.status}`);
  const location = new URL(start.headers.get('location')!, `http://${hostPort}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`upload put: ${put.status} ${await put.text()}`);
  return digest;
}

/** Push `dir` as a Flux artifact (config + one tar+gzip layer); returns the layer size. */
export async function pushFluxArtifact(hostPort: string, repo: string, tag: string, dir: string, work: string): Promise<number> {
  const tgz = join(work, `${repo.replace(/\W/g, '_')}.tgz`);
  await createTar({ gzip: true, cwd: dir, file: tgz, portable: true }, ['.']);
  const layer = readFileSync(tgz);
  const config = Buffer.from('{}');
  const layerDigest = await pushBlob(hostPort, repo, layer);
  const configDigest = await pushBlob(hostPort, repo, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.cncf.flux.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip', digest: layerDigest, size: layer.length }],
      annotations: { 'org.opencontainers.image.source': 'ocilab-test', 'org.opencontainers.image.revision': 'main@sha1:test' },
    }),
  );
  const res = await fetch(`http://${hostPort}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
  });
  if (res.status !== 201) throw new Error(`manifest put: ${res.status} ${await res.text()}`);
  return layer.length;
}
