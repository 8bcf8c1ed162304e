import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guarded, readScenarioFile, scenarioPath } from '../../src/engine/action-helpers.js';
import { OciError } from '../../src/oci/errors.js';
import { TargetError } from '../../src/targets/target.js';

describe('shared action helpers', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocilab-helpers-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('scenarioPath: relative paths resolve against the scenario folder, absolute ones stay', () => {
    expect(scenarioPath({ scenarioDir: '/s/dir' }, 'keys/cosign.pub')).toBe('/s/dir/keys/cosign.pub');
    expect(scenarioPath({ scenarioDir: '/s/dir' }, '../shared/a.yaml')).toBe('/s/shared/a.yaml');
    expect(scenarioPath({ scenarioDir: '/s/dir' }, '/etc/ocilab/a.yaml')).toBe('/etc/ocilab/a.yaml');
  });

  it('guarded: any error, whatever its class, is a failed step with its message', async () => {
    for (const err of [new OciError('NOT_FOUND', 'oci://x: not found'), new TargetError('no registry on this target'), new Error('plain'), 'a string']) {
      expect(await guarded(() => Promise.reject(err))).toEqual({ ok: false, message: err instanceof Error ? err.message : err });
    }
    expect(await guarded(async () => ({ ok: true }))).toEqual({ ok: true });
  });

  it('readScenarioFile: the scenario\'s interpolation rules, errors naming the action and file', async () => {
    await writeFile(join(dir, 'a.yaml'), 'url: ${registry.url}\nkeep: $${registry.url}\npostBuild: ${cluster_env}\n');
    const ctx = { scenarioDir: dir, vars: { 'registry.url': 'oci://127.0.0.1:5000' } };
    expect(await readScenarioFile(ctx, 'a.yaml', 'flux.apply')).toEqual({
      path: join(dir, 'a.yaml'),
      text: 'url: oci://127.0.0.1:5000\nkeep: ${registry.url}\npostBuild: ${cluster_env}\n',
    });
    await writeFile(join(dir, 'typo.yaml'), 'url: ${registry.ulr}\n');
    await expect(readScenarioFile(ctx, 'typo.yaml', 'flux.apply')).rejects.toThrow(`flux.apply: ${join(dir, 'typo.yaml')}: unknown variable \${registry.ulr} (set so far: registry.url)`);
    await expect(readScenarioFile(ctx, 'missing.yaml', 'reconcile.apply')).rejects.toThrow(`reconcile.apply: cannot read ${join(dir, 'missing.yaml')}: ENOENT`);
  });
});
