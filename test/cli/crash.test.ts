/** An uncaught error still unwinds the cleanup registry: the built shutdown wiring, in a child process. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { isAlive } from '../../src/process/spawn.js';

const dist = new URL('../../dist/process/', import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'ocilab-crash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('an uncaught error kills registered process trees, exits 1 and says so', async () => {
  // dist/ is built by `npm test` (or by test/cli/cli.test.ts when stale).
  if (!existsSync(new URL('shutdown.js', dist))) throw new Error('dist/ is not built: run `npm run build` first');
  const script = join(tmp, 'crash.mjs');
  writeFileSync(
    script,
    `import { appCleanup, installShutdownHandlers } from ${JSON.stringify(new URL('shutdown.js', dist).href)};
import { spawnTracked } from ${JSON.stringify(new URL('spawn.js', dist).href)};
installShutdownHandlers();
const p = spawnTracked('bash', ['-c', 'sleep 60 & echo child $!; echo leader $$; wait'], { cleanup: appCleanup, onLine: (l) => console.log(l) });
setTimeout(() => { throw new Error('boom'); }, 500);
await p.exited;
`,
  );
  const child = spawn(process.execPath, [pathToFileURL(script).pathname]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const pids = [...stdout.matchAll(/(?:child|leader) (\d+)/g)].map((m) => Number(m[1]));
  expect(pids).toHaveLength(2);
  expect(code).toBe(1);
  expect(stderr).toContain('ocilab: internal error: Error: boom');
  for (const pid of pids) expect(isAlive(pid)).toBe(false);
});
