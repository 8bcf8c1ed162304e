/** The built CLI (dist/cli.js) as a user runs it: exit codes, output, signals, no orphans. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/all-actions.js';
import { isAlive } from '../../src/process/spawn.js';
import { ensureBuilt } from '../helpers/built-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'dist/cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'ocilab-cli-test-'));

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function ocilab(args: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function scenarioFile(name: string, steps: string): string {
  const file = join(tmp, name);
  writeFileSync(file, `id: ${name.replace(/\.yaml$/, '')}\ntitle: T\nsummary: test\ntargets: [local]\nbudget: 1m\nsteps:\n${steps}`);
  return file;
}

describe('ocilab CLI', () => {
  it('--help lists the commands and the exit codes, exit 0', async () => {
    const r = await ocilab(['--help']);
    expect(r.code).toBe(0);
    for (const text of ['run [options] [scenario]', 'list', 'doctor', 'Exit codes:', '130  interrupted']) expect(r.stdout).toContain(text);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const r = await ocilab(['--version']);
    expect([r.code, r.stdout.trim()]).toEqual([0, pkg.version]);
  });

  it('list shows each shipped scenario with title, targets and budget', async () => {
    const r = await ocilab(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hello\n  Hello, ocilab\n  targets: local, kind, cluster; budget 2m; 3 steps\n');
  });

  it('list --actions --json names every registered action', async () => {
    const r = await ocilab(['list', '--actions', '--json']);
    expect(r.code).toBe(0);
    const names = (JSON.parse(r.stdout) as { name: string }[]).map((a) => a.name);
    expect(names).toEqual(buildActionRegistry().names());
    expect(names).toEqual(expect.arrayContaining(['print', 'shell', 'wait']));
  });

  it('run hello --plain passes with timestamped lines, exit 0', async () => {
    const r = await ocilab(['run', 'hello', '--plain', '--param', 'greeting=bonjour']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} run hello: Hello, ocilab \(3 steps, target local, mode present, budget 2m, greeting=bonjour\)$/m);
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {3}\| bonjour from ocilab$/m);
    expect(r.stdout).toMatch(/run hello passed in /);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('--work-dir keeps the run\'s files in a new directory, and refuses a non-empty one without touching it', async () => {
    const file = scenarioFile('keep-files.yaml', '  - id: one\n    title: One\n    budget: 30s\n    run:\n      - shell: echo measured > report.txt\n');
    const dir = join(tmp, 'kept', 'run1');
    const r = await ocilab(['run', file, '--plain', '--work-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toBe('measured\n');
    expect(r.stderr).toContain(`the run's files are kept in ${dir}`);
    const again = await ocilab(['run', file, '--plain', '--work-dir', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--work-dir .*run1: not empty \(1 entries\)/);
    expect(again.stdout).toBe('');
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toBe('measured\n');
  });

  it('FORCE_COLOR=1 colours the plain output, NO_COLOR alone does not', async () => {
    const r = await ocilab(['run', 'hello', '--plain'], { NO_COLOR: undefined, FORCE_COLOR: '1' });
    expect(r.stdout).toMatch(/\x1b\[/);
  });

  it('defaults NODE_ENV to production for itself, not for the processes a step runs', async () => {
    const file = scenarioFile('node-env.yaml', '  - { id: a, title: A, run: [{ shell: "echo NODE_ENV=${NODE_ENV:-unset}" }] }\n');
    const unset = await ocilab(['run', file, '--plain'], { NODE_ENV: undefined, VITEST: undefined });
    expect(unset.code).toBe(0);
    expect(unset.stdout).toContain('| NODE_ENV=unset');
    const given = await ocilab(['run', file, '--plain'], { NODE_ENV: 'development', VITEST: undefined });
    expect(given.stdout).toContain('| NODE_ENV=development');
  });

  it('a failing step exits 1 and says why', async () => {
    const file = scenarioFile('fails.yaml', '  - { id: a, title: A, run: [{ shell: "exit 7" }] }\n  - { id: b, title: B, run: [{ print: never }] }\n');
    const r = await ocilab(['run', file, '--plain']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[1/2] a FAILED in');
    expect(r.stdout).toContain('command exited with code 7: exit 7');
    expect(r.stdout).not.toContain('never');
  });

  it('a failing optional step is reported and the run goes on, exit 0', async () => {
    const file = scenarioFile('optional.yaml', '  - { id: a, title: A, optional: true, run: [{ shell: "exit 7" }] }\n  - { id: b, title: B, run: [{ print: after }] }\n');
    const r = await ocilab(['run', file, '--plain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[1/2] a FAILED (optional) in');
    expect(r.stdout).toContain('optional step failed, continuing');
    expect(r.stdout).toContain('· after');
    expect(r.stdout).toMatch(/run optional passed in .*, 1 optional step failed$/m);
  });

  it('an invalid scenario exits 2 with file:line:col, and nothing runs', async () => {
    const file = scenarioFile('invalid.yaml', '  - id: a\n    title: A\n    run:\n      - shell: "touch ran"\n      - shel: oops\n');
    const r = await ocilab(['run', file, '--plain']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ocilab: invalid scenario, nothing was run:\n${file}:11:9: steps[0].run[1].shel: unknown action "shel" (known: ${buildActionRegistry().names().join(', ')})\n`);
    expect(r.stdout).toBe('');
  });

  it.each([
    [['run', 'no-such-scenario'], 'ocilab: unknown scenario "no-such-scenario"'],
    [['run', 'hello', '--from-step', '9'], 'ocilab: --from-step 9: no such step in hello (1=greet, 2=write-file, 3=serve)'],
    [['run', 'hello', '--param', 'colour=red'], 'ocilab: unknown param "colour" for scenario hello (params: greeting)'],
    [['run', 'hello', '--mode', 'karaoke'], "argument 'karaoke' is invalid"],
    [['lsit'], 'ocilab: unknown scenario "lsit": not a shipped id ('],
  ])('bad usage %j exits 2', async (args, message) => {
    const r = await ocilab(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('--from-step catches up earlier steps by their solve', async () => {
    const r = await ocilab(['run', 'hello', '--plain', '--from-step', 'serve']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[2/3] write-file Write a file in the run\'s work dir (skipping: solve)');
    expect(r.stdout).toContain('[2/3] write-file skipped in');
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s mid-step exits %i and leaves no child process', async (signal, code) => {
    const file = scenarioFile(`slow-${signal.toLowerCase()}.yaml`, '  - { id: a, title: A, run: [{ shell: "sleep 60 & echo child $!; echo leader $$; wait" }] }\n');
    const child = spawn(process.execPath, [cli, 'run', file, '--plain'], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    await expect.poll(() => /leader \d+/.test(stdout), { timeout: 10_000 }).toBe(true);
    const pids = [...stdout.matchAll(/(?:child|leader) (\d+)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    expect(pids.every(isAlive)).toBe(true);
    child.kill(signal);
    expect(await closed).toBe(code);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(stdout).toContain('run slow-');
    expect(stdout).toMatch(/\[1\/1\] a interrupted in .*: interrupted$/m);
    expect(stdout).toMatch(/run slow-\S+ interrupted in/);
  });

  it('output cut off mid-run (`| head`): cleanup unwinds and the exit code is 1, not 0', async () => {
    const file = scenarioFile(
      'epipe.yaml',
      '  - { id: a, title: A, run: [{ shell: "echo leader $$; sleep 0.3; for i in $(seq 50); do echo line $i; done; sleep 60" }] }\n',
    );
    const child = spawn(process.execPath, [cli, 'run', file, '--plain'], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    const leader = await new Promise<number>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /leader (\d+)/.exec(stdout);
        if (m) {
          child.stdout.destroy(); // the reader goes away, like `head` after its lines
          resolve(Number(m[1]));
        }
      });
    });
    expect(await closed).toBe(1);
    expect(isAlive(leader)).toBe(false);
  });

  it('doctor reports each target and exits by the local target', async () => {
    const r = await ocilab(['doctor', '--json']);
    const reports = JSON.parse(r.stdout) as { target: string; ready: boolean; missing: string[] }[];
    expect(reports.map((x) => x.target)).toEqual(['local', 'kind', 'cluster']);
    const local = reports[0]!;
    expect(r.code).toBe(local.ready ? 0 : 1);
    // git is a prerequisite of the test machine, node is running this test.
    expect(local).toMatchObject({ ready: true, missing: [] });
    const text = await ocilab(['doctor', '--target', 'local']);
    expect(text.stdout).toMatch(/^local: ready\n {2}ok node: \d+\.\d+\.\d+: runs ocilab/);
  });
});
