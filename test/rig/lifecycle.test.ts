/**
 * scripts/rig/up and down as processes: an interrupted `up` (Ctrl-C = SIGINT) stops every
 * process it had started and removes its state dir; `down` of a rig that is not there is a
 * no-op; `up` refuses a state dir that is in use.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rigAvailable } from './rig.js';

const exec = promisify(execFile);
const scripts = resolve(import.meta.dirname, '../../scripts/rig');
const ready = rigAvailable();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let parent: string;
beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'ocilab-rig-life-'));
});
afterAll(async () => {
  if (parent) await rm(parent, { recursive: true, force: true });
});

describe('scripts/rig/down', () => {
  it('is a no-op for a state dir that is gone', async () => {
    const { stderr } = await exec('bash', [join(scripts, 'down'), join(parent, 'nope')]);
    expect(stderr).toContain('nothing to stop');
  });

  it('refuses a directory that is not a rig state dir (and leaves it alone)', async () => {
    const dir = join(parent, 'other');
    await mkdir(dir);
    await writeFile(join(dir, 'precious.txt'), 'keep me');
    await expect(exec('bash', [join(scripts, 'down'), dir])).rejects.toThrow(/does not look like a rig state dir/);
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});

describe('scripts/rig/up', () => {
  it('refuses a state dir that is not empty', async () => {
    const dir = join(parent, 'busy');
    await mkdir(dir);
    await writeFile(join(dir, 'pids'), '');
    await expect(exec('bash', [join(scripts, 'up')], { env: { ...process.env, OCILAB_RIG_STATE: dir } })).rejects.toThrow(/is not empty/);
    expect(existsSync(join(dir, 'pids'))).toBe(true);
  });

  it.skipIf(!ready)('Ctrl-C while starting stops what it started and removes the state dir', async () => {
    const state = join(parent, 'interrupted');
    const child = spawn('bash', [join(scripts, 'up')], { env: { ...process.env, OCILAB_RIG_STATE: state }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Interrupt once the API server process is started (etcd is up by then).
    await new Promise<void>((ok, fail) => {
      const t = setInterval(() => {
        if (/started kube-apiserver/.test(stderr)) {
          clearInterval(t);
          ok();
        }
      }, 50);
      child.on('close', (code) => {
        clearInterval(t);
        fail(new Error(`up ended (exit ${code}) before starting kube-apiserver:\n${stderr}`));
      });
    });
    const pids = readFileSync(join(state, 'pids'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => Number(l.split(' ')[1]));
    expect(pids.length).toBeGreaterThanOrEqual(2);
    const code = await new Promise<number | null>((ok) => {
      child.on('close', ok);
      child.kill('SIGINT');
    });
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    for (const pid of pids) expect(alive(pid), `pid ${pid} still running`).toBe(false);
    expect(existsSync(state)).toBe(false);
  }, 240_000);
});
