/**
 * artifact.delete's mechanism (deleteTags) against the real distribution registry (v3, the
 * kind target's registry:3): every tag of a repository goes, signature tags included; a
 * repository that does not exist is nothing to do; a registry without storage.delete.enabled
 * answers 405, which is said in words.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciError } from '../../src/oci/errors.js';
import { artifactDelete } from '../../src/oci/actions.js';
import { deleteTags, listArtifacts, pushArtifact, tagArtifact } from '../../src/oci/remote.js';
import { actionContext } from '../helpers/action-context.js';
import { peer } from '../helpers/peers.js';
import { startRegistry, type RunningRegistry } from './registry-peers.js';

const distribution = peer('registry', 'scripts/ci/install-oci.sh');

describe.skipIf(!distribution)('deleteTags on distribution v3', () => {
  let open: RunningRegistry;
  let closed: RunningRegistry;
  let src: string;

  beforeAll(async () => {
    [open, closed] = await Promise.all([startRegistry('registry'), startRegistry('registry', { deleteEnabled: false })]);
    src = await mkdtemp(join(tmpdir(), 'ocilab-delete-tags-'));
    await writeFile(join(src, 'a.yaml'), 'kind: ConfigMap\n');
  }, 30_000);
  afterAll(async () => {
    await Promise.all([open?.stop(), closed?.stop()]);
    await rm(src, { recursive: true, force: true });
  });

  async function pushTwo(host: string): Promise<void> {
    await pushArtifact(`oci://${host}/charts/demo:0.1.0`, { path: src, source: 's', revision: 'r1' });
    await writeFile(join(src, 'a.yaml'), 'kind: ConfigMap\nmetadata: {name: b}\n');
    await pushArtifact(`oci://${host}/charts/demo:0.2.0`, { path: src, source: 's', revision: 'r2' });
    await tagArtifact(`oci://${host}/charts/demo:0.2.0`, 'sha256-0000.sig'); // a second tag on the same manifest
  }

  it('deletes every tag (each manifest once, by digest); the repository then lists none; again: nothing to do', async () => {
    await pushTwo(open.host);
    expect((await listArtifacts(`oci://${open.host}/charts/demo`)).map((a) => a.tag)).toEqual(['0.1.0', '0.2.0', 'sha256-0000.sig']);
    const r = await deleteTags(`oci://${open.host}/charts/demo`);
    expect(r.tags).toEqual(['0.1.0', '0.2.0', 'sha256-0000.sig']);
    expect(r.digests).toHaveLength(2);
    expect(await listArtifacts(`oci://${open.host}/charts/demo`)).toEqual([]);
    expect(await deleteTags(`oci://${open.host}/charts/demo`)).toEqual({ tags: [], digests: [] });
  });

  it('a repository that does not exist: nothing to delete', async () => {
    expect(await deleteTags(`oci://${open.host}/charts/never-pushed`)).toEqual({ tags: [], digests: [] });
  });

  it('a registry that does not allow deletes: REGISTRY_ERROR saying so (HTTP 405), the tags left as they were', async () => {
    await pushTwo(closed.host);
    const err = await deleteTags(`oci://${closed.host}/charts/demo`).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(OciError);
    expect((err as OciError).message).toMatch(/the registry does not allow deletes \(HTTP 405\)/);
    expect((await listArtifacts(`oci://${closed.host}/charts/demo`)).map((a) => a.tag)).toEqual(['0.1.0', '0.2.0', 'sha256-0000.sig']);
  });

  it('artifact.delete: on kind a registry that refuses deletes names the fix; a tag in the url is refused; a run logs what went', async () => {
    const onKind = actionContext(src, { target: 'kind' });
    const refused = await artifactDelete.run({ url: `oci://${closed.host}/charts/demo` }, onKind.ctx);
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/does not allow deletes \(HTTP 405\); ocilab starts kind-registry with deletes allowed: `ocilab cleanup --target kind`/);
    const tagged = await artifactDelete.run({ url: `oci://${open.host}/charts/demo:0.1.0` }, actionContext(src).ctx);
    expect(tagged.message).toMatch(/name the repository .*not a tag or digest/);
    await pushArtifact(`oci://${open.host}/charts/again:0.1.0`, { path: src, source: 's', revision: 'r' });
    const local = actionContext(src);
    expect((await artifactDelete.run({ url: `oci://${open.host}/charts/again` }, local.ctx)).ok).toBe(true);
    expect(local.lines).toContain(`oci://${open.host}/charts/again: deleted 1 manifest(s), tags 0.1.0`);
  });
});
