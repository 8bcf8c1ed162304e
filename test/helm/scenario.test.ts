/**
 * The shipped helm-oci scenario on the local target, through the Runner: every step's check
 * fails before the step and passes after its solve (the workshop property), and the run ends
 * with the signed 0.2.0 served after the unsigned one was refused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/all-actions.js';
import { loadScenario } from '../../src/engine/catalog.js';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import type { RunEvent } from '../../src/engine/events.js';
import { Runner } from '../../src/engine/runner.js';

describe('helm-oci workshop track', () => {
  const cleanup = new CleanupRegistry();
  afterAll(async () => {
    await cleanup.runAll();
  });

  it('each check fails before its step and passes after it; unsigned refused, signed taken', async () => {
    const registry = buildActionRegistry();
    const scenario = loadScenario('helm-oci', registry);
    const runner = new Runner({ scenario, registry, cleanup, mode: 'workshop' });
    const messages: Record<number, string | undefined> = {};
    const output: { index: number; line: string }[] = [];
    runner.on((e: RunEvent) => {
      if (e.type === 'step.end') messages[e.index] = e.message;
      if (e.type === 'output') output.push({ index: e.index, line: e.line });
    });
    runner.start();
    for (const [i, step] of scenario.steps.entries()) {
      expect(step.say && step.notes && step.show && step.hint, `${step.id} has say, notes, show and hint`).toBeTruthy();
      if (step.id === 'release') {
        // The HelmRelease needs a cluster: on local every action is skipped, with the reason printed.
        expect(await runner.runStep(i, 'solve'), 'release: skipped actions pass').not.toBe('failed');
        continue;
      }
      expect(await runner.runStep(i, 'check'), `${step.id}: check before the step`).toBe('failed');
      expect(messages[i], `${step.id}: the failed check says what is wrong`).toMatch(/^check: .{10,}/);
      expect(await runner.runStep(i, 'solve'), `${step.id}: solve then check (${messages[i]})`).toBe('skipped');
    }
    const at = (id: string) => scenario.steps.findIndex((s) => s.id === id);
    const lines = (id: string) => output.filter((o) => o.index === at(id)).map((o) => o.line).join('\n');
    expect(lines('inspect')).toContain('needs a cluster');
    expect(lines('unsigned')).toMatch(/Warning VerificationError: .*the artifact is not signed/);
    expect(runner.vars['flux.podinfo-lite.revision']).toMatch(/^0\.1\.0@sha256:/);
    expect(lines('release')).toMatch(/skipped on the local target: flux\.apply HelmRelease\/podinfo-lite runs on kind, cluster only; the local target has no Kubernetes/);
    expect(lines('flux')).toMatch(/skipped on the local target: flux\.apply helm-oci\/helm-chart\.yaml runs on kind, cluster only/);
    expect(lines('recover')).toMatch(/revision 0\.2\.0@sha256:[0-9a-f]{64} {2}ready True/);
  }, 180_000);
});
