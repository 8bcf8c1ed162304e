/**
 * Ctrl-C anywhere in a talk leaves nothing behind: the built CLI runs git-vs-oci (tiny preset,
 * one measured run) with a private TMPDIR, in its own process group like a shell job, and gets
 * SIGINT on the whole group — what a terminal's Ctrl-C does — right after a given output line
 * (inside a step, not only between steps). Then: exit 130, the private TMPDIR empty, no process
 * left that belongs to the run (same TMPDIR in its environment, or the run's dirs in its
 * command line or cwd, or a pid the run printed), and no port the run printed still listening.
 * Triggers are output lines, not times, so each run interrupts at the same place.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtCli, ensureBuilt, repoRoot } from '../helpers/built-cli.js';

interface Point {
  /** Name in the matrix. */
  name: string;
  /** Lines to see in this order; SIGINT right after the last one. */
  after: RegExp[];
}

const POINTS: Point[] = [
  { name: 'fixture generation (git fast-import)', after: [/\$ fixtures\.create:/] },
  { name: 'GitRepository pass (reconciler clone)', after: [/\$ flux\.wait: \{"kind":"GitRepository"/, /git-upload-pack \(refs\)/] },
  { name: 'git.clone (git process running)', after: [/\$ git\.clone: shallow/, /git-upload-pack \(refs\)/] },
  { name: 'artifact.push', after: [/\$ artifact\.push:/] },
  { name: 'OCIRepository pass', after: [/\$ flux\.wait: \{"kind":"OCIRepository"/, /HEAD \/v2\/fleet/] },
  { name: 'measurement, git clone under way', after: [/measuring \d+ methods/, /git-upload-pack \(fetch\)/] },
  { name: 'change step (git.commit)', after: [/\$ git\.commit:/] },
];

interface Outcome {
  code: number | null;
  left: string[];
  processes: string[];
  ports: number[];
  exitMs: number;
  triggered: boolean;
  out: string;
}

const base = mkdtempSync(join(tmpdir(), 'ocilab-interrupt-test-'));
/** Process groups of runs still going: a run that hangs (the failure this test exists for) is killed, not left behind. */
const spawned = new Set<number>();
afterEach(() => {
  for (const pid of spawned) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  spawned.clear();
});
afterAll(() => rmSync(base, { recursive: true, force: true }));
beforeAll(() => ensureBuilt(), 120_000);

/** Processes whose environment, command line or cwd mentions `marker` (Linux /proc). */
function processesMentioning(marker: string, alsoPids: number[]): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const read = (f: string) => {
      try {
        return readFileSync(`/proc/${entry}/${f}`, 'latin1');
      } catch {
        return '';
      }
    };
    const stat = read('stat');
    if (!stat || / [ZX] /.test(stat.slice(stat.lastIndexOf(')') + 1, stat.lastIndexOf(')') + 4))) continue;
    let cwd = '';
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      // gone meanwhile
    }
    const cmd = read('cmdline').replaceAll('\0', ' ');
    if (alsoPids.includes(Number(entry)) || read('environ').includes(marker) || cmd.includes(marker) || cwd.startsWith(marker)) {
      found.push(`${entry} ${cmd.slice(0, 120)}`);
    }
  }
  return found;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function interruptAt(point: Point, index: number): Promise<Outcome> {
  const tmp = mkdtempSync(join(base, `p${index}-`));
  const child = spawn(process.execPath, [builtCli, 'run', 'git-vs-oci', '--plain', '--param', 'preset=tiny', '--param', 'runs=1'], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, as a shell job; Ctrl-C signals the group
  });
  spawned.add(child.pid!);
  child.once('close', () => spawned.delete(child.pid!));
  let out = '';
  let pending = '';
  let step = 0;
  let sentAt = 0;
  const onData = (d: Buffer) => {
    out += d.toString();
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (sentAt || !point.after[step]!.test(line)) continue;
      step += 1;
      if (step === point.after.length) {
        sentAt = performance.now();
        process.kill(-child.pid!, 'SIGINT');
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  const exitMs = sentAt ? performance.now() - sentAt : Number.NaN;
  const pids = [...out.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
  const ports = [...new Set([...out.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])))];
  const open: number[] = [];
  for (const port of ports) if (await listening(port)) open.push(port);
  return { code, left: readdirSync(tmp), processes: processesMentioning(tmp, [child.pid!, ...pids]), ports: open, exitMs, triggered: sentAt > 0, out };
}

const rows: string[] = [];
afterAll(() => {
  // The Ctrl-C matrix, for the record (README's reliability section quotes it).
  console.log(['| interrupt point | exit | temp dirs left | processes left | ports left | time to exit |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n'));
});

describe('Ctrl-C during git-vs-oci leaves no temp dir, process or port', () => {
  it.each(POINTS.map((p, i) => [p.name, p, i] as const))('%s', async (_name, point, index) => {
    const r = await interruptAt(point, index);
    rows.push(`| ${point.name} | ${r.code} | ${r.left.length} | ${r.processes.length} | ${r.ports.length} | ${Math.round(r.exitMs)} ms |`);
    expect(r.triggered, `trigger line never seen:\n${r.out.slice(-2000)}`).toBe(true);
    expect({ code: r.code, left: r.left, processes: r.processes, ports: r.ports }).toEqual({ code: 130, left: [], processes: [], ports: [] });
  }, 120_000); // a whole talk start-up on a loaded 2-core machine can take over 30 s
});
