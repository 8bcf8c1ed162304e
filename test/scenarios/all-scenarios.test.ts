/**
 * Every shipped scenario stays runnable (Instruqt-style track tests):
 * 1. `ocilab run <id> --plain` on the local target exits 0 (built CLI);
 * 2. through the Runner API, in workshop mode: each step with a check fails that check
 *    before the step, and passes after its run (or, when the run alone is a setup the
 *    learner completes, after its solve).
 * A scenario whose step cannot pass fails CI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/actions.js';
import { CleanupRegistry } from '../../src/engine/cleanup.js';
import { loadScenario, shippedScenariosDir } from '../../src/engine/catalog.js';
import { Runner } from '../../src/engine/runner.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const ids = readdirSync(shippedScenariosDir())
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();
/** The targets each scenario declares: one that does not list local is shown skipped, with why. */
const targetsOf = new Map(ids.map((id) => [id, loadScenario(id, buildActionRegistry()).targets]));
const notLocal = (id: string): string | undefined => (targetsOf.get(id)!.includes('local') ? undefined : `skipped: ${id} runs on ${targetsOf.get(id)!.join(', ')} only, not local`);

let home: string;
const saved = { state: process.env.OCILAB_STATE_DIR, config: process.env.OCILAB_CONFIG_DIR };
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'ocilab-all-scenarios-'));
  // Env files and progress go to a temp dir, never the developer's own config.
  process.env.OCILAB_STATE_DIR = join(home, 'state');
  process.env.OCILAB_CONFIG_DIR = join(home, 'config');
});
afterAll(() => {
  if (saved.state === undefined) delete process.env.OCILAB_STATE_DIR;
  else process.env.OCILAB_STATE_DIR = saved.state;
  if (saved.config === undefined) delete process.env.OCILAB_CONFIG_DIR;
  else process.env.OCILAB_CONFIG_DIR = saved.config;
  rmSync(home, { recursive: true, force: true });
});

describe('every shipped scenario', () => {
  it('finds the shipped scenarios', () => {
    expect(ids).toContain('workshop');
  });

  describe.each(ids)('%s', (id) => {
    const skip = notLocal(id);
    it.skipIf(skip)(`runs in --plain mode on the local target (exit 0)${skip ? ` (${skip})` : ''}`, () => {
      expect(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first').toBe(true);
      const env: NodeJS.ProcessEnv = { ...process.env, OCILAB_STATE_DIR: join(home, 'cli-state'), OCILAB_CONFIG_DIR: join(home, 'cli-config') };
      delete env.FORCE_COLOR;
      const r = spawnSync(process.execPath, [cli, 'run', id, '--plain', '--target', 'local'], { env, encoding: 'utf8', timeout: 240_000 });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    }, 250_000);

    it.skipIf(skip)(`each check fails before its step and passes after run or solve${skip ? ` (${skip})` : ''}`, async () => {
      const registry = buildActionRegistry();
      const scenario = loadScenario(id, registry);
      const cleanup = new CleanupRegistry();
      const runner = new Runner({ scenario, registry, cleanup, mode: 'workshop' });
      const messages = new Map<number, string>();
      runner.on((e) => {
        if (e.type === 'step.end' && e.message) messages.set(e.index, e.message);
      });
      try {
        runner.start();
        for (const [i, step] of scenario.steps.entries()) {
          const what = `${id} step ${i + 1} (${step.id})`;
          if (!step.check?.length) {
            const status = await runner.runStep(i, 'run');
            expect(status, `${what}: ${messages.get(i)}`).toBe('passed');
            continue;
          }
          expect(await runner.runStep(i, 'check'), `${what}: its check passed before the step was done`).toBe('failed');
          expect(messages.get(i), `${what}: a failed check says what is wrong`).toMatch(/^check: .{10,}/);
          let status = step.run.length > 0 ? await runner.runStep(i, 'run') : undefined;
          if (status !== 'passed') {
            expect(step.solve, `${what}: the check does not pass after run and there is no solve: ${messages.get(i)}`).toBeDefined();
            status = await runner.runStep(i, 'solve');
            expect(status, `${what}: check after solve: ${messages.get(i)}`).toBe('skipped');
          }
        }
      } finally {
        runner.finish();
        await cleanup.runAll();
      }
    }, 250_000);
  });
});
