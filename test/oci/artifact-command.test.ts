/** `ocilab artifact …` end to end against the distribution registry. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { peer } from '../helpers/peers.js';
import { RegistryClient } from '../../src/oci/client.js';
import { digestOf } from '../../src/oci/digest.js';
import { FLUX_CONFIG_BYTES, fluxManifest } from '../../src/oci/flux-manifest.js';
import * as mt from '../../src/oci/media-types.js';
import { startRegistry, type RunningRegistry } from './registry-peers.js';
import { EXPECTED_FILES, makeSourceTree, readTree } from './tree.js';
import { artifactCli as cli } from './artifact-cli.js';

const hasRegistry = peer('docker-registry', 'scripts/ci/install-oci.sh');

describe.skipIf(!hasRegistry)('ocilab artifact', () => {
  let reg: RunningRegistry;
  let work: string;
  let src: string;
  beforeAll(async () => {
    reg = await startRegistry('docker-registry');
    work = await mkdtemp(join(tmpdir(), 'ocilab-cli-'));
    src = join(work, 'src');
    await makeSourceTree(src);
  });
  afterAll(async () => {
    await reg?.stop();
    await rm(work, { recursive: true, force: true });
  });
  afterEach(() => {
    process.exitCode = 0;
  });

  it('build, push, pull, tag, list', async () => {
    const build = await cli(['build', '--path', src, '--output', join(work, 'a.tgz')]);
    expect(build.code).toBe(0);
    expect(build.out).toMatch(/a\.tgz: 6 files, \d+ bytes, sha256:[0-9a-f]{64}/);
    expect(build.err).toContain('skipped link.yaml');

    const url = `oci://${reg.host}/cli/app:v1`;
    const push = await cli(['push', url, '--path', src, '--source', 'https://github.com/org/repo', '--revision', 'main@sha1:abc', '--annotations', 'team=platform']);
    expect(push.err).toBe('');
    expect(push.out).toMatch(new RegExp(`^oci://${reg.host}/cli/app@sha256:[0-9a-f]{64}\\n$`));
    const digest = push.out.trim().split('@')[1];

    const pushJson = JSON.parse((await cli(['push', url, '--tarball', join(work, 'a.tgz'), '--source', 's', '--revision', 'r', '-o', 'json'])).out);
    expect(pushJson).toMatchObject({ url: expect.stringMatching(/^oci:\/\//), repository: `${reg.host}/cli/app`, tag: 'v1' });

    const pull = await cli(['pull', push.out.trim(), '--output', join(work, 'pulled'), '--json']);
    expect(pull.code).toBe(0);
    const pulled = JSON.parse(pull.out);
    expect(pulled).toMatchObject({ digest, revision: 'main@sha1:abc', files: 6 });
    expect(Object.keys(pulled.timings)).toEqual(['manifestMs', 'layerMs', 'extractMs', 'totalMs']);
    expect(Object.keys(await readTree(join(work, 'pulled')))).toEqual(EXPECTED_FILES);

    const tag = await cli(['tag', `oci://${reg.host}/cli/app@${digest}`, '--tag', 'prod', '--tag', 'stable']);
    expect(tag.out).toContain(`/cli/app:prod → ${digest}`);
    const list = JSON.parse((await cli(['list', `oci://${reg.host}/cli/app`, '-o', 'json'])).out);
    expect(list.map((a: { tag: string }) => a.tag)).toEqual(['prod', 'stable', 'v1']);
    const table = (await cli(['list', `oci://${reg.host}/cli/app`, '--filter-regex', '^s'])).out.trim().split('\n');
    expect(table).toEqual(['ARTIFACT\tDIGEST\tSOURCE\tREVISION', `${reg.host}/cli/app:stable\t${digest}\thttps://github.com/org/repo\tmain@sha1:abc`]);
  });

  it('diff compares contents: a re-encoded layer is not a change, an edited file is', async () => {
    // Push the same files with a different gzip encoding (level 1), as another tool would.
    const built = await readFile(join(work, 'a.tgz'));
    const reencoded = gzipSync(gunzipSync(built), { level: 1 });
    expect(digestOf(reencoded)).not.toBe(digestOf(built));
    const c = new RegistryClient({ registry: reg.host });
    await c.pushBlob('cli/diff', reencoded);
    await c.pushBlob('cli/diff', FLUX_CONFIG_BYTES);
    const manifest = fluxManifest(
      { mediaType: mt.FLUX_CONFIG, digest: digestOf(FLUX_CONFIG_BYTES), size: FLUX_CONFIG_BYTES.length },
      { mediaType: mt.FLUX_CONTENT_TARGZ, digest: digestOf(reencoded), size: reencoded.length }, {});
    await c.putManifest('cli/diff', 'v1', manifest, mt.OCI_MANIFEST);
    await c.close();
    const same = await cli(['diff', `oci://${reg.host}/cli/diff:v1`, '--path', src]);
    expect(same.code).toBe(0);
    expect(same.out).toContain('no changes');
    expect(same.out).toContain('another gzip encoder');

    await writeFile(join(src, 'infra/a.yaml'), 'a: changed\n');
    await writeFile(join(src, 'new.yaml'), 'new\n');
    const changed = await cli(['diff', `oci://${reg.host}/cli/diff:v1`, '--path', src]);
    expect(changed.code).toBe(1);
    expect(changed.out).toBe('+ new.yaml\n~ infra/a.yaml (content)\n');
  });

  it('refuses a password on the command line, reads --creds-stdin', async () => {
    const r = await cli(['list', `oci://${reg.host}/cli/app`, '--creds', 'user:secret']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✗ --creds with a password is refused: .*shell history/);
    const s = await cli(['list', `oci://${reg.host}/cli/app`, '--creds-stdin'], 'user:secret\n');
    expect(s.code).toBe(0);
  });

  it('bad input: clear one-line errors and exit code 1', async () => {
    expect((await cli(['pull', `oci://${reg.host}/Bad/Name:v1`, '-o', join(work, 'x')])).err).toMatch(/✗ invalid OCI reference .*lowercase/);
    expect((await cli(['pull', `oci://${reg.host}/cli/missing:v1`, '-o', join(work, 'x')])).err).toMatch(/✗ .*GET manifest cli\/missing:v1: not found \(HTTP 404\)/);
    const down = await cli(['list', 'oci://127.0.0.1:1/cli/app', '--timeout', '2s']);
    expect(down).toMatchObject({ code: 1 });
    expect(down.err).toMatch(/✗ 127\.0\.0\.1:1: list tags of cli\/app: cannot reach http:\/\/127\.0\.0\.1:1/);
  });
});
