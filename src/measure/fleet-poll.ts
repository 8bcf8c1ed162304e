/**
 * One simulated source-controller's poll, per transport, over plain HTTP (undici) so that
 * hundreds fit in one worker process:
 * - Git (as go-git, fleet-git-wire.ts): the ref advertisement (one GET, protocol v0); when the
 *   branch moved, a depth-1 single-branch fetch of the new tip (advertisement + one POST),
 *   its pack checksum verified.
 * - OCI (as go-containerregistry in source-controller): a manifest HEAD on the tag; when the
 *   digest changed, GET the manifest by digest and its layer, both digests verified.
 * A poll returns what it did; any surprise (status, digest, parse) throws.
 */
import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { MANIFEST_ACCEPT } from '../oci/media-types.js';
import {
  parseRefAdvertisement,
  readShallowPackResponse,
  refAdvertisementRequest,
  shallowUploadPackRequest,
  UPLOAD_PACK_REQUEST,
  UPLOAD_PACK_RESULT,
} from './fleet-git-wire.js';

export interface PollTarget {
  kind: 'git' | 'oci';
  /** Git: "/small.git"; OCI: "fleet/small". */
  repo: string;
  /** Git: the branch ref ("refs/heads/main"); OCI: the tag. */
  ref: string;
}

export interface PollOutcome {
  /** The revision seen: commit id or manifest digest. */
  revision: string;
  /** Time of the no-change check alone. */
  checkMs: number;
  fetched: boolean;
  requests: number;
}

async function body(dispatcher: Dispatcher, opts: Dispatcher.RequestOptions, expect: number, what: string): Promise<{ buf: Buffer; headers: Dispatcher.ResponseData['headers'] }> {
  const res = await dispatcher.request(opts);
  const buf = Buffer.from(await res.body.arrayBuffer());
  if (res.statusCode !== expect) throw new Error(`${what}: HTTP ${res.statusCode} (expected ${expect}) ${buf.toString('utf8', 0, 120).trim()}`);
  return { buf, headers: res.headers };
}

const header = (h: Dispatcher.ResponseData['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** go-git's no-change check: the v0 ref advertisement; returns the branch's commit and the server's capabilities. */
export async function gitCheck(d: Dispatcher, t: PollTarget): Promise<{ revision: string; capabilities: string[] }> {
  const { path, headers } = refAdvertisementRequest(t.repo);
  const { buf } = await body(d, { method: 'GET', path, headers }, 200, `GET ${path}`);
  const adv = parseRefAdvertisement(buf);
  const revision = adv.refs.get(t.ref);
  if (!revision) throw new Error(`${t.repo}: ${t.ref} is not advertised`);
  return { revision, capabilities: adv.capabilities };
}

/** go-git's depth-1 single-branch clone of `want`: its own advertisement, then one upload-pack POST. */
export async function gitFetch(d: Dispatcher, t: PollTarget, want: string): Promise<{ objects: number; packBytes: number }> {
  const { capabilities } = await gitCheck(d, t);
  const path = `${t.repo.replace(/\/$/, '')}/git-upload-pack`;
  const { buf, headers } = await body(
    d,
    { method: 'POST', path, headers: { 'content-type': UPLOAD_PACK_REQUEST, accept: UPLOAD_PACK_RESULT, 'user-agent': 'ocilab-fleet (go-git-like, protocol v0)' }, body: shallowUploadPackRequest(want, capabilities) },
    200,
    `POST ${path}`,
  );
  if (header(headers, 'content-type') !== UPLOAD_PACK_RESULT) throw new Error(`POST ${path}: content-type ${header(headers, 'content-type')}`);
  const pack = readShallowPackResponse(buf);
  if (!pack.shallow.includes(want)) throw new Error(`POST ${path}: ${want} not marked shallow (depth 1 not honoured)`);
  return pack;
}

/** source-controller's no-change check for an OCIRepository: one manifest HEAD on the tag. */
export async function ociCheck(d: Dispatcher, t: PollTarget): Promise<string> {
  const path = `/v2/${t.repo}/manifests/${t.ref}`;
  const { headers } = await body(d, { method: 'HEAD', path, headers: { accept: MANIFEST_ACCEPT.join(', ') } }, 200, `HEAD ${path}`);
  const digest = header(headers, 'docker-content-digest');
  if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`HEAD ${path}: no Docker-Content-Digest`);
  return digest;
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** On a new digest: the manifest by digest and its (single) layer, each checked against its digest. */
export async function ociFetch(d: Dispatcher, t: PollTarget, digest: string): Promise<{ layerBytes: number }> {
  const mpath = `/v2/${t.repo}/manifests/${digest}`;
  const { buf: manifest } = await body(d, { method: 'GET', path: mpath, headers: { accept: MANIFEST_ACCEPT.join(', ') } }, 200, `GET ${mpath}`);
  if (sha256(manifest) !== digest) throw new Error(`GET ${mpath}: manifest digest mismatch`);
  const layers = (JSON.parse(manifest.toString('utf8')) as { layers?: { digest: string; size: number }[] }).layers ?? [];
  if (layers.length !== 1) throw new Error(`GET ${mpath}: ${layers.length} layers, a Flux artifact has one`);
  const layer = layers[0]!;
  const lpath = `/v2/${t.repo}/blobs/${layer.digest}`;
  const { buf } = await body(d, { method: 'GET', path: lpath }, 200, `GET ${lpath}`);
  if (buf.length !== layer.size || sha256(buf) !== layer.digest) throw new Error(`GET ${lpath}: layer digest or size mismatch`);
  return { layerBytes: buf.length };
}

/** One poll: the check, and the fetch when the revision differs from `known`. */
export async function poll(d: Dispatcher, t: PollTarget, known: string): Promise<PollOutcome> {
  const start = performance.now();
  if (t.kind === 'git') {
    const { revision } = await gitCheck(d, t);
    const checkMs = performance.now() - start;
    if (revision === known) return { revision, checkMs, fetched: false, requests: 1 };
    await gitFetch(d, t, revision);
    return { revision, checkMs, fetched: true, requests: 3 };
  }
  const revision = await ociCheck(d, t);
  const checkMs = performance.now() - start;
  if (revision === known) return { revision, checkMs, fetched: false, requests: 1 };
  await ociFetch(d, t, revision);
  return { revision, checkMs, fetched: true, requests: 3 };
}
