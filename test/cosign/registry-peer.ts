/**
 * A real CNCF distribution registry (Debian `docker-registry` 2.8) on 127.0.0.1:<free port>,
 * started by the oci area's helper, plus a client for it and a tiny Flux-shaped artifact pusher.
 */
import { RegistryClient } from '../../src/oci/client.js';
import { sha256Digest } from '../../src/oci/digest.js';
import { join } from 'node:path';
import { startRegistry } from '../oci/registry-peers.js';

export interface TestRegistry {
  host: string;
  /** Storage root, to tamper with blobs on disk. */
  dataDir: string;
  client: RegistryClient;
  stop(): Promise<void>;
}

export async function startDistribution(): Promise<TestRegistry> {
  const reg = await startRegistry('docker-registry');
  const client = new RegistryClient({ registry: reg.host, insecure: true });
  return {
    host: reg.host,
    dataDir: join(reg.dir, 'data'),
    client,
    stop: async () => {
      await client.close();
      await reg.stop();
    },
  };
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
