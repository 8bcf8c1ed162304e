/**
 * The git-vs-oci talk scenario, end to end on the local target through the built CLI
 * (dist/cli.js), with the small preset to stay fast: real Git server, registry, local
 * reconciler and measurements. Also: the file loads, and a wrong preset fails at run time.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/all-actions.js';
import { loadScenarioFile } from '../../src/engine/scenario-load.js';
import { ensureBuilt } from '../helpers/built-cli.js';
import { runBuiltCli as run } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const file = join(root, 'scenarios/git-vs-oci.yaml');

beforeAll(() => ensureBuilt(), 120_000);

describe('git-vs-oci scenario', () => {
  it('loads: thirteen steps, each with say, show, notes and a check', () => {
    const s = loadScenarioFile(file, buildActionRegistry());
    expect(s.steps.map((x) => x.id)).toEqual([
      'what-is-gitops', 'servers', 'fleet-repo', 'from-git', 'from-oci', 'side-by-side', 'fleet', 'fleet-measured', 'change',
      'registry-outage', 'registry-back', 'git-outage', 'git-back',
    ]);
    for (const step of s.steps) {
      expect(step.say, step.id).toBeTruthy();
      expect(step.notes, step.id).toBeTruthy();
      expect(step.show, step.id).toBeTruthy();
    }
    for (const step of s.steps.slice(1)) expect(step.check?.length, step.id).toBeGreaterThan(0);
    // The param reference survives validation, so --param preset=... takes effect at run time.
    expect(JSON.stringify(s.steps[1]!.run)).toContain('${preset}');
  });

  it('runs on the local target with the small preset and prints the comparison and the projection', async () => {
    const r = await run(['run', 'git-vs-oci', '--target', 'local', '--plain', '--param', 'preset=small', '--param', 'clusters=500'], 170_000);
    expect(r.out).toMatch(/run git-vs-oci passed/);
    expect(r.code).toBe(0);
    // the comparison table, one row per method
    expect(r.out).toMatch(/method\s+client\s+runs\s+wall median/);
    for (const id of ['git.cli.full', 'git.cli.shallow', 'git.cli.sparse', 'git.cli.ls-remote', 'oci.ocilab.pull', 'oci.ocilab.head']) expect(r.out).toContain(id);
    // both servers' request logs reached the run
    expect(r.out).toMatch(/POST \/small\.git\/git-upload-pack git-upload-pack \(fetch\) → 200/);
    expect(r.out).toMatch(/HEAD \/v2\/fleet\/small\/manifests\/latest 200/);
    // the projection, from this run's medians
    expect(r.out).toMatch(/500 clusters, every 1 min, 2 changes\/hour/);
    expect(r.out).toMatch(/OCI \(HEAD \+ pull\)\s+\S+ req\/s/);
    // step 8, the measured fleet: off by default, and it says how to turn it on
    expect(r.out).toContain('fleet: off (clusters 0), nothing measured; --param fleet=200 runs 200 simulated clusters per transport');
    expect(r.out).toMatch(/fleet\.md[\s\S]*fleet: off/);
    // step 9: both sources picked up the change
    expect(r.out).toMatch(/GitRepository at main@sha1:[0-9a-f]{40}; OCIRepository at latest@sha256:[0-9a-f]{64}, built from that commit/);
  }, 180_000);

  it('a preset that does not exist fails at run time with the valid choices', async () => {
    const r = await run(['run', 'git-vs-oci', '--target', 'local', '--plain', '--param', 'preset=huge'], 60_000);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/fixtures\.create: invalid arguments after interpolation/);
  }, 70_000);
});
