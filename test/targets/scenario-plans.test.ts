/**
 * Golden `--dry-run` plans of the two talk scenarios, git-vs-oci and cosign-verify, and helm-oci, on the
 * kind target (FAKE docker/kind/flux: only `flux version --client` may run) and on the
 * cluster target (a kubeconfig nothing answers: no request leaves). Every command, object,
 * reconcile request and watch a real run would make, step by step; nothing is touched.
 * Regenerate: UPDATE_GOLDEN=1 npx vitest run test/targets/scenario-plans.test.ts
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ClusterOwnership } from '../../src/kind/ownership.js';
import { Plan } from '../../src/kube/plan.js';
import { ClusterTarget } from '../../src/targets/cluster.js';
import { KindTarget } from '../../src/targets/kind.js';
import { installFakeTools } from '../fakes/fake-tools.js';
import { fakeRunner } from '../kind/helpers.js';
import { KUBECONFIG } from '../kube/capture.js';
import { addFakeFlux, runScenarioFile } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const GOLDEN = (name: string) => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
const scenario = (id: string) => join(root, 'scenarios', `${id}.yaml`);

/** Machine-specific paths out: the run's temp dir and this checkout. */
function normalise(text: string, extra: Record<string, string> = {}): string {
  let out = text.replace(/\/[^\s"']*\/ocilab-(git-vs-oci|cosign-verify|helm-oci)-[A-Za-z0-9]{6}/g, '<workDir>').replaceAll(root, '<repo>');
  for (const [from, to] of Object.entries(extra)) out = out.replaceAll(from, to);
  return out;
}

async function compareGolden(name: string, text: string): Promise<void> {
  if (process.env.UPDATE_GOLDEN === '1') await writeFile(GOLDEN(name), text);
  expect(text).toBe(await readFile(GOLDEN(name), 'utf8'));
}

describe.each(['git-vs-oci', 'cosign-verify', 'helm-oci'])('ocilab run %s --dry-run (golden plans)', (id) => {
  it('kind: bring-up, ocilab Git server on the kind gateway, every object, reconcile and watch; nothing run', async () => {
    const fakes = await installFakeTools();
    await addFakeFlux(fakes);
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-scenario-plan-'));
    try {
      const plan = new Plan();
      const started: unknown[] = [];
      const target = new KindTarget({
        plan,
        engine: 'docker',
        runner: fakeRunner(fakes),
        ownership: new ClusterOwnership(join(dir, 'owned.json')),
        cacheDir: join(dir, 'cache'),
        configPath: 'cluster/kind-config.yaml',
        // A dry-run binds nothing: the Git server is planned, never started.
        startGitServer: async (o) => {
          started.push(o);
          throw new Error('a dry-run must not start a Git server');
        },
      });
      let out = '';
      const { status } = await runScenarioFile(scenario(id), 'kind', target, plan, (t) => (out += t));
      expect(started).toEqual([]);
      expect(await fakes.commandLines()).toEqual(['flux version --client']);
      expect(out).not.toMatch(/this step would fail/);
      expect(status).toBe('passed');
      expect(out).toContain('ocilab Git server on the kind network gateway');
      expect(out).toMatch(/kind: OCIRepository[\s\S]*url: oci:\/\/kind-registry:5000\//);
      await compareGolden(`kind-${id}.plan.txt`, normalise(out));
    } finally {
      await fakes.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('cluster: Flux install with consent, the attendee namespace, git push to --git-url, every object; nothing sent', async () => {
    const fakes = await installFakeTools();
    await addFakeFlux(fakes);
    const kubeconfigPath = join(fakes.dir, 'kubeconfig');
    await writeFile(kubeconfigPath, KUBECONFIG.replaceAll('kind-ocilab', 'workshop'));
    try {
      const plan = new Plan();
      const target = new ClusterTarget({
        plan,
        kubeconfigPath,
        context: 'workshop',
        namespace: 'ocilab-ada',
        registryUrl: 'ghcr.io/ada/ocilab',
        gitUrl: 'https://git.example.com/ada',
        installFlux: true,
        runner: fakeRunner(fakes),
      });
      let out = '';
      const { status } = await runScenarioFile(scenario(id), 'cluster', target, plan, (t) => (out += t));
      expect(out).not.toMatch(/this step would fail/);
      expect(status).toBe('passed');
      expect(out).toMatch(/namespace: ocilab-ada/);
      await compareGolden(`cluster-${id}.plan.txt`, normalise(out, { [kubeconfigPath]: '<kubeconfig>' }));
    } finally {
      await fakes.remove();
    }
  });
});
