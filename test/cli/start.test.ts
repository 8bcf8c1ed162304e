import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isStale } from '../../scripts/build-if-stale.mjs';
import { ensureBuilt, repoRoot } from '../helpers/built-cli.js';

describe('npm start (scripts/start.mjs)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('does not recompile an up-to-date dist/ and runs the CLI in the same process', () => {
    expect(isStale()).toBe(false);
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    const out = execFileSync(process.execPath, [join(repoRoot, 'scripts/start.mjs'), '--version'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out.trim()).toBe(version);
  });

  it('passes exit codes through (bad usage is 2)', () => {
    let status: number | null = null;
    try {
      execFileSync(process.execPath, [join(repoRoot, 'scripts/start.mjs'), '--no-such-flag'], { cwd: repoRoot, stdio: 'ignore' });
    } catch (err) {
      status = (err as { status: number | null }).status;
    }
    expect(status).toBe(2);
  });
});
