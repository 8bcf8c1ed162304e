/**
 * Two runs in one process at the same time, each with its own registry, Git servers,
 * reconciler and target: neither sees the other's. Both serve the same repositories
 * directory (`git.serve {dir}`) and both bring up the local target; each must get servers of
 * its own, hear only its own reconciler's events, and keep working after the other run's
 * cleanup unwound.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/actions.js';
import { CleanupRegistry } from '../../src/engine/cleanup.js';
import type { RunEvent } from '../../src/engine/events.js';
import { Runner } from '../../src/engine/runner.js';
import { loadScenarioFile } from '../../src/engine/scenario-load.js';
import type { Scenario } from '../../src/engine/scenario-schema.js';
import { createFixture, PRESETS } from '../../src/git/fixtures/index.js';
import { peer } from '../helpers/peers.js';

const hasGit = peer('git', 'apt-get install git');

const SCENARIO = `id: two-runs
title: One run of two
summary: A registry, a Git server on a shared directory, the local target and two sources.
targets: [local]
budget: 5m
params:
  name: alpha
  repos: ""
steps:
  - id: up
    title: Registry and Git server
    run:
      - registry.start: {}
      - fixtures.create: { preset: tiny, dir: "\${repos}" }
      - git.serve: { dir: "\${repos}" }
  - id: sources
    title: One source through reconcile.*, one through the target
    run:
      - reconcile.apply:
          yaml: |
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: { name: "\${name}", namespace: flux-system }
            spec: { interval: 10m, url: "\${git.repo.url}", ref: { branch: main } }
      - reconcile.wait: { timeout: 60s }
      - target.up: {}
      - flux.apply: { kind: GitRepository, name: "\${name}-t", url: "\${git.repo.url}", branch: main, interval: 10m }
      - flux.wait: { kind: GitRepository, name: "\${name}-t", timeout: 60s }
  - id: again
    title: Still served after the other run is gone
    run:
      - registry.stats: {}
      - reconcile.expect: { name: "\${name}", reconcile: true, conditions: { Ready: { status: "True" } }, timeout: 60s }
`;

interface Run {
  runner: Runner;
  cleanup: CleanupRegistry;
  lines: string[];
  events: RunEvent[];
}

describe.skipIf(!hasGit)('two runners in one process', () => {
  let dir: string;
  let scenario: Scenario;
  const registry = buildActionRegistry();
  const runs: Run[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocilab-two-runs-test-'));
    await writeFile(join(dir, 'two-runs.yaml'), SCENARIO);
    scenario = loadScenarioFile(join(dir, 'two-runs.yaml'), registry);
    // The shared repositories, made once (each run's fixtures.create then reuses them).
    await createFixture(PRESETS.tiny, { dir: join(dir, 'repos'), force: false });
  });

  afterAll(async () => {
    for (const r of runs) await r.cleanup.runAll();
    await rm(dir, { recursive: true, force: true });
  });

  const newRun = (name: string): Run => {
    const cleanup = new CleanupRegistry();
    const runner = new Runner({ scenario, registry, cleanup, mode: 'workshop', params: { name, repos: join(dir, 'repos') } });
    const run: Run = { runner, cleanup, lines: [], events: [] };
    runner.on((e) => {
      run.events.push(e);
      if (e.type === 'output') run.lines.push(e.line);
    });
    runs.push(run);
    return run;
  };
  it('each run has its own registry, Git server, reconciler and target, and outlives the other', async () => {
    const a = newRun('alpha');
    const b = newRun('bravo');
    const stepOk = async (r: Run, index: number) => {
      const status = await r.runner.runStep(index, 'run');
      const end = r.events.filter((e) => e.type === 'step.end').at(-1);
      expect(status, `${r.runner.vars.name} step ${index}: ${end?.type === 'step.end' ? end.message : ''}\n${r.lines.slice(-8).join('\n')}`).toBe('passed');
    };
    a.runner.start();
    b.runner.start();
    // One after the other, so a server the first run started is there for the second to (wrongly) share.
    await stepOk(a, 0);
    await stepOk(b, 0);
    await Promise.all([stepOk(a, 1), stepOk(b, 1)]);

    const va = a.runner.vars;
    const vb = b.runner.vars;
    expect(va['registry.url']).not.toBe(vb['registry.url']);
    expect(va['git.repo.url']).not.toBe(vb['git.repo.url']);
    expect(va['git.url']).not.toBe(vb['git.url']);
    expect(va['registry.host']).not.toBe(vb['registry.host']);
    for (const [mine, theirs] of [
      [a, 'bravo'],
      [b, 'alpha'],
    ] as const) {
      const name = mine.runner.vars.name!;
      // Its own reconciler's events, for both its sources, and none of the other run's.
      expect(mine.lines.some((l) => l.startsWith(`GitRepository/${name} `)), mine.lines.join('\n')).toBe(true);
      expect(mine.lines.some((l) => l.startsWith(`GitRepository/${name}-t `)), mine.lines.join('\n')).toBe(true);
      expect(mine.lines.filter((l) => l.includes(theirs))).toEqual([]);
      // Its own Git server's requests (the fetches of its reconciler) in its own output.
      expect(mine.lines.some((l) => /^POST \/tiny\.git\/git-upload-pack .*→ 200/.test(l)), mine.lines.join('\n')).toBe(true);
    }

    // The first run ends and its cleanup unwinds: its servers and reconciler stop, not the second run's.
    a.runner.finish();
    expect(await a.cleanup.runAll()).toEqual([]);
    const before = b.lines.length;
    await stepOk(b, 2);
    expect(b.lines.slice(before).some((l) => /^POST \/tiny\.git\/git-upload-pack .*→ 200/.test(l)), b.lines.join('\n')).toBe(true);
    expect(b.runner.finish()).toBe('passed');
  });
});
