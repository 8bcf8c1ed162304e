import { describe, expect, it } from 'vitest';
import { assertChildOk, parseBashTimes, parseGnuTimeMaxRss, runMeasuredChild } from '../../src/measure/child-usage.js';
import { measureInProcess } from '../../src/measure/in-process-usage.js';

const node = process.execPath;

describe('client CPU and peak RSS of child processes', () => {
  it('counts the CPU of a grandchild (the whole tree, not just the direct child)', async () => {
    // spin until the grandchild itself has used 250 ms of CPU (a wall-clock spin would flake under load)
    const busy = `const s=process.cpuUsage(); while (process.cpuUsage(s).user<250000) {}`;
    const u = await runMeasuredChild('sh', ['-c', `"${node}" -e '${busy}'`]);
    assertChildOk(u, 'busy loop');
    expect(u.cpuMs).toBeGreaterThanOrEqual(250);
    expect(u.cpuMs).toBeLessThan(u.wallMs * 2.2); // at most ~2 cores busy
    expect(u.commandWallMs).toBeGreaterThan(240);
    expect(u.commandWallMs).toBeLessThanOrEqual(u.wallMs + 1);
  });

  it('reports the peak RSS of the largest process in the tree', async () => {
    const small = await runMeasuredChild('true', []);
    const big = await runMeasuredChild('sh', ['-c', `"${node}" -e 'const b=Buffer.alloc(150*1024*1024,1); console.log(b[5])'`]);
    assertChildOk(big, 'allocate');
    expect(big.stdout.trim()).toBe('1');
    expect(big.peakRssBytes).toBeGreaterThan(150 * 1024 * 1024);
    expect(small.peakRssBytes).toBeLessThan(32 * 1024 * 1024);
  });

  it('keeps the command’s own stdout and stderr apart from the timing lines', async () => {
    const u = await runMeasuredChild('sh', ['-c', 'echo out; echo "1.000 2.000 3.000" >&2; exit 3']);
    expect(u.exitCode).toBe(3);
    expect(u.stdout).toBe('out\n');
    expect(u.stderr).toBe('1.000 2.000 3.000\n');
    expect(u.cpuMs).toBeLessThan(1000); // not the fake line the command printed
    expect(() => assertChildOk(u, 'sh')).toThrow(/sh exited with 3:\n1\.000 2\.000 3\.000/);
  });

  it('ends the whole process tree when aborted', async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 200);
    await expect(runMeasuredChild('sh', ['-c', 'sleep 30 & wait'], { signal: ac.signal })).rejects.toThrow(/aborted/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('parses the wrappers’ lines', () => {
    expect(parseBashTimes('0.111 0.018 0.021\n')).toEqual({ realMs: 111, userMs: 18, sysMs: 21 });
    expect(parseBashTimes('garbage')).toBeNull();
    expect(parseGnuTimeMaxRss('Command exited with non-zero status 3\n4784\n')).toBe(4784 * 1024);
    expect(parseGnuTimeMaxRss('')).toBeNull();
  });
});

describe('in-process CPU and peak RSS', () => {
  it('measures CPU and the peak RSS during the work', async () => {
    const busy = await measureInProcess(async () => {
      const s = process.cpuUsage();
      while (process.cpuUsage(s).user < 60_000) {
        // spin
      }
    });
    const big = await measureInProcess(async () => {
      const b = Buffer.alloc(120 * 1024 * 1024, 1);
      return b[7];
    });
    expect(big.value).toBe(1);
    expect(busy.cpuMs).toBeGreaterThanOrEqual(60);
    if (big.peakRssBytes !== null && busy.peakRssBytes !== null) {
      // the peak follows the work: the allocation shows up in its run only
      expect(big.peakRssBytes - busy.peakRssBytes).toBeGreaterThan(100 * 1024 * 1024);
    }
  });
});

describe('in-process work that spawns processes', () => {
  it('adds the reaped children’s CPU when asked', async () => {
    const { execFile } = await import('node:child_process');
    const spin = `const s=process.cpuUsage(); while (process.cpuUsage(s).user<200000) {}`;
    const work = () => new Promise<void>((resolve, reject) => execFile(node, ['-e', spin], (err) => (err ? reject(err) : resolve())));
    const without = await measureInProcess(work);
    const withKids = await measureInProcess(work, { withChildren: true });
    expect(without.cpuMs).toBeLessThan(150);
    expect(withKids.cpuMs).toBeGreaterThanOrEqual(200);
    expect(withKids.notes.join(' ')).toMatch(/reaped child processes/);
  });
});
