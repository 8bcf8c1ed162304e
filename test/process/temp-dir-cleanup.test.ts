/** makeTempDir and trackChild: what the unwinding (Ctrl-C) removes and kills, and in which order. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CleanupRegistry, makeTempDir, sweepTempDirs } from '../../src/process/cleanup.js';
import { isAlive, trackChild } from '../../src/process/spawn.js';

const parent = mkdtempSync(join(tmpdir(), 'ocilab-tempdir-test-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('makeTempDir', () => {
  it('a dir the unwinding removed but a write still in flight recreated is removed by the exit sweep; one its maker removed is not touched again', async () => {
    const cleanup = new CleanupRegistry();
    const unwound = makeTempDir('swept-', { parent, cleanup });
    const done = makeTempDir('done-', { parent, cleanup });
    await done.remove();
    expect(await cleanup.runAll()).toEqual([]);
    // an interrupted action's mkdir lands after the removal
    mkdirSync(join(unwound.path, 'fixtures'), { recursive: true });
    mkdirSync(done.path); // the same path made again by something else after its maker was done
    sweepTempDirs();
    expect(existsSync(unwound.path)).toBe(false);
    expect(existsSync(done.path)).toBe(true);
    rmSync(done.path, { recursive: true });
  });

  it('the directory exists and is registered the moment the call returns; unwinding removes it with its content', async () => {
    const cleanup = new CleanupRegistry();
    const t = makeTempDir('x-', { parent, cleanup });
    expect(existsSync(t.path)).toBe(true);
    expect(cleanup.labels()).toEqual([`temp dir ${t.path}`]);
    writeFileSync(join(t.path, 'f'), 'data');
    expect(await cleanup.runAll()).toEqual([]);
    expect(existsSync(t.path)).toBe(false);
  });

  it('remove() deletes it and drops the registration; the synchronous last resort removes what is left', async () => {
    const cleanup = new CleanupRegistry();
    const a = makeTempDir('a-', { parent, cleanup });
    const b = makeTempDir('b-', { parent, cleanup });
    await a.remove();
    await a.remove();
    expect(existsSync(a.path)).toBe(false);
    expect(cleanup.size).toBe(1);
    cleanup.runAllSync();
    expect(existsSync(b.path)).toBe(false);
    expect(readdirSync(parent).filter((n) => n.startsWith('a-') || n.startsWith('b-'))).toEqual([]);
  });
});

describe('trackChild', () => {
  it('unwinding kills a tracked child (and its tree) and waits for it before removing the temp dir made before it', async () => {
    const cleanup = new CleanupRegistry();
    const dir = makeTempDir('c-', { parent, cleanup });
    // The child keeps writing into the temp dir: removing the dir first would race with it.
    const child = spawn('bash', ['-c', 'sleep 60 & echo $!; while :; do date > "$1/f"; sleep 0.05; done', 'bash', dir.path], { stdio: ['ignore', 'pipe', 'ignore'] });
    trackChild(child, { cleanup });
    const grandchild = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    expect(cleanup.size).toBe(2);
    expect(await cleanup.runAll()).toEqual([]);
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
    expect(isAlive(child.pid!)).toBe(false);
    await expect.poll(() => isAlive(grandchild), { timeout: 5000 }).toBe(false);
    expect(existsSync(dir.path)).toBe(false);
  });

  it('the registration goes away when the child exits by itself', async () => {
    const cleanup = new CleanupRegistry();
    const child = spawn('true', [], { stdio: 'ignore' });
    trackChild(child, { cleanup });
    expect(cleanup.size).toBe(1);
    await expect.poll(() => cleanup.size).toBe(0);
  });
});
