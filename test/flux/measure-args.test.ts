/** flux.measure's arguments as a scenario writes them, and where it runs (skipped / refused elsewhere). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TargetName } from '../../src/engine/action-definition.js';
import { fluxActions } from '../../src/flux/actions.js';
import { fluxMeasure } from '../../src/flux/measure-action.js';
import { actionContext } from '../helpers/action-context.js';

async function runOn(target: TargetName, args: Record<string, unknown>) {
  const workDir = await mkdtemp(join(tmpdir(), 'ocilab-flux-measure-'));
  const { ctx, lines, measurements: measured } = actionContext(workDir, { target });
  try {
    const result = await fluxMeasure.run(fluxMeasure.args.parse(args), ctx);
    return { result, lines, measured };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

describe('flux.measure', () => {
  it('is registered with the target actions', () => {
    expect(fluxActions.map((a) => a.name)).toContain('flux.measure');
  });

  it('takes runs as the scenario param string; defaults to both talk sources', () => {
    expect(fluxMeasure.args.parse({ runs: '10', metricsUrl: '' })).toMatchObject({
      runs: 10,
      sources: [
        { kind: 'GitRepository', name: 'fleet-git' },
        { kind: 'OCIRepository', name: 'fleet-oci' },
      ],
      reconcileTimeout: '2m',
      report: [],
    });
  });

  it('refuses bad runs, unknown kinds and stray keys with what is wrong', () => {
    expect(() => fluxMeasure.args.parse({ runs: '0' })).toThrow(/runs must be at least 1/);
    expect(() => fluxMeasure.args.parse({ runs: 'three' })).toThrow(/runs must be a whole number/);
    expect(() => fluxMeasure.args.parse({ sources: [{ kind: 'Kustomization', name: 'x' }] })).toThrow(/GitRepository|OCIRepository/);
    expect(() => fluxMeasure.args.parse({ run: 3 })).toThrow(/run/);
  });

  it('with targets: [kind, cluster] it is skipped on local, saying why; without, local is refused', async () => {
    const skipped = await runOn('local', { targets: ['kind', 'cluster'] });
    expect(skipped.result).toEqual({ ok: true });
    expect(skipped.lines.join('\n')).toMatch(/skipped on the local target: flux.measure \(in-cluster measurements\) runs on kind, cluster only/);
    expect(skipped.measured).toEqual([]);
    const refused = await runOn('local', {});
    expect(refused.result).toMatchObject({ ok: false, message: expect.stringMatching(/measures Flux controllers in a cluster: run it with --target kind or cluster/) });
  });
});
