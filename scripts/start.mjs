/**
 * `npm start [-- args]`: compiles only when src/ changed since the last build, then runs the
 * CLI in this same process (so Ctrl-C, exit codes and the terminal behave as `ocilab` does).
 */
import { pathToFileURL } from 'node:url';
import { buildIfStale, builtCli } from './build-if-stale.mjs';

try {
  buildIfStale();
} catch {
  process.stderr.write('ocilab: the TypeScript build failed (errors above); nothing was run.\n');
  process.exit(2);
}
await import(pathToFileURL(builtCli).href);
