/**
 * Former action names (and argument spellings) still load, as the current action, each with a
 * file:line:col warning naming what to write instead; `ocilab run` prints them on stderr.
 */
import { describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/actions.js';
import { warnAboutFormerNames } from '../../src/commands/run.js';
import { parseScenario, ScenarioLoadError } from '../../src/engine/scenario-load.js';

const registry = buildActionRegistry();

const head = `id: demo
title: Demo
summary: A demo.
targets: [local]
budget: 5m
steps:
  - id: a
    title: A
`;

describe('former action names', () => {
  it('reconcile.apply/wait/expect load as flux.apply/wait/expect, each warned at its key', () => {
    const s = parseScenario(
      `${head}    run:
      - reconcile.apply: sources/app.yaml
      - reconcile.wait: { kind: OCIRepository, name: app }
    check:
      - reconcile.expect: { kind: OCIRepository, name: app, conditions: { Ready: { status: "True" } } }
`,
      'old.yaml',
      registry,
    );
    expect(s.steps[0]!.run).toEqual([
      { 'flux.apply': { file: 'sources/app.yaml' } },
      // reconcile.wait's default timeout and its measurement label are kept.
      { 'flux.wait': { kind: 'OCIRepository', name: 'app', timeout: '60s', method: 'OCIRepository reconcile', for: 'Ready', expect: 'success' } },
    ]);
    expect(Object.keys(s.steps[0]!.check![0]!)).toEqual(['flux.expect']);
    expect(s.warnings).toEqual([
      'old.yaml:10:9: steps[0].run[0].reconcile.apply: reconcile.apply is now flux.apply: write `flux.apply` (the old name still loads, with this warning)',
      'old.yaml:11:9: steps[0].run[1].reconcile.wait: reconcile.wait is now flux.wait: write `flux.wait` (the old name still loads, with this warning)',
      'old.yaml:13:9: steps[0].check[0].reconcile.expect: reconcile.expect is now flux.expect: write `flux.expect` (the old name still loads, with this warning)',
    ]);
    let err = '';
    warnAboutFormerNames(s, { write: (t: string) => ((err += t), true) } as Pick<NodeJS.WriteStream, 'write'>);
    expect(err.split('\n')[0]).toBe('ocilab: warning: old.yaml:10:9: steps[0].run[0].reconcile.apply: reconcile.apply is now flux.apply: write `flux.apply` (the old name still loads, with this warning)');
  });

  it('a step run twice through a YAML alias is rewritten and warned once', () => {
    const s = parseScenario(`${head}    run: &x\n      - reconcile.expect: { kind: GitRepository, name: fleet }\n    solve: *x\n`, 'alias.yaml', registry);
    expect(Object.keys(s.steps[0]!.run[0]!)).toEqual(['flux.expect']);
    expect(Object.keys(s.steps[0]!.solve![0]!)).toEqual(['flux.expect']);
    expect(s.warnings).toHaveLength(1);
  });

  it('old arguments that the new action does not take fail as its arguments would, after the warning', () => {
    // reconcile.wait found the source from the last reconcile.apply; flux.wait names it.
    expect(() => parseScenario(`${head}    run:\n      - reconcile.wait: { timeout: 30s }\n`, 'old.yaml', registry)).toThrow(ScenarioLoadError);
  });

  it('a scenario with current names has no warnings', () => {
    const s = parseScenario(`${head}    run:\n      - flux.wait: { kind: OCIRepository, name: app }\n`, 'new.yaml', registry);
    expect(s.warnings).toBeUndefined();
  });
});

describe('former argument spellings: one per concept (insecure, url)', () => {
  it('plainHttp/ref/repository/remote load as insecure/url, each warned at its key', () => {
    const s = parseScenario(
      `${head}    run:
      - helm.list: { repository: "oci://h/charts/app", plainHttp: true }
      - cosign.sign:
          ref: h/app:v1
      - tamper.replace-layer: { ref: "h/app@sha256:${'a'.repeat(64)}", path: out }
`,
      'args.yaml',
      registry,
    );
    expect(s.steps[0]!.run[0]).toEqual({ 'helm.list': { url: 'oci://h/charts/app', insecure: true } });
    expect(s.steps[0]!.run[1]).toMatchObject({ 'cosign.sign': { url: 'h/app:v1' } });
    expect(s.steps[0]!.run[2]).toMatchObject({ 'tamper.replace-layer': { url: `h/app@sha256:${'a'.repeat(64)}`, path: 'out' } });
    expect(s.warnings).toEqual([
      'args.yaml:10:22: steps[0].run[0].helm.list.repository: helm.list: the argument repository is now url: write `url` (the old spelling still loads, with this warning)',
      'args.yaml:10:56: steps[0].run[0].helm.list.plainHttp: helm.list: the argument plainHttp is now insecure: write `insecure` (the old spelling still loads, with this warning)',
      'args.yaml:12:11: steps[0].run[1].cosign.sign.ref: cosign.sign: the argument ref is now url: write `url` (the old spelling still loads, with this warning)',
      'args.yaml:13:33: steps[0].run[2].tamper.replace-layer.ref: tamper.replace-layer: the argument ref is now url: write `url` (the old spelling still loads, with this warning)',
    ]);
  });

  it('both spellings at once: the old one is an unknown argument, not silently dropped', () => {
    expect(() => parseScenario(`${head}    run:\n      - helm.list: { url: "oci://h/a", repository: "oci://h/b" }\n`, 'both.yaml', registry)).toThrow(/repository/);
  });
});

describe('one timeout per action', () => {
  it('a waiting action takes its timeout as an argument: the modifier loads as the argument, with a warning', () => {
    const s = parseScenario(`${head}    run:\n      - flux.wait: { kind: OCIRepository, name: app }\n        timeout: 30s\n`, 't.yaml', registry);
    expect(s.steps[0]!.run[0]).toEqual({ 'flux.wait': { kind: 'OCIRepository', name: 'app', timeout: '30s', for: 'Ready', expect: 'success' } });
    expect(s.warnings).toEqual(['t.yaml:11:9: steps[0].run[0].timeout: flux.wait takes its timeout as an argument: write it inside `flux.wait: { …, timeout: 30s }` (it still loads, with this warning)']);
  });

  it('both at once is refused, naming the modifier', () => {
    expect(() => parseScenario(`${head}    run:\n      - flux.expect: { kind: OCIRepository, name: app, timeout: 10s }\n        timeout: 30s\n`, 't.yaml', registry)).toThrow(/t\.yaml:11:9: .*timeout/);
  });

  it('other actions keep the modifier; flux.measure and flux.scale name their per-reconcile and per-batch limits apart', () => {
    expect(parseScenario(`${head}    run:\n      - shell: "true"\n        timeout: 5s\n`, 't.yaml', registry).steps[0]!.run[0]).toEqual({ shell: 'true', timeout: '5s' });
    const s = parseScenario(`${head}    run:\n      - flux.scale: { count: 2, gitUrl: "http://h/r.git", ociUrl: "oci://h/r", timeout: 1m }\n`, 't.yaml', registry);
    expect(s.steps[0]!.run[0]!['flux.scale']).toMatchObject({ batchTimeout: '1m' });
    expect(s.warnings?.[0]).toMatch(/flux\.scale: the argument timeout is now batchTimeout/);
  });
});
