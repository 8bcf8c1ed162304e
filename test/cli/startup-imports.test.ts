/**
 * `ocilab --help` / `--version` and the commands that run no scenario must not import the
 * heavy areas at start-up (the Kubernetes client alone is ~0.8 s of CPU; all of them made
 * `ocilab --version` cost 2 s). A resolve hook records every package the built CLI loads.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The packages under node_modules the CLI resolved for these arguments. */
function packagesLoaded(args: string[]): Set<string> {
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, builtCli, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  expect(r.status, r.stderr).toBe(0);
  const pkgs = new Set<string>();
  for (const line of r.stderr.split('\n')) {
    const m = /^RESOLVED .*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
    if (m) pkgs.add(m[1]!);
  }
  return pkgs;
}

const HEAVY = ['@kubernetes/client-node', 'undici', 'ink', 'react', 'sigstore', '@sigstore/verify', 'tar'];

describe('start-up imports', () => {
  it.each([[['--version']], [['--help']], [['artifact', '--help']], [['cosign', 'verify', '--help']], [['bench', '--help']]])('%j loads none of the heavy packages', (args) => {
    const loaded = packagesLoaded(args);
    expect(loaded.has('commander'), 'the hook saw the CLI load commander').toBe(true);
    expect(HEAVY.filter((p) => loaded.has(p))).toEqual([]);
  });
});
