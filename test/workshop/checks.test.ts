/**
 * A learner's wrong action gets a check message that says what to fix: real pushes to the
 * embedded registry, then the workshop checks, asserting on the exact sentence.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushArtifact, tagArtifact } from '../../src/oci/remote.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { checkArtifact } from '../../src/workshop/checks.js';

let registry: RegistryHandle;
let dir: string;
const rev = 'main@sha1:' + 'a'.repeat(40);
const src = 'http://127.0.0.1:1/small.git';

beforeAll(async () => {
  registry = await startRegistry();
  dir = mkdtempSync(join(tmpdir(), 'ocilab-checks-'));
  mkdirSync(join(dir, 'fleet', 'apps'), { recursive: true });
  writeFileSync(join(dir, 'fleet', 'kustomization.yaml'), 'resources: [apps]\n');
  writeFileSync(join(dir, 'fleet', 'apps', 'a.yaml'), 'kind: ConfigMap\n');
});
afterAll(async () => {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

const url = (repoTag: string) => `oci://${registry.hostPort}/${repoTag}`;

describe('workshop checks after a wrong action', () => {
  it('nothing pushed yet', async () => {
    const r = await checkArtifact({ url: url('fleet:v1') });
    expect(r).toEqual({ ok: false, message: `${url('fleet:v1')} does not exist: nothing has been pushed to ${registry.hostPort} yet` });
  });

  it('pushed to the wrong repository', async () => {
    await pushArtifact(url('flet:v1'), { path: join(dir, 'fleet'), source: src, revision: rev });
    const r = await checkArtifact({ url: url('fleet:v1') });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toBe(`${url('fleet:v1')} does not exist: the registry has no repository fleet; it has flet (check the path after the host)`);
  });

  it('pushed with the wrong tag', async () => {
    await pushArtifact(url('fleet:v2'), { path: join(dir, 'fleet'), source: src, revision: rev });
    const r = await checkArtifact({ url: url('fleet:v1') });
    expect(!r.ok && r.message).toBe(`${url('fleet:v1')} does not exist: fleet has the tag(s) v2 but no v1`);
  });

  it('pushed with the wrong revision', async () => {
    const pushed = await pushArtifact(url('fleet:v1'), { path: join(dir, 'fleet'), source: src, revision: 'main/abc' });
    const r = await checkArtifact({ url: url('fleet:v1'), revision: rev });
    expect(!r.ok && r.message).toBe(
      `the tag v1 exists (digest ${pushed.digest.slice(0, 19)}…) but its revision is "main/abc"; expected "${rev}" (--revision ${rev})`,
    );
  });

  it('pushed the parent directory (content has no kustomization.yaml at its root)', async () => {
    const pushed = await pushArtifact(url('fleet:v1'), { path: dir, source: src, revision: rev });
    const r = await checkArtifact({ url: url('fleet:v1'), revision: rev, files: ['kustomization.yaml'], scratch: dir });
    expect(!r.ok && r.message).toBe(
      `the tag v1 exists (digest ${pushed.digest.slice(0, 19)}…) but its content has no kustomization.yaml (its top level: fleet): --path must be the directory holding them`,
    );
  });

  it('pushed twice instead of tagging: the tags differ', async () => {
    // A second push at a later time: a new created annotation, so a new digest.
    const v1 = await pushArtifact(url('fleet:v1'), { path: join(dir, 'fleet'), source: src, revision: rev, created: '2026-01-01T10:00:00Z' });
    const latest = await pushArtifact(url('fleet:latest'), { path: join(dir, 'fleet'), source: src, revision: rev, created: '2026-01-01T10:00:01Z' });
    expect(latest.digest).not.toBe(v1.digest);
    const r = await checkArtifact({ url: url('fleet:latest'), sameAs: 'v1' });
    expect(!r.ok && r.message).toBe(
      `the tag latest exists (digest ${latest.digest.slice(0, 19)}…) but v1 is ${v1.digest.slice(0, 19)}…: the two tags point at different artifacts (tag v1 again, do not push a second time)`,
    );
    await tagArtifact(url('fleet:v1'), 'latest');
    const ok = await checkArtifact({ url: url('fleet:latest'), sameAs: 'v1', revision: rev, files: ['kustomization.yaml', 'apps/a.yaml'], scratch: dir });
    expect(ok.ok).toBe(true);
  });
});
