/**
 * Compiles src/ to dist/ only when dist/cli.js is missing or older than a file under src/.
 * Shared by `npm start` (scripts/start.mjs) and the tests that run the built CLI, so a
 * start without changes costs no compile (a full `tsc` takes 10–40 s on a 2-core machine).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));
export const builtCli = join(repoRoot, 'dist/cli.js');

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

/** Compiles when stale; returns whether it compiled. Compiler errors throw (output shown). */
export function buildIfStale({ quiet = false } = {}) {
  if (!isStale()) return false;
  if (!quiet) process.stderr.write('ocilab: compiling src/ to dist/ (only after a change)…\n');
  execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  return true;
}

// `node scripts/build-if-stale.mjs`: the same, as a step of npm scripts.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    buildIfStale();
  } catch {
    process.exit(2);
  }
}
