/** `ocilab run --record` end to end (plain mode, real shell steps), then asciinema's own `cat`. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markersOf, outputBetween, parseCast, type Cast } from '../../src/record/asciicast.js';
import { peer } from '../helpers/peers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ocilab-record-'));
const file = join(dir, 'hello.cast');
let stdout = '';
let cast: Cast;

beforeAll(() => {
  stdout = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'run', 'hello', '--plain', '--record', file], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '' },
    timeout: 60_000,
  });
  cast = parseCast(readFileSync(file, 'utf8'), file);
}, 90_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run --record', () => {
  it('writes a marker per step, in order, before the step output', () => {
    expect(markersOf(cast).map((m) => m.label)).toEqual(['1. Say hello', "2. Write a file in the run's work dir", '3. Wait for a server, then stop it']);
    const [m1, m2] = markersOf(cast);
    expect(outputBetween(cast, m1!.time, m2!.time)).toContain('hello from ocilab');
    expect(cast.header.title).toBe('Hello, ocilab');
  });

  it('records exactly what the terminal got (CRLF as a tty shows it)', () => {
    expect(outputBetween(cast, 0)).toBe(stdout.replace(/\r?\n/g, '\r\n'));
  });

  const asciinema = peer('asciinema', 'scripts/ci/install-present.sh');
  it.skipIf(!asciinema)('opens unchanged in asciinema: `asciinema cat` reproduces the output', () => {
    const out = execFileSync(asciinema!, ['cat', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe(outputBetween(cast, 0));
    expect(out).toContain('run hello passed');
  });
});
