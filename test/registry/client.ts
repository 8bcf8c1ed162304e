/** Raw distribution-spec requests for the registry tests (deliberately not src/oci: independent). */
import { createHash } from 'node:crypto';

export const sha256 = (b: Uint8Array | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
export const sha512 = (b: Uint8Array | string) => `sha512:${createHash('sha512').update(b).digest('hex')}`;

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const EMPTY_CONFIG = '{}';

export async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { errors?: { code: string }[] };
  return body.errors?.[0]?.code;
}

/** Monolithic POST ?digest= upload; returns the digest. */
export async function pushBlob(base: string, repo: string, bytes: Uint8Array | string): Promise<string> {
  const digest = sha256(bytes);
  const res = await fetch(`${base}/v2/${repo}/blobs/uploads/?digest=${digest}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: typeof bytes === 'string' ? bytes : Buffer.from(bytes),
  });
  if (res.status !== 201) throw new Error(`push blob ${digest}: ${res.status} ${await res.text()}`);
  return digest;
}

export function imageManifest(config: string, layers: { digest: string; size: number }[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: Buffer.byteLength(config) },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
    ...extra,
  });
}

export function putManifest(base: string, repo: string, ref: string, body: string | Buffer, type = OCI_MANIFEST): Promise<Response> {
  return fetch(`${base}/v2/${repo}/manifests/${ref}`, { method: 'PUT', headers: { 'Content-Type': type }, body });
}

/** A minimal valid image in `repo` (empty config, one small layer); returns its manifest. */
export async function pushImage(base: string, repo: string, tag: string, layerText = 'layer'): Promise<{ manifest: string; digest: string }> {
  await pushBlob(base, repo, EMPTY_CONFIG);
  const layer = await pushBlob(base, repo, layerText);
  const manifest = imageManifest(EMPTY_CONFIG, [{ digest: layer, size: Buffer.byteLength(layerText) }]);
  const res = await putManifest(base, repo, tag, manifest);
  if (res.status !== 201) throw new Error(`push manifest: ${res.status} ${await res.text()}`);
  return { manifest, digest: sha256(manifest) };
}
