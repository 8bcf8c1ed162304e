import { describe, expect, it } from 'vitest';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import { isAlive, spawnTracked } from '../../src/process/spawn.js';

const gone = (pid: number) => expect.poll(() => isAlive(pid), { timeout: 5000 }).toBe(false);

describe('spawnTracked and the cleanup registry', () => {
  it('streams output lines and reports the exit code; the registry entry goes away with the process', async () => {
    const cleanup = new CleanupRegistry();
    const lines: string[] = [];
    const p = spawnTracked('bash', ['-c', 'echo out; echo err >&2; exit 4'], { cleanup, onLine: (l, s) => lines.push(`${s}:${l}`) });
    expect(await p.exited).toEqual({ code: 4, signal: null });
    expect(lines.sort()).toEqual(['stderr:err', 'stdout:out']);
    await expect.poll(() => cleanup.size).toBe(0);
  });

  it('abort kills the whole process group: the sleep and its grandchild are gone by PID', async () => {
    const cleanup = new CleanupRegistry();
    const controller = new AbortController();
    const lines: string[] = [];
    const p = spawnTracked('bash', ['-c', 'sleep 60 & echo $!; sleep 60'], { cleanup, signal: controller.signal, onLine: (l) => lines.push(l) });
    await expect.poll(() => lines.length).toBe(1);
    const grandchild = Number(lines[0]);
    expect(isAlive(p.pid) && isAlive(grandchild)).toBe(true);
    controller.abort();
    const exit = await p.exited;
    expect(exit.signal).toBe('SIGTERM');
    await gone(p.pid);
    await gone(grandchild);
  });

  it('runAll kills a process that outlived its leader (a backgrounded grandchild keeps the group alive)', async () => {
    const cleanup = new CleanupRegistry();
    const lines: string[] = [];
    const p = spawnTracked('bash', ['-c', 'sleep 60 >/dev/null 2>&1 & echo $!'], { cleanup, onLine: (l) => lines.push(l) });
    await p.exited;
    const orphan = Number(lines[0]);
    expect(isAlive(orphan)).toBe(true);
    expect(cleanup.size).toBe(1);
    expect(await cleanup.runAll()).toEqual([]);
    await gone(orphan);
  });

  it('SIGKILLs a process that ignores SIGTERM after the grace period', async () => {
    const cleanup = new CleanupRegistry();
    const lines: string[] = [];
    const p = spawnTracked('bash', ['-c', "trap '' TERM; echo ready; while true; do sleep 0.1; done"], {
      cleanup,
      graceMs: 300,
      onLine: (l) => lines.push(l),
    });
    await expect.poll(() => lines.length).toBe(1);
    const started = Date.now();
    const exit = await p.kill();
    expect(exit.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await gone(p.pid);
  });

  it('unwinds newest first and collects errors without stopping', async () => {
    const cleanup = new CleanupRegistry();
    const order: string[] = [];
    cleanup.add('first', () => void order.push('first'));
    cleanup.add('broken', () => {
      throw new Error('boom');
    });
    const early = cleanup.add('early', () => void order.push('early'));
    cleanup.add('last', async () => void order.push('last'));
    await early();
    const errors = await cleanup.runAll();
    expect(order).toEqual(['early', 'last', 'first']);
    expect(errors.map((e) => e.message)).toEqual(['cleanup broken: boom']);
    expect(cleanup.size).toBe(0);
  });

  it('refuses to start when the signal is already aborted', () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    expect(() => spawnTracked('true', [], { cleanup: new CleanupRegistry(), signal: controller.signal })).toThrow('too late');
  });
});
