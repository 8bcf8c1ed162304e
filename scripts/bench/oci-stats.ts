/**
 * Helpers for the OCI benchmarks on a shared machine: percentiles, median with spread, the
 * load average, CPU time of this process, of a curl run (its rusage) and of a server process
 * (sum of its threads' on-CPU nanoseconds). CPU per MiB barely depends on the load; wall time does.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

/** Median and spread; the median of an even count is the mean of the middle two. */
export function summary(values: number[], digits = 2): { median: number; min: number; max: number; n: number } {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  const r = (x: number | undefined): number => +(x ?? NaN).toFixed(digits);
  return { median: r(mid), min: r(s[0]), max: r(s[s.length - 1]), n: s.length };
}

export async function timeRuns(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/** 1-minute load average. */
export const load1 = (): number => +loadavg()[0]!.toFixed(2);

/** One timed run of an in-process function: wall ms and this process's CPU ms (user+sys, all threads). */
export async function measureInProcess(fn: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number; load: number }> {
  const load = load1();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000, load };
}

// python3 reads curl's rusage (microseconds) and curl reports its own transfer time. The
// rusage is taken as a difference: RUSAGE_CHILDREN survives exec, so a launcher script
// (a pyenv shim runs a few processes before exec'ing python) would otherwise be counted too.
const CURL_RUSAGE = `import resource, subprocess, sys
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
p = subprocess.run(['curl', '-sS', '--fail', '-o', sys.argv[2], '-w', '%{time_total} %{size_download}', sys.argv[1]], capture_output=True, text=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
if p.returncode: sys.exit(p.stderr or 'curl failed')
print(p.stdout.strip(), (r.ru_utime - r0.ru_utime) + (r.ru_stime - r0.ru_stime))`;

/**
 * `curl -o <output> <url>` (default /dev/null): its own transfer time (`time_total`, no
 * process start), the wall time of the whole process, and its CPU time (needs python3 for
 * rusage; else NaN).
 */
export async function curlRun(url: string, expectBytes: number, output = '/dev/null'): Promise<{ wallMs: number; spawnWallMs: number; cpuMs: number; load: number }> {
  const load = load1();
  const t0 = performance.now();
  let out: string;
  let cpuMs = NaN;
  try {
    out = (await run('python3', ['-c', CURL_RUSAGE, url, output])).stdout;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    out = (await run('curl', ['-sS', '--fail', '-o', output, '-w', '%{time_total} %{size_download}', url])).stdout;
  }
  const spawnWallMs = performance.now() - t0;
  const [time, size, cpu] = out.trim().split(/\s+/).map(Number) as [number, number, number?];
  if (size !== expectBytes) throw new Error(`curl ${url}: ${size} bytes, expected ${expectBytes}`);
  if (cpu !== undefined) cpuMs = cpu * 1000;
  return { wallMs: time * 1000, spawnWallMs, cpuMs, load };
}

/**
 * CPU nanoseconds a process's live threads have run (sum of /proc/<pid>/task/<tid>/schedstat).
 * Nanosecond precision, where /proc/<pid>/stat counts 10 ms ticks. Linux only.
 */
export async function procCpuNs(pid: number): Promise<number> {
  let total = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const s = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').catch(() => '0');
    total += Number(s.split(' ')[0]);
  }
  return total;
}

/**
 * The per-pull benchmarks' artifact: 250 ConfigMaps in 10 app folders (random data, ~31 KiB
 * gzipped); `randomBytesPerFile` (default 96, hex-encoded into the file) makes a larger layer.
 */
export async function writeSmallPullTree(dir: string, randomBytesPerFile = 96): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const app = join(dir, `app${i % 10}`);
    await mkdir(app, { recursive: true });
    await writeFile(join(app, `cm-${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  key: "${randomBytes(randomBytesPerFile).toString('hex')}"\n`);
  }
}
