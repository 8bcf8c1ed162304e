/**
 * Real clients against the embedded registry over plain HTTP on 127.0.0.1: crane
 * (go-containerregistry, the library Flux uses), skopeo and oras push, pull, copy, tag,
 * list and delete; content must come back byte-identical.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peer } from '../helpers/peers.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';

const exec = promisify(execFile);
const crane = peer('crane', 'scripts/ci/install-registry.sh');
const skopeo = peer('skopeo', 'scripts/ci/install-registry.sh');
const oras = peer('oras', 'scripts/ci/install-registry.sh');
const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

let work: string;
let registry: RegistryHandle;
let layer: Buffer; // a gzipped tar layer, pushed as-is by crane
let host: string;

async function tool(bin: string, args: string[], cwd = work): Promise<string> {
  try {
    const { stdout } = await exec(bin, args, { cwd, env: { ...process.env, HOME: work }, maxBuffer: 64 << 20, timeout: 60_000 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

async function manifestBytes(repo: string, ref: string): Promise<{ bytes: Buffer; type: string | null; digest: string | null }> {
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${ref}`);
  expect(res.status).toBe(200);
  return { bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type'), digest: res.headers.get('docker-content-digest') };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ocilab-peers-'));
  registry = await startRegistry({ dir: join(work, 'store') });
  host = registry.hostPort;
  await mkdir(join(work, 'layer'));
  await writeFile(join(work, 'layer', 'random.bin'), randomBytes(2 << 20));
  await writeFile(join(work, 'layer', 'hello.txt'), 'hello from ocilab\n');
  await exec('tar', ['-czf', join(work, 'layer.tgz'), '-C', join(work, 'layer'), '.']);
  layer = await readFile(join(work, 'layer.tgz'));
});

afterAll(async () => {
  await registry?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(!crane)('crane', () => {
  let digest: string;

  it('pushes an image whose layer and manifest read back byte-identically', async () => {
    const out = await tool(crane!, ['append', '--oci-empty-base', '-f', join(work, 'layer.tgz'), '-t', `${host}/crane/app:v1`]);
    digest = out.trim().split('@')[1]!;
    const m = await manifestBytes('crane/app', 'v1');
    expect(m.digest).toBe(digest);
    expect(sha256(m.bytes)).toBe(digest);
    expect(m.type).toBe('application/vnd.oci.image.manifest.v1+json');
    const manifest = JSON.parse(await tool(crane!, ['manifest', `${host}/crane/app:v1`])) as { layers: { digest: string; size: number }[] };
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0]!.digest).toBe(sha256(layer));
    await tool(crane!, ['blob', `${host}/crane/app@${sha256(layer)}`, '-o', join(work, 'crane-blob.bin')]).catch(async () => {
      // older crane writes the blob to stdout only
      const { stdout } = await exec(crane!, ['blob', `${host}/crane/app@${sha256(layer)}`], { encoding: 'buffer', maxBuffer: 64 << 20 });
      await writeFile(join(work, 'crane-blob.bin'), stdout);
    });
    expect((await readFile(join(work, 'crane-blob.bin'))).equals(layer)).toBe(true);
    expect((await tool(crane!, ['digest', `${host}/crane/app:v1`])).trim()).toBe(digest);
  });

  it('pulls to an OCI layout with the same bytes', async () => {
    await tool(crane!, ['pull', '--format=oci', `${host}/crane/app:v1`, join(work, 'crane-layout')]);
    const pulled = await readFile(join(work, 'crane-layout', 'blobs', 'sha256', sha256(layer).slice(7)));
    expect(pulled.equals(layer)).toBe(true);
    const manifest = await readFile(join(work, 'crane-layout', 'blobs', 'sha256', digest.slice(7)));
    expect(sha256(manifest)).toBe(digest);
  });

  it('copies across repositories, tags, lists, and deletes', async () => {
    const seen: { method: string; path: string; status: number }[] = [];
    const listen = (e: { method: string; path: string; status: number }) => seen.push(e);
    registry.on('request', listen);
    await tool(crane!, ['copy', `${host}/crane/app:v1`, `${host}/crane/copy:v1`]);
    registry.off('request', listen);
    // crane mounts the blobs from crane/app instead of uploading them again
    const mounts = seen.filter((e) => e.method === 'POST' && e.path.includes('mount=') && e.path.includes('from=crane'));
    expect(mounts.length).toBeGreaterThan(0);
    expect(mounts.every((e) => e.status === 201)).toBe(true);
    expect((await tool(crane!, ['digest', `${host}/crane/copy:v1`])).trim()).toBe(digest);
    await tool(crane!, ['tag', `${host}/crane/app:v1`, 'v2']);
    expect((await tool(crane!, ['ls', `${host}/crane/app`])).trim().split('\n')).toEqual(['v1', 'v2']);
    const catalog = (await tool(crane!, ['catalog', host])).trim().split('\n');
    expect(catalog).toEqual(expect.arrayContaining(['crane/app', 'crane/copy']));
    await tool(crane!, ['delete', `${host}/crane/app@${digest}`]);
    await expect(tool(crane!, ['manifest', `${host}/crane/app:v1`])).rejects.toThrow(/MANIFEST_UNKNOWN|404/);
    expect((await tool(crane!, ['digest', `${host}/crane/copy:v1`])).trim()).toBe(digest);
  });
});

describe.skipIf(!crane || !skopeo)('skopeo', () => {
  it('copies registry → OCI layout → registry preserving digests, and reads back the same bytes', async () => {
    await tool(crane!, ['append', '--oci-empty-base', '-f', join(work, 'layer.tgz'), '-t', `${host}/skopeo/src:v1`]);
    const src = await manifestBytes('skopeo/src', 'v1');
    const layout = join(work, 'skopeo-layout');
    await tool(skopeo!, ['--insecure-policy', 'copy', '--src-tls-verify=false', `docker://${host}/skopeo/src:v1`, `oci:${layout}:v1`]);
    await tool(skopeo!, ['--insecure-policy', 'copy', '--preserve-digests', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${host}/skopeo/app:v1`]);
    const raw = Buffer.from(await tool(skopeo!, ['inspect', '--raw', '--tls-verify=false', `docker://${host}/skopeo/app:v1`]));
    expect(raw.equals(src.bytes)).toBe(true);
    const pushed = await manifestBytes('skopeo/app', 'v1');
    expect(pushed.digest).toBe(src.digest);
    await tool(skopeo!, ['--insecure-policy', 'copy', '--src-tls-verify=false', `docker://${host}/skopeo/app:v1`, `dir:${join(work, 'skopeo-dir')}`]);
    const files = await readdir(join(work, 'skopeo-dir'));
    expect(files).toContain(sha256(layer).slice(7));
    expect((await readFile(join(work, 'skopeo-dir', sha256(layer).slice(7)))).equals(layer)).toBe(true);
    const tags = JSON.parse(await tool(skopeo!, ['list-tags', '--tls-verify=false', `docker://${host}/skopeo/app`])) as { Tags: string[] };
    expect(tags.Tags).toEqual(['v1']);
    await tool(skopeo!, ['delete', '--tls-verify=false', `docker://${host}/skopeo/app:v1`]);
    const gone = await fetch(`${registry.url}/v2/skopeo/app/manifests/${pushed.digest}`);
    expect(gone.status).toBe(404);
  });
});

describe.skipIf(!oras)('oras', () => {
  it('pushes an artifact with an artifact type, pulls it back, attaches and discovers a referrer', async () => {
    const dir = join(work, 'oras');
    await mkdir(join(dir, 'out'), { recursive: true });
    const content = randomBytes(300_000);
    await writeFile(join(dir, 'config.bin'), content);
    await writeFile(join(dir, 'sig.txt'), 'not really a signature\n');
    const ref = `${host}/oras/art:v1`;
    await tool(oras!, ['push', '--plain-http', '--artifact-type', 'application/vnd.ocilab.demo', ref, 'config.bin:application/octet-stream'], dir);
    await tool(oras!, ['pull', '--plain-http', '-o', 'out', ref], dir);
    expect((await readFile(join(dir, 'out', 'config.bin'))).equals(content)).toBe(true);
    const subject = (await manifestBytes('oras/art', 'v1')).digest!;
    expect(JSON.parse((await manifestBytes('oras/art', 'v1')).bytes.toString()).artifactType).toBe('application/vnd.ocilab.demo');

    await tool(oras!, ['attach', '--plain-http', '--distribution-spec', 'v1.1-referrers-api', '--artifact-type', 'application/vnd.ocilab.signature', ref, 'sig.txt:text/plain'], dir);
    const discovered = JSON.parse(
      await tool(oras!, ['discover', '--plain-http', '--distribution-spec', 'v1.1-referrers-api', '--format', 'json', ref], dir),
    ) as { referrers?: { artifactType: string; digest: string }[]; manifests?: { artifactType: string }[] };
    const referrers = discovered.referrers ?? discovered.manifests ?? [];
    expect(referrers.map((r) => r.artifactType)).toEqual(['application/vnd.ocilab.signature']);
    // The same answer straight from the referrers API, with the filter applied.
    const res = await fetch(`${registry.url}/v2/oras/art/referrers/${subject}?artifactType=application/vnd.ocilab.signature`);
    expect(res.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    expect(res.headers.get('oci-filters-applied')).toBe('artifactType');
    const index = (await res.json()) as { manifests: { artifactType: string }[] };
    expect(index.manifests).toHaveLength(1);
    expect((await tool(oras!, ['repo', 'tags', '--plain-http', `${host}/oras/art`], dir)).trim().split('\n')).toEqual(['v1']);
  });
});
