/**
 * ocilab as a package: `npm pack` (its prepack builds dist/ when stale) holds what runs and
 * nothing else, and `npm install -g` of the tarball into a temp prefix gives an `ocilab` that
 * runs the shipped scenarios from an unrelated directory (scenarios and cluster files are
 * found from the package, not the cwd).
 *
 * Dependencies: tarballs come from the npm cache `npm ci` filled (--prefer-offline); npm still
 * asks the registry for their metadata, which `npm ci` does not cache.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
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
  it('holds dist/, scenarios/, cluster/, package.json and README.md, and nothing else', () => {
    const outside = files.filter((f) => !/^(dist|scenarios|cluster)\//.test(f) && !['package.json', 'README.md'].includes(f));
    expect(outside).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['dist/cli.js', 'scenarios/hello.yaml', 'scenarios/git-vs-oci.yaml', 'cluster/kind-config.yaml', 'package.json']));
    expect(files.filter((f) => f.endsWith('.map')), 'source maps point at src/, which is not shipped').toEqual([]);
  });
});

describe('npm install -g of the tarball', () => {
  let prefix: string;
  let elsewhere: string;

  beforeAll(() => {
    prefix = join(tmp, 'prefix');
    elsewhere = join(tmp, 'elsewhere');
    mkdirSync(prefix);
    mkdirSync(elsewhere);
    const r = run('npm', ['install', '-g', tarball, '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: tmp });
    expect(r.status, r.stderr).toBe(0);
  }, 300_000);

  const ocilab = (args: string[]) => run(join(prefix, 'bin', 'ocilab'), args, { cwd: elsewhere, env: cleanEnv({ CI: 'true' }) });

  it('ocilab run hello --plain passes from an unrelated directory', () => {
    const r = ocilab(['run', 'hello', '--plain']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/run hello passed in /);
  }, 120_000);

  it('ocilab run git-vs-oci --plain --param preset=tiny passes from an unrelated directory', () => {
    const r = ocilab(['run', 'git-vs-oci', '--plain', '--param', 'preset=tiny']);
    expect(r.status, `${r.stdout.slice(-2000)}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/run git-vs-oci passed in /);
    expect(readdirSync(elsewhere), 'it wrote nothing into the cwd').toEqual([]);
  }, 600_000);
});
