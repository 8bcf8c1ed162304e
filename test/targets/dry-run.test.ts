/**
 * `--dry-run` of a small scenario (target.up + flux.apply + flux.wait + flux.reconcile) on
 * the kind target: the printed plan is the golden file, and no docker/kind command runs
 * (the FAKE tools log every call; only the read-only `flux version --client` probe may run).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ClusterOwnership } from '../../src/kind/ownership.js';
import { Plan } from '../../src/kube/plan.js';
import { KindTarget } from '../../src/targets/kind.js';
import { ClusterTarget } from '../../src/targets/cluster.js';
import { fakeRunner } from '../kind/helpers.js';
import { installFakeTools } from '../fakes/fake-tools.js';
import { KUBECONFIG } from '../kube/capture.js';
import { addFakeFlux, fixture, runScenarioFile } from './helpers.js';

const GOLDEN = (name: string) => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));

async function compareGolden(name: string, text: string): Promise<void> {
  if (process.env.UPDATE_GOLDEN === '1') await writeFile(GOLDEN(name), text);
  expect(text).toBe(await readFile(GOLDEN(name), 'utf8'));
}

describe('ocilab run --dry-run (plans, golden)', () => {
  it('kind: registry, cluster, hosts.toml, Flux install, objects, wait and reconcile, nothing run', async () => {
    const fakes = await installFakeTools();
    await addFakeFlux(fakes);
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-targets-plan-'));
    try {
      const plan = new Plan();
      const target = new KindTarget({
        plan,
        engine: 'docker',
        runner: fakeRunner(fakes),
        ownership: new ClusterOwnership(join(dir, 'owned.json')),
        cacheDir: join(dir, 'cache'),
        configPath: 'cluster/kind-config.yaml',
      });
      let out = '';
      const { status } = await runScenarioFile(fixture('oci-delivery.yaml'), 'kind', target, plan, (t) => (out += t));
      expect(status).toBe('passed');
      const calls = await fakes.commandLines();
      expect(calls).toEqual(['flux version --client']);
      expect(out).toContain('$ flux install --context=kind-ocilab --components=source-controller,kustomize-controller,helm-controller');
      expect(out).toContain('action shell: echo "would push to localhost:5001/ocilab/demo:latest"');
      await compareGolden('kind-oci-delivery.plan.txt', out);
    } finally {
      await fakes.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('cluster: refuses to install Flux without --install-flux, and plans it with consent', async () => {
    const fakes = await installFakeTools();
    await addFakeFlux(fakes);
    const kubeconfigPath = join(fakes.dir, 'kubeconfig');
    await writeFile(kubeconfigPath, KUBECONFIG.replaceAll('kind-ocilab', 'workshop'));
    try {
      const plan = new Plan();
      const refusing = new ClusterTarget({ plan, kubeconfigPath, namespace: 'ocilab-ada', registryUrl: 'ghcr.io/ada/ocilab', runner: fakeRunner(fakes) });
      const refused = await runScenarioFile(fixture('oci-delivery.yaml'), 'cluster', refusing, plan);
      expect(refused.status).toBe('failed');
      const end = refused.events.find((e) => e.type === 'step.end');
      expect(end?.type === 'step.end' && end.message).toMatch(/Flux is not ready on context .*--install-flux/);

      const plan2 = new Plan();
      const consenting = new ClusterTarget({ plan: plan2, kubeconfigPath, context: 'workshop', namespace: 'ocilab-ada', registryUrl: 'ghcr.io/ada/ocilab', installFlux: true, runner: fakeRunner(fakes) });
      let out = '';
      const ok = await runScenarioFile(fixture('oci-delivery.yaml'), 'cluster', consenting, plan2, (t) => (out += t));
      expect(ok.status).toBe('passed');
      await compareGolden('cluster-oci-delivery.plan.txt', out.replaceAll(kubeconfigPath, '<kubeconfig>'));
    } finally {
      await fakes.remove();
    }
  });
});
