/**
 * ocilab as a package: `npm pack` (its prepack builds dist/ when stale and writes
 * npm-shrinkwrap.json from package-lock.json) holds what runs and nothing else, and
 * `npm install -g` of the tarball into a temp prefix gives an `ocilab` that runs the shipped
 * scenarios from an unrelated directory (scenarios and cluster files are found from the
 * package, not the cwd).
 *
 * Dependencies: from the npm cache `npm ci` filled (--offline), else from the registry
 * (--prefer-offline), each install bounded in time. Without a registry and outside CI the
 * install tests skip, saying why; in CI they fail. npm reads a shrinkwrap only in a package
 * from a registry (pacote flags it from the registry's metadata), not in a local tarball, so
 * `npm install -g ./ocilab-*.tgz` resolves the ranges of package.json; what pins the versions
 * of package-lock.json is checked with `npm ci --omit=dev` in the unpacked tarball.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from '../helpers/built-cli.js';

let tmp: string;
let tarball: string;
let files: string[];

/** The environment without the npm_config_* an outer `npm test` sets (prefix, global, ...). */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, NO_COLOR: '1', ...extra };
}

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: cleanEnv(), ...opts });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: `${String(r.stderr ?? '')}${timedOut ? `\n(stopped after ${opts.timeout} ms)` : ''}` };
}

/**
 * The machine's global npmrc (registry, cafile), found before any --prefix: npm looks for it
 * in <prefix>/etc/npmrc, so an install into a temp prefix would otherwise lose it (seen: a
 * cafile in /usr/etc/npmrc, and SELF_SIGNED_CERT_IN_CHAIN retried until the time ran out).
 */
let globalNpmrc: string | undefined;
function machineNpmrc(): string {
  if (globalNpmrc === undefined) {
    const r = run('npm', ['config', 'get', 'globalconfig'], { cwd: repoRoot });
    expect(r.status, r.stderr).toBe(0);
    globalNpmrc = r.stdout.trim();
  }
  return globalNpmrc;
}

/** Each npm install may take this long (a cold cache on a busy 2-core machine: ~1 min). */
const INSTALL_MS = 240_000;

/**
 * `npm <args>`: from the cache (--offline), else from the registry (--prefer-offline). Returns
 * undefined when it worked, else why not: a failure in CI, a reason to skip elsewhere.
 */
function npmInstall(args: string[], cwd: string): string | undefined {
  const common = ['--no-audit', '--no-fund', '--globalconfig', machineNpmrc()];
  const offline = run('npm', [...args, '--offline', ...common], { cwd, timeout: INSTALL_MS });
  if (offline.status === 0) return undefined;
  const online = run('npm', [...args, '--prefer-offline', ...common], { cwd, timeout: INSTALL_MS });
  if (online.status === 0) return undefined;
  const why = `npm ${args.join(' ')} failed from the cache and from the registry: ${online.stderr.trim().split('\n').slice(-3).join(' ')}`;
  expect(process.env.CI, why).toBeFalsy();
  return why;
}

const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean; devOptional?: boolean; optional?: boolean; link?: boolean }>;
};

/** package-lock.json's runtime packages that `root` has at another version (or lacks). */
function offLock(root: string): string[] {
  const off: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev || entry.devOptional || entry.link) continue;
    const file = join(root, path, 'package.json');
    if (!existsSync(file)) {
      if (!entry.optional) off.push(`${path}: missing`);
      continue;
    }
    const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version: string };
    if (version !== entry.version) off.push(`${path}: ${version}, locked ${entry.version}`);
  }
  return off;
}

beforeAll(() => {
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'ocilab-pack-'));
  const r = run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: repoRoot });
  expect(r.status, r.stderr).toBe(0);
  const [info] = JSON.parse(r.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = join(tmp, info.filename);
  files = info.files.map((f) => f.path);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm pack', () => {
  it('holds dist/, scenarios/, cluster/, package.json, README.md and npm-shrinkwrap.json, and nothing else', () => {
    const outside = files.filter((f) => !/^(dist|scenarios|cluster)\//.test(f) && !['package.json', 'README.md', 'npm-shrinkwrap.json'].includes(f));
    expect(outside).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['dist/cli.js', 'scenarios/hello.yaml', 'scenarios/git-vs-oci.yaml', 'cluster/kind-config.yaml', 'package.json']));
    expect(files.filter((f) => f.endsWith('.map')), 'source maps point at src/, which is not shipped').toEqual([]);
  });
});

describe('the dependency versions', () => {
  let unpacked: string;
  let problem: string | undefined;

  beforeAll(() => {
    unpacked = join(tmp, 'unpacked');
    mkdirSync(unpacked);
    const x = run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
    expect(x.status, x.stderr).toBe(0);
    problem = npmInstall(['ci', '--omit=dev'], unpacked);
  }, 2 * INSTALL_MS + 10_000);

  it('the tarball ships package-lock.json as its npm-shrinkwrap.json', () => {
    expect(readFileSync(join(unpacked, 'npm-shrinkwrap.json'), 'utf8')).toBe(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));
    expect(existsSync(join(repoRoot, 'npm-shrinkwrap.json')), 'postpack removed the copy').toBe(false);
  });

  it('npm ci --omit=dev in the unpacked tarball installs exactly the locked versions, no dev dependency', (ctx) => {
    if (problem) ctx.skip(problem);
    const ls = run('npm', ['ls', '--omit=dev', '--all'], { cwd: unpacked });
    expect(ls.status, `${ls.stdout.slice(-2000)}\n${ls.stderr}`).toBe(0);
    expect(offLock(unpacked)).toEqual([]);
    for (const dev of ['vitest', 'typescript', 'tsx']) expect(existsSync(join(unpacked, 'node_modules', dev)), dev).toBe(false);
  });
});

describe('npm install -g of the tarball', () => {
  let prefix: string;
  let elsewhere: string;
  let problem: string | undefined;

  beforeAll(() => {
    prefix = join(tmp, 'prefix');
    elsewhere = join(tmp, 'elsewhere');
    mkdirSync(prefix);
    mkdirSync(elsewhere);
    problem = npmInstall(['install', '-g', tarball, '--prefix', prefix], tmp);
  }, 2 * INSTALL_MS + 10_000);

  const ocilab = (args: string[]) => run(join(prefix, 'bin', 'ocilab'), args, { cwd: elsewhere, env: cleanEnv({ CI: 'true' }) });

  it('ocilab run hello --plain passes from an unrelated directory', (ctx) => {
    if (problem) ctx.skip(problem);
    const r = ocilab(['run', 'hello', '--plain']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/run hello passed in /);
  }, 120_000);

  it('ocilab run git-vs-oci --plain --param preset=tiny passes from an unrelated directory', (ctx) => {
    if (problem) ctx.skip(problem);
    const r = ocilab(['run', 'git-vs-oci', '--plain', '--param', 'preset=tiny']);
    expect(r.status, `${r.stdout.slice(-2000)}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/run git-vs-oci passed in /);
    expect(readdirSync(elsewhere), 'it wrote nothing into the cwd').toEqual([]);
  }, 600_000);
});
