import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAction } from '../../src/engine/action-definition.js';
import { plainReporter } from '../../src/plain/reporter.js';
import { makeRunner } from './helpers.js';

describe('shell action', () => {
  it('passes env, runs in the work dir by default or in cwd, and accepts an expected exit code', async () => {
    const dir = realpathSync(mkdtempSync(`${tmpdir()}/ocilab-cwd-`));
    const t = makeRunner(`  - id: a
    title: A
    run:
      - shell: { command: 'echo "$GREETING"', env: { GREETING: "hi there" } }
      - shell: 'test "$PWD" = "$OCILAB_WORKDIR" && echo in-workdir'
      - shell: { command: pwd, cwd: "${dir}" }
      - shell: { command: "exit 3", exit: 3 }
`);
    expect(await t.runner.runAll()).toBe('passed');
    expect(t.lines()).toEqual(['hi there', 'in-workdir', dir]);
    await t.cleanup.runAll();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('plain reporter', () => {
  it('prints timestamped lines and repeats the measurements at the end', async () => {
    const measure = defineAction({
      name: 'test.measure',
      description: 'reports one figure',
      args: z.strictObject({}),
      async run(_a, ctx) {
        ctx.report({ method: 'oci pull', metric: 'wall_ms', value: 42, method_note: 'single run' });
        return { ok: true };
      },
    });
    const t = makeRunner(`  - { id: a, title: A, run: [{ shell: "echo out; echo err >&2" }] }\n  - { id: b, title: B, run: [{ test.measure: {} }] }\n`, {
      extraActions: [measure],
    });
    let out = '';
    t.runner.on(plainReporter({ write: (s) => (out += s), color: false }));
    expect(await t.runner.runAll()).toBe('passed');
    const lines = out.trimEnd().split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d{3} /, ''));
    expect(lines).toEqual([
      'run t: T (2 steps, target local, mode present, budget 1m)',
      '[1/2] a A',
      '  $ shell: echo out; echo err >&2',
      expect.stringMatching(/^ {2}[|!] (out|err)$/),
      expect.stringMatching(/^ {2}[|!] (out|err)$/),
      expect.stringMatching(/^\[1\/2\] a passed in \d+ms$/),
      '[2/2] b B',
      '  $ test.measure: {}',
      '  # oci pull wall_ms = 42 ms (single run)',
      expect.stringMatching(/^\[2\/2\] b passed in \d+ms$/),
      expect.stringMatching(/^run t passed in \d+ms \(budget 1m\)$/),
      'measurements (1):',
      '  b: oci pull wall_ms = 42 ms (single run)',
    ]);
    await t.cleanup.runAll();
  });
});
