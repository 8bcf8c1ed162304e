import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measure } from '../../src/measure/harness.js';
import type { FetchMethod } from '../../src/measure/types.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'measure-harness-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A method that writes one file and reports figures derived from its own run index. */
function writingMethod(seen: string[]): FetchMethod {
  let i = 0;
  return {
    id: 'test.write',
    label: 'writes a file',
    kind: 'oci',
    short: 'test',
    client: 'test client',
    notes: ['synthetic method for the harness test'],
    async run(dest) {
      expect(await readdir(dest)).toEqual([]); // fresh and empty
      seen.push(dest);
      i++;
      await writeFile(join(dest, 'f'), 'x'.repeat(i));
      return { bytesDown: i * 100, requests: 2, phases: [{ name: 'network', ms: i }] };
    },
  };
}

describe('measure()', () => {
  it('runs warm-up + runs on fresh directories, keeps only measured samples, removes every directory', async () => {
    const seen: string[] = [];
    const progress: string[] = [];
    const r = await measure(writingMethod(seen), {
      runs: 4,
      warmup: 2,
      destRoot: root,
      onSample: (_s, info) => progress.push(`${info.warmup ? 'w' : 'm'}${info.index}`),
    });
    expect(progress).toEqual(['w0', 'w1', 'm0', 'm1', 'm2', 'm3']);
    expect(new Set(seen).size).toBe(6);
    for (const d of seen) expect(existsSync(d)).toBe(false);
    expect(r.samples.map((s) => s.bytesDown)).toEqual([300, 400, 500, 600]);
    expect(r.stats.bytesDown).toMatchObject({ n: 4, median: 450, min: 300, max: 600 });
    expect(r.stats.requests?.median).toBe(2);
    expect(r.stats.clientCpuMs).toBeNull(); // not reported → n/a, not 0
    expect(r.samples.every((s) => s.wallMs > 0)).toBe(true);
    expect(r.phaseStats.network?.median).toBe(4.5);
    expect(r.destination.dir).toBe(root);
    expect(r.notes).toContain('synthetic method for the harness test');
  });

  it('says which method and run failed, and still removes the directory', async () => {
    let dir = '';
    const failing: FetchMethod = {
      id: 'test.fail',
      label: 'fails',
      kind: 'git',
      short: 'test',
      client: 'test client',
      async run(dest) {
        dir = dest;
        throw new Error('remote hung up');
      },
    };
    await expect(measure(failing, { runs: 2, warmup: 0, destRoot: root })).rejects.toThrow('test.fail: run 1 of 2 failed: remote hung up');
    expect(existsSync(dir)).toBe(false);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    let runs = 0;
    const m: FetchMethod = {
      id: 'test.abort',
      label: 'aborts',
      kind: 'git',
      short: 'test',
      client: 'test client',
      async run() {
        if (++runs === 2) ac.abort(new Error('Ctrl-C'));
        return {};
      },
    };
    await expect(measure(m, { runs: 5, warmup: 0, destRoot: root, signal: ac.signal })).rejects.toThrow('Ctrl-C');
    expect(runs).toBe(2);
  });

  it('rejects impossible run counts', async () => {
    await expect(measure(writingMethod([]), { runs: 0 })).rejects.toThrow(/runs must be/);
    await expect(measure(writingMethod([]), { warmup: -1 })).rejects.toThrow(/warmup must be/);
  });
});

describe('a method that times itself', () => {
  it('keeps its wall time and records the harness’s beside it; refuses an impossible one', async () => {
    const selfTimed: FetchMethod = {
      id: 'test.self',
      label: 'times itself',
      kind: 'oci',
      short: 'test',
      client: 'test client',
      async run() {
        await new Promise((r) => setTimeout(r, 30)); // bookkeeping outside the fetch
        return { wallMs: 5 };
      },
    };
    const r = await measure(selfTimed, { runs: 2, warmup: 0, destRoot: root });
    expect(r.samples.map((s) => s.wallMs)).toEqual([5, 5]);
    expect(r.samples.every((s) => s.harnessWallMs! >= 25)).toBe(true);
    const liar: FetchMethod = { ...selfTimed, id: 'test.liar', run: async () => ({ wallMs: 60_000 }) };
    await expect(measure(liar, { runs: 1, warmup: 0, destRoot: root })).rejects.toThrow(/wall time of 60000 ms, outside/);
  });
});
