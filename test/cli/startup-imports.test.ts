/**
 * Which command may load which heavy module at start-up: a verb loads what it uses and nothing
 * else (the Kubernetes client alone is ~0.5 s of CPU; Ink ~0.5 s; the action registry pulls in
 * every area). A resolve hook records every module the built CLI loads; each case runs the
 * verb for real (against 127.0.0.1:1, where nothing listens, for the registry clients).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';
import { builtCli, ensureBuilt } from '../helpers/built-cli.js';

let dir: string;
let register: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ocilab-imports-'));
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  process.stderr.write('RESOLVED ' + r.url + '\\n');
  return r;
}\n`,
  );
  register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  mkdirSync(join(dir, 'content'));
  writeFileSync(join(dir, 'content', 'a.yaml'), 'a: 1\n');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Loaded {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Packages under node_modules, node: builtins by URL (node:http), and "the action registry" when dist/all-actions.js was loaded. */
  modules: Set<string>;
}

const REGISTRY = 'the action registry';

/** Runs the built CLI with the hook; `until` (a stdout pattern) then SIGINT, for servers. */
function load(args: string[], opts: { env?: NodeJS.ProcessEnv; until?: RegExp } = {}): Promise<Loaded> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(register).href, builtCli, ...args], {
      cwd: dir,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (opts.until?.test(stdout)) child.kill('SIGINT');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const modules = new Set<string>();
      for (const line of stderr.split('\n')) {
        const m = /^RESOLVED .*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
        if (m) modules.add(m[1]!);
        const builtin = /^RESOLVED (node:[\w/]+)$/.exec(line);
        if (builtin) modules.add(builtin[1]!);
        if (/^RESOLVED .*\/dist\/all-actions\.js$/.test(line)) modules.add(REGISTRY);
      }
      resolve({ status, stdout, stderr: stderr.split('\n').filter((l) => !l.startsWith('RESOLVED ')).join('\n'), modules });
    });
  });
}

const INK = ['ink', 'react'];
const KUBE = ['@kubernetes/client-node'];
const SIGSTORE = ['sigstore', '@sigstore/verify', '@sigstore/bundle', '@sigstore/core', '@sigstore/protobuf-specs'];
/** cosign.key's cipher (nacl secretbox): to write or open a private key. */
const CIPHER = ['@noble/ciphers'];
/** An HTTP library from node_modules: the registry client speaks HTTP with node:http/https (src/oci/http.ts). */
const HTTP_LIBRARY = ['undici'];
const ARCHIVE = ['tar'];
/** What building an artifact adds: gitignore patterns (--ignore-paths). */
const BUILD = ['ignore'];
const SCENARIOS = ['yaml', 'zod'];
const EVERYTHING = [...INK, ...KUBE, ...SIGSTORE, ...CIPHER, ...HTTP_LIBRARY, ...ARCHIVE, ...BUILD, ...SCENARIOS, REGISTRY];

/** The heavy modules `loaded` has that are not in `allowed`. */
function beyond(loaded: Set<string>, allowed: string[]): string[] {
  return EVERYTHING.filter((m) => loaded.has(m) && !allowed.includes(m));
}

const NOWHERE = 'oci://127.0.0.1:1/demo';
const DIGEST = `sha256:${'0'.repeat(64)}`;

describe('start-up imports', () => {
  it('--version and --help load none of the heavy modules', async () => {
    for (const args of [['--version'], ['-v'], ['--help'], ['help']]) {
      const r = await load(args);
      expect(r.status, r.stderr).toBe(0);
      expect(r.modules.has('commander'), 'the hook saw the CLI load commander').toBe(true);
      expect(beyond(r.modules, []), args.join(' ')).toEqual([]);
    }
  });

  it('the help of every command and subcommand loads none of them', async () => {
    const cases: string[][] = [];
    for (const entry of COMMANDS) {
      const command: Command = await entry.load();
      cases.push([entry.name, '--help'], ['help', entry.name]);
      for (const sub of command.commands) cases.push([entry.name, sub.name(), '--help']);
    }
    const failures: string[] = [];
    // Two at a time: the machine has two cores.
    for (let i = 0; i < cases.length; i += 2) {
      const results = await Promise.all(cases.slice(i, i + 2).map(async (args) => [args, await load(args)] as const));
      for (const [args, r] of results) {
        if (r.status !== 0) failures.push(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
        const extra = beyond(r.modules, []);
        if (extra.length > 0) failures.push(`${args.join(' ')}: loads ${extra.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('list shows the scenarios the build validated without YAML, zod, the action registry, Ink or any client', async () => {
    // (a shipped file changed after the build is validated by list itself: test/engine/catalog-index.test.ts)
    const r = await load(['list']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('hello\n');
    expect(beyond(r.modules, [])).toEqual([]);
  });

  it.each([
    // push packs a tarball (tar's header encoder, gitignore patterns), pull extracts one (tar's parser)
    [['artifact', 'push', `${NOWHERE}:v1`, '--path', 'content', '--source', 'src', '--revision', 'main@sha1:0'], [...ARCHIVE, ...BUILD]],
    [['artifact', 'pull', `${NOWHERE}:v1`, '-o', 'out'], ARCHIVE],
    [['artifact', 'diff', `${NOWHERE}:v1`, '--path', 'content'], [...ARCHIVE, ...BUILD]],
    // tag and list move manifests only: no archive code
    [['artifact', 'tag', `${NOWHERE}:v1`, '--tag', 'v2'], []],
    [['artifact', 'list', NOWHERE], []],
  ])('%j loads the registry client (on node:http) and what the verb uses, no HTTP library, Kubernetes client, Ink, sigstore or action registry', async (args, allowed) => {
    const r = await load(args);
    expect(r.stderr, 'it ran as far as the registry').toMatch(/127\.0\.0\.1:1|ECONNREFUSED|connect/i);
    expect(r.modules.has('node:http'), 'it loaded its HTTP client').toBe(true);
    expect(beyond(r.modules, allowed)).toEqual([]);
  });

  it('artifact build packs a tarball without the registry client', async () => {
    const r = await load(['artifact', 'build', '--path', 'content', '-o', join(dir, 'built.tgz')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.modules.has('tar'), 'it loaded the tar header encoder').toBe(true);
    expect(beyond(r.modules, [...ARCHIVE, ...BUILD])).toEqual([]);
  });

  it('cosign sign loads the registry client (on node:http) and the key cipher; verify the registry client, and sigstore only for a bundle', async () => {
    const keys = join(dir, 'keys');
    mkdirSync(keys);
    const env = { COSIGN_PASSWORD: 'test-password' };
    const gen = await load(['cosign', 'generate-key-pair', '--dir', keys], { env });
    expect(gen.status, gen.stderr).toBe(0);
    expect(beyond(gen.modules, CIPHER)).toEqual([]);
    for (const [args, allowed] of [
      [['cosign', 'sign', '--key', join(keys, 'cosign.key'), `${NOWHERE.slice('oci://'.length)}@${DIGEST}`], CIPHER],
      // no bundle found (nothing answers): the bundle verifier is never needed
      [['cosign', 'verify', '--key', join(keys, 'cosign.pub'), `${NOWHERE.slice('oci://'.length)}@${DIGEST}`], []],
    ] as const) {
      const r = await load([...args], { env });
      expect(r.status, r.stderr).not.toBe(0);
      expect(r.stderr, 'it ran as far as the registry').toMatch(/127\.0\.0\.1:1|ECONNREFUSED|connect/i);
      expect(r.modules.has('node:http'), 'it loaded its HTTP client').toBe(true);
      expect(beyond(r.modules, [...allowed]), args[1]).toEqual([]);
    }
  }, 60_000);

  it('registry serve is ready without any client, Ink or the action registry', async () => {
    const r = await load(['registry', 'serve', '--port', '0'], { until: /registry listening on http:\/\/127\.0\.0\.1:\d+/ });
    expect(r.stdout).toMatch(/registry listening on/);
    expect(beyond(r.modules, [])).toEqual([]);
  });

  it('run --plain loads the action registry and the scenario loader, not Ink', async () => {
    const r = await load(['run', 'hello', '--plain']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.modules.has(REGISTRY)).toBe(true);
    expect(INK.filter((m) => r.modules.has(m))).toEqual([]);
  });
});
