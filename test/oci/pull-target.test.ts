/**
 * `artifact pull --output`: where a pull may write. `--replace` never swaps `/`, the home
 * directory, the current directory or one holding it; a symlinked --output is kept (its
 * target gets the content); a dangling symlink, a missing parent, a file or a non-empty
 * directory without --replace are clear errors, exit 2, with nothing fetched or written.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, lstatSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullTarget } from '../../src/oci/pull-target.js';
import { pushArtifact } from '../../src/oci/remote.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { artifactCli as cli } from './artifact-cli.js';

const work = mkdtempSync(join(tmpdir(), 'ocilab-pull-target-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function refusal(output: string, replace: boolean, env: { cwd: string; home: string }): string {
  try {
    pullTarget(output, replace, env);
  } catch (err) {
    expect((err as { code?: string }).code).toBe('BAD_OUTPUT');
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('pullTarget', () => {
  const home = join(work, 'home');
  const project = join(home, 'project');
  const deep = join(project, 'sub');
  beforeAll(() => {
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(project, 'precious.txt'), 'the user\'s file');
  });
  const env = { cwd: project, home };

  it.each([
    ['.', 'refusing --replace on the current directory'],
    [project, 'refusing --replace on the current directory'],
    ['..', `refusing --replace on your home directory`],
    [home, 'refusing --replace on your home directory'],
    [work, `refusing --replace on ${work}: it holds the current directory`],
    ['/', 'refusing --replace on the root directory'],
  ])('--replace on %s is refused', (output, message) => {
    expect(refusal(output, true, env)).toContain(message);
    expect(readFileSync(join(project, 'precious.txt'), 'utf8')).toBe('the user\'s file');
  });

  it('--replace on the current directory through a symlink is refused too', () => {
    const link = join(work, 'link-to-project');
    symlinkSync(project, link);
    expect(refusal(link, true, env)).toContain('refusing --replace on the current directory');
  });

  it('--replace on a subdirectory of the current directory is allowed', () => {
    expect(pullTarget('sub', true, env)).toBe(deep);
  });

  it('a symlink is followed (and so kept); a dangling one, a missing parent, a file, a non-empty dir: clear refusals', () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    symlinkSync(empty, join(work, 'to-empty'));
    expect(pullTarget(join(work, 'to-empty'), false, env)).toBe(empty);
    symlinkSync(join(work, 'gone'), join(work, 'dangling'));
    expect(refusal(join(work, 'dangling'), false, env)).toBe(`--output ${join(work, 'dangling')}: is a symlink to ${join(work, 'gone')}, which does not exist (create that directory, or choose another --output); nothing was pulled`);
    expect(refusal(join(work, 'no', 'such', 'out'), false, env)).toContain(`its parent directory ${join(work, 'no', 'such')} does not exist`);
    expect(refusal(join(project, 'precious.txt'), false, env)).toContain('exists and is not a directory');
    expect(refusal(project, false, env)).toContain('is not empty (pass --replace');
  });
});

describe('ocilab artifact pull --output', () => {
  let reg: RegistryHandle;
  let url: string;
  const cwd = process.cwd();
  beforeAll(async () => {
    reg = await startRegistry({ port: 0 });
    const src = join(work, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'app.yaml'), 'kind: ConfigMap\n');
    url = (await pushArtifact(`oci://${reg.hostPort}/t/app:v1`, { path: src, source: 's', revision: 'r' })).url;
  });
  afterAll(async () => {
    process.chdir(cwd);
    await reg?.close();
  });

  it('--output . --replace in a directory with files: exit 2, every file still there', async () => {
    const mine = join(work, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.md'), 'keep me');
    process.chdir(mine);
    try {
      const r = await cli(['pull', url, '--output', '.', '--replace']);
      expect(r.code).toBe(2);
      expect(r.err).toContain('refusing --replace on the current directory');
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(mine)).toEqual(['notes.md']);
  });

  it('a symlink to an empty directory: pulled into its target, the symlink kept', async () => {
    const real = join(work, 'real-out');
    mkdirSync(real);
    const link = join(work, 'out-link');
    symlinkSync(real, link);
    const r = await cli(['pull', url, '--output', link]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readdirSync(real)).toEqual(['app.yaml']);
  });

  it('a dangling symlink and a missing parent: exit 2 with a clear message, not ENOTDIR or ENOENT', async () => {
    const dangling = join(work, 'dangling-out');
    symlinkSync(join(work, 'nowhere'), dangling);
    const d = await cli(['pull', url, '--output', dangling]);
    expect(d.code).toBe(2);
    expect(d.err).toContain(`is a symlink to ${join(work, 'nowhere')}, which does not exist`);
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    const m = await cli(['pull', url, '--output', join(work, 'missing', 'out')]);
    expect(m.code).toBe(2);
    expect(m.err).toContain(`its parent directory ${join(work, 'missing')} does not exist`);
    expect(m.err).not.toMatch(/ENOENT|ENOTDIR|mkdtemp/);
  });
});
