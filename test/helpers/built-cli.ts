/**
 * The built CLI (dist/cli.js) for tests that run ocilab as a user does. `npm test` builds
 * first; a direct `vitest run <file>` rebuilds only when a file under src/ is newer than dist/.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const builtCli = join(repoRoot, 'dist/cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** For a `beforeAll`: compile src/ to dist/ when dist/cli.js is missing or older than src/. */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(builtCli).mtimeMs;
  } catch {
    built = 0;
  }
  if (built < newestMtime(join(repoRoot, 'src'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
}
