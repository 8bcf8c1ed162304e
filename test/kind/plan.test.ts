/**
 * A whole kind-target bring-up in dry-run: kind/docker commands and API requests land in one
 * Plan, in order, and nothing runs. The golden file shows what a scenario's plan looks like.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { demoFluxObjects } from '../../src/flux/demo.js';
import { FLUX_CONTROLLER_IMAGES } from '../../src/kind/images.js';
import { ClusterOwnership } from '../../src/kind/ownership.js';
import { ensureKindWithRegistry, loadImagesIntoKind } from '../../src/kind/setup.js';
import { applyAll, applyObject } from '../../src/kube/apply.js';
import { Plan } from '../../src/kube/plan.js';
import { reconcileAndWait } from '../../src/kube/reconcile.js';
import { refOf } from '../../src/kube/resources.js';
import { capturingClient } from '../kube/capture.js';
import { installFakeTools } from '../fakes/fake-tools.js';
import { tools } from './helpers.js';

const GOLDEN = fileURLToPath(new URL('./golden/kind-up.plan.txt', import.meta.url));

describe('dry-run plan of a kind bring-up', () => {
  it('matches the golden plan and executes nothing', async () => {
    const fakes = await installFakeTools();
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-plan-'));
    try {
      const plan = new Plan();
      const { kind, engine } = tools(fakes, 'docker', plan);
      const kube = capturingClient(plan); // would throw on any real request
      const setup = await ensureKindWithRegistry(kind, engine, {
        clusterName: 'ocilab',
        configPath: 'cluster/kind-config.yaml',
        ownership: new ClusterOwnership(join(dir, 'owned.json')),
      });
      await loadImagesIntoKind(kind, engine, 'ocilab', FLUX_CONTROLLER_IMAGES);
      await applyObject(kube, setup.configMap);
      const { oci, ociKustomization } = demoFluxObjects();
      await applyAll(kube, [oci, ociKustomization]);
      await reconcileAndWait(kube, refOf(oci), { timeoutMs: 1000, token: '2026-11-27T18:00:00Z' });

      expect(await fakes.invocations()).toEqual([]);
      if (process.env.UPDATE_GOLDEN === '1') await writeFile(GOLDEN, plan.toText() + '\n');
      expect(plan.toText() + '\n').toBe(await readFile(GOLDEN, 'utf8'));
    } finally {
      await fakes.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
