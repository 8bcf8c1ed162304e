/**
 * The built CLI (dist/cli.js) for tests that run ocilab as a user does. `npm test` builds
 * first; a direct `vitest run <file>` rebuilds only when a file under src/ is newer than dist/
 * (the same check `npm start` uses: scripts/build-if-stale.mjs).
 */
import { buildIfStale, builtCli, repoRoot } from '../../scripts/build-if-stale.mjs';

export { builtCli, repoRoot };

/** For a `beforeAll`: compile src/ to dist/ when dist/cli.js is missing or older than src/. */
export function ensureBuilt(): void {
  buildIfStale({ quiet: true });
}
