/**
 * Hostile or broken scenario files are invalid scenarios (file:line:col, exit 2), never an
 * internal error: alias bombs, undefined aliases, oversized files, deep nesting; and values
 * that can be checked at load (wait patterns, wait `from:` names) are checked at load.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/engine/scenario-load.js';
import { findExcessiveDepth, MAX_SCENARIO_BYTES, MAX_SCENARIO_DEPTH } from '../../src/engine/scenario-limits.js';
import { ensureBuilt } from '../helpers/built-cli.js';
import { runBuiltCliStreams } from '../helpers/run-cli.js';
import { builtinRegistry as registry, errorOf, fileErrorOf, scenarioHead as head } from './load-errors.js';

const step = 'steps:\n  - { id: a, title: A, run: [{ print: hi }] }\n';
const tmp = mkdtempSync(join(tmpdir(), 'ocilab-limits-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Seven levels of nine aliases each: 9^7 ≈ 4.8 million nodes once expanded. */
const laughs =
  `${head}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n` +
  ['b', 'c', 'd', 'e', 'f', 'g'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]\n`).join('') +
  step;

describe('YAML aliases', () => {
  it('an alias bomb is refused where it crosses the limit, before anything is expanded', () => {
    // e (line 10) expands to 66,430 nodes; the second *e of f (line 11, col 12) crosses 100,000
    expect(errorOf(laughs)).toBe('bad.yaml:11:12: aliases expand the document past 100000 nodes (a YAML alias bomb?); write the repeated part out or repeat it less');
  });

  it('an undefined alias names itself and its place', () => {
    expect(errorOf(`${head}steps:\n  - { id: a, title: A, run: [{ print: *nope }] }\n`)).toBe('bad.yaml:7:39: undefined alias *nope: no anchor &nope before it');
  });

  it('an alias before its anchor is undefined too; one after it is fine', () => {
    expect(errorOf(`${head}x: *later\ny: &later 1\n${step}`)).toBe('bad.yaml:6:4: undefined alias *later: no anchor &later before it');
    expect(() => parseScenario(`${head}steps:\n  - &s { id: a, title: A, run: [{ print: hi }] }\n  - { id: b, title: B, run: *r }\n`.replace('run: [{ print: hi }]', 'run: &r [{ print: hi }]'), 'ok.yaml', registry)).not.toThrow();
  });

  it('a scenario cut off in the middle of an anchor is an invalid scenario, not a crash', () => {
    expect(errorOf(`${head}steps:\n  - &st { id: a, title: A, run: [{ print: hi }] }\n  - *st\n  - &tr`)).toMatch(/^bad\.yaml:\d+:\d+: /);
    expect(errorOf(`${head}steps:\n  - &st { id: a, title: A, run: [{ print: *s`)).toMatch(/^bad\.yaml:\d+:\d+: /);
  });
});

describe('size and nesting limits, checked before parsing', () => {
  it(`a file over ${MAX_SCENARIO_BYTES} bytes is refused unread`, () => {
    const big = join(tmp, 'big.yaml');
    writeFileSync(big, `${head}${step}#${'x'.repeat(MAX_SCENARIO_BYTES)}\n`);
    expect(fileErrorOf(big)).toMatch(/^.*big\.yaml:1:1: scenario file is \d+ bytes, over the limit of 1048576 bytes \(1 MiB\)/);
    expect(errorOf(`${head}${step}#${'x'.repeat(MAX_SCENARIO_BYTES)}\n`)).toMatch(/over the limit of 1048576 bytes/);
  });

  it('a device, a FIFO-like endless file or a directory is not read', () => {
    expect(fileErrorOf('/dev/zero')).toBe('/dev/zero:1:1: cannot read scenario: not a regular file');
    const dir = join(tmp, 'dir.yaml');
    mkdirSync(dir);
    expect(fileErrorOf(dir)).toMatch(/dir\.yaml:1:1: cannot read scenario: it is a directory, not a file$/);
  });

  it('deep flow nesting is refused at the bracket that goes too deep', () => {
    const text = `${head}steps: ${'['.repeat(500_000)}\n`;
    expect(errorOf(text)).toBe(`bad.yaml:6:${7 + MAX_SCENARIO_DEPTH}: nested more than ${MAX_SCENARIO_DEPTH} levels deep (mappings and sequences); a scenario needs far fewer`);
  });

  it('deep block nesting (compact `- - -` or indentation) is refused at its line', () => {
    expect(errorOf(`${head}steps:\n${'- '.repeat(200)}x\n`)).toMatch(/^bad\.yaml:7:1: nested more than 64 levels deep/);
    const indented = Array.from({ length: 80 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(errorOf(`${head}${indented} x\n${step}`)).toMatch(/^bad\.yaml:\d+:\d+: nested more than 64 levels deep/);
  });

  it('brackets in quoted strings, comments, plain text and block scalars do not count', () => {
    const many = '['.repeat(200);
    const text = `${head}# ${many}\nsteps:\n  - id: a\n    title: "${many}"\n    say: |\n      ${many}\n      {{{{ ${many}\n    notes: see ${many} here\n    run: [{ print: '${many}' }, { shell: "echo '${many}'" }]\n`;
    expect(findExcessiveDepth(text)).toBeUndefined();
    expect(() => parseScenario(text, 'ok.yaml', registry)).not.toThrow();
  });

  it('every bundled scenario is within the limits', () => {
    const root = join(import.meta.dirname, '../../scenarios');
    for (const name of ['git-vs-oci', 'artifacts', 'cosign-verify', 'helm-oci', 'onboarding', 'hello', 'scale', 'workshop', 'workload-identity']) {
      const text = readFileSync(join(root, `${name}.yaml`), 'utf8');
      expect(findExcessiveDepth(text), name).toBeUndefined();
    }
  });
});

describe('values checked at load', () => {
  const withRun = (run: string) => `${head}steps:\n  - id: a\n    title: A\n    run:\n      - shell: echo ready\n        as: srv\n${run}`;

  it('a wait pattern that is not a regular expression: its file:line:col, before any step runs', () => {
    expect(errorOf(withRun('      - wait: { output: "(unclosed" }\n'))).toBe('bad.yaml:12:25: steps[0].run[1].wait.output: not a valid regular expression: /(unclosed/: Unterminated group');
  });

  it('a wait `from:` that no action sets with `as:`', () => {
    expect(errorOf(withRun('      - wait: { output: ready, from: sever }\n'))).toBe(
      'bad.yaml:12:38: steps[0].run[1].wait.from: no action is named "sever" (set `as: sever` on the action whose output to watch); names set with as: srv',
    );
  });

  it('a name set in a later step or a solve list counts; values with ${…} are left to run time', () => {
    const text = `${head}params: { pat: "x" }\nsteps:\n  - id: a\n    title: A\n    run:\n      - wait: { output: "\${pat}(", from: "\${who}" }\n      - wait: { output: ok, from: later }\n  - id: b\n    title: B\n    solve:\n      - shell: echo ok\n        as: later\n`;
    expect(() => parseScenario(text, 'ok.yaml', registry)).not.toThrow();
  });
});

describe('the CLI', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('an alias bomb and a bad wait pattern exit 2 with file:line:col, no internal error', async () => {
    const bomb = join(tmp, 'bomb.yaml');
    writeFileSync(bomb, laughs);
    const r = await runBuiltCliStreams(['run', bomb, '--plain', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bomb.yaml:11:12: aliases expand the document past 100000 nodes');
    expect(r.stderr).not.toContain('internal error');
    const re = join(tmp, 're.yaml');
    writeFileSync(re, `${head}steps:\n  - id: a\n    title: A\n    run:\n      - shell: echo one\n      - wait: { output: "(unclosed" }\n`);
    const r2 = await runBuiltCliStreams(['run', re, '--plain']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('re.yaml:11:25: steps[0].run[1].wait.output: not a valid regular expression');
    expect(r2.stdout).not.toContain('echo one');
  });
});
