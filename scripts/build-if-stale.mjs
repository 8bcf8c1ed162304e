/**
 * Compiles src/ to dist/ only when dist/cli.js is missing or older than a file under src/.
 * Shared by `npm start` (scripts/start.mjs), `npm run build` (--force) and the tests that run
 * the built CLI, so a start without changes costs no compile (a full `tsc` takes 10–40 s on a
 * 2-core machine).
 *
 * The compile never writes into dist/ in place: tsc writes each file by truncating it first,
 * and a running ocilab that imports a module late (scenarios/git-vs-oci/project.mjs loads
 * dist/measure/projection.js at step 7) read an empty file and failed ("costFromResult is not
 * a function", exit 1). tsc compiles into a sibling directory that then replaces dist/ whole,
 * and one build runs at a time (a lock directory), so parallel test workers do not compile twice.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));
export const builtCli = join(repoRoot, 'dist/cli.js');
const distDir = join(repoRoot, 'dist');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function mtimeOrZero(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** True when dist/ needs a compile (missing, or older than src/, package.json or the tsconfigs). */
export function isStale() {
  const built = mtimeOrZero(builtCli);
  const inputs = Math.max(
    newestMtime(join(repoRoot, 'src')),
    mtimeOrZero(join(repoRoot, 'tsconfig.json')),
    mtimeOrZero(join(repoRoot, 'tsconfig.build.json')),
  );
  return built === 0 || built < inputs;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs `fn` holding `<dir>.lock` (a directory: mkdir is atomic). Waits while another process
 * holds it; a lock older than `staleMs` is left over from a killed build and is taken over.
 */
export function withLock(dir, fn, { staleMs = 10 * 60_000, waitMs = 15 * 60_000, pollMs = 200 } = {}) {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const since = mtimeOrZero(lock);
      if (since > 0 && Date.now() - since > staleMs) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} is still held after ${Math.round(waitMs / 1000)} s: another build is running (remove the directory if none is)`);
      sleep(pollMs);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds `dir` anew: `compile(staging)` writes a sibling directory, which then takes the
 * place of `dir` by two renames, so a reader finds either the old tree or the new one, every
 * file whole; never a file being written. A failed compile leaves `dir` as it was.
 */
export function replaceAtomically(dir, compile) {
  const staging = `${dir}.building-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    compile(staging);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  const hadOld = mtimeOrZero(dir) > 0;
  if (hadOld) renameSync(dir, old);
  renameSync(staging, dir);
  if (hadOld) rmSync(old, { recursive: true, force: true });
}

function compileDist(outDir) {
  execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  // `ocilab list` without YAML or zod: the shipped scenarios validated now, by this build's
  // loader (src/engine/catalog-index.ts; a file changed later is validated by list itself).
  writeIndex(outDir);
}

/** Runs `outDir`'s catalog indexer: writes list's index to `out` (default: beside that build's engine). */
function writeIndex(outDir, out) {
  const indexer = pathToFileURL(join(outDir, 'engine/catalog-index.js')).href;
  const args = out === undefined ? '' : JSON.stringify(out);
  execFileSync(process.execPath, ['--input-type=module', '-e', `await (await import(${JSON.stringify(indexer)})).writeCatalogIndex(${args})`], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}

const scenarioIndex = join(distDir, 'scenario-index.json');

/** True when a file under scenarios/ changed after the build wrote `list`'s index. */
function isIndexStale() {
  return mtimeOrZero(scenarioIndex) < newestMtime(join(repoRoot, 'scenarios'));
}

/**
 * Rewrites `list`'s index with the built loader (no compile): a scenario edited after the
 * build otherwise kept `list` on its slow path (it validates every file itself) until the next
 * change under src/. Written beside and renamed, so a `list` reading it never sees half a file.
 */
function refreshIndex() {
  const tmp = `${scenarioIndex}.${process.pid}.tmp`;
  writeIndex(distDir, tmp);
  renameSync(tmp, scenarioIndex);
}

/** Compiles when stale (or always with force); returns whether it compiled. Compiler errors throw (output shown). */
export function buildIfStale({ quiet = false, force = false } = {}) {
  if (!force && !isStale()) {
    if (isIndexStale()) withLock(distDir, () => isIndexStale() && refreshIndex());
    return false;
  }
  return withLock(distDir, () => {
    // Another process may have built it while this one waited for the lock.
    if (!force && !isStale()) return false;
    if (!quiet) process.stderr.write(force ? 'ocilab: compiling src/ to dist/…\n' : 'ocilab: compiling src/ to dist/ (only after a change)…\n');
    replaceAtomically(distDir, compileDist);
    return true;
  });
}

// `node scripts/build-if-stale.mjs [--force]`: the same, as a step of npm scripts.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    buildIfStale({ force: process.argv.includes('--force') });
  } catch (err) {
    if (err && err.status === undefined) process.stderr.write(`ocilab: build failed: ${err.message}\n`);
    process.exit(2);
  }
}
