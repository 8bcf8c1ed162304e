import { describe, it, expect, vi, afterEach } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { fixturesCommand } from '../../src/commands/fixtures.js';
import { gitCommand } from '../../src/commands/git.js';
import { peer } from '../helpers/peers.js';

const hasGit = peer('git', 'apt-get install git');

async function run(args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  process.exitCode = undefined;
  try {
    await new Command('ocilab').exitOverride().addCommand(fixturesCommand()).addCommand(gitCommand()).parseAsync(args, { from: 'user' });
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const code = typeof process.exitCode === 'number' ? process.exitCode : undefined;
  process.exitCode = undefined;
  return { out, err, code };
}

describe.skipIf(!hasGit)('ocilab fixtures / git commands', () => {
  afterEach(() => vi.restoreAllMocks());

  it('creates a preset, refuses to overwrite it, and rejects an unknown preset', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-cmd-'));
    try {
      const first = await run(['fixtures', 'create', 'tiny', '--dir', dir]);
      expect(first.code).toBeUndefined();
      expect(first.out).toMatch(/created .*tiny\.git\n  branch main at [0-9a-f]{40}/);
      const again = await run(['fixtures', 'create', 'tiny', '--dir', dir]);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/already exists; pass --force/);
      const bad = await run(['fixtures', 'create', 'huge', '--dir', dir]);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/unknown preset "huge"; choose one of tiny, small/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('git serve says clearly when the directory is missing or a flag is misused; git measure when nothing listens', async () => {
    const serve = await run(['git', 'serve', '--dir', '/nonexistent/ocilab', '--port', '0']);
    expect(serve.code).toBe(1);
    expect(serve.err).toMatch(/cannot serve \/nonexistent\/ocilab: not a directory/);
    const nff = await run(['git', 'serve', '--dir', '/nonexistent/ocilab', '--port', '0', '--allow-non-fast-forward']);
    expect(nff.code).toBe(2);
    expect(nff.err).toMatch(/--allow-non-fast-forward only applies with --allow-push \(nothing was started\)/);
    const host = await run(['git', 'serve', '--dir', '/nonexistent/ocilab', '--port', '0', '--allowed-host', 'evil.example/x']);
    expect(host.code).toBe(2);
    expect(host.err).toMatch(/--allowed-host takes a host name .*got "evil\.example\/x"/);
    const measure = await run(['git', 'measure', 'http://127.0.0.1:1/x.git', '--strategy', 'ls-remote']);
    expect(measure.code).toBe(1);
    expect(measure.err).toMatch(/cannot reach 127\.0\.0\.1:1: ECONNREFUSED/);
  });
});
