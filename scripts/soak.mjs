/**
 * `npm run soak`: the shipped talk scenarios, again and again, on the local target, each run
 * from a fresh state, to find failures that happen once in many runs. Runs the built CLI
 * (`node dist/cli.js run <id> --plain --target local`) one run at a time: git-vs-oci 20x,
 * cosign-verify 10x, helm-oci 10x by default. Each run gets its own temp dir: --work-dir,
 * OCILAB_STATE_DIR and OCILAB_CONFIG_DIR (workshop progress, env files) are not shared.
 * Prints each failure (run, step, message, the failing action's lines) and a summary table
 * (runs, passed, failed, wall time median and min–max); exits 1 if any run failed.
 *
 *   node scripts/soak.mjs [--runs id=N ...] [--param id:key=value ...] [--timeout 15m] [--keep]
 *   SOAK_RUNS="git-vs-oci=2,cosign-verify=2,helm-oci=2" node scripts/soak.mjs   (a quick try)
 *
 * Loopback only: the local target's servers bind 127.0.0.1. Bounded: at most MAX_RUNS runs
 * per scenario, each killed (process group) after --timeout.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const DEFAULT_RUNS = { 'git-vs-oci': 20, 'cosign-verify': 10, 'helm-oci': 10 };
export const MAX_RUNS = 200;
const DEFAULT_TIMEOUT_MS = 15 * 60_000;

export class UsageError extends Error {}

const STAMP = String.raw`\d\d:\d\d:\d\d\.\d{3}`;
// The plain reporter's lines (src/plain/reporter.ts): step start, step end, a failed action, output.
const STEP_START = new RegExp(String.raw`^${STAMP} \[(\d+)/(\d+)\] (\S+) (.*)$`);
const STEP_END = new RegExp(String.raw`^${STAMP} \[(\d+)/(\d+)\] (\S+) (passed|skipped|FAILED|interrupted)( \(optional\))? in (\S+)(?:: (.*))?$`);
const ACTION_FAILED = new RegExp(String.raw`^${STAMP}   x (\S+) failed after (\S+): (.*)$`);
const OUTPUT = new RegExp(String.raw`^${STAMP}   [|!·] (.*)$`);
const RUN_END = new RegExp(String.raw`^${STAMP} run (\S+) (passed|FAILED|interrupted) in (\S+)`);

/**
 * The failures in one run's plain output: each failed (non-optional) step with its message,
 * the actions that failed in it, and its last output lines (where a script's error is).
 */
export function parsePlainFailures(text) {
  const failures = [];
  let lines = [];
  let actions = [];
  let runStatus;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const end = STEP_END.exec(line);
    if (end) {
      const [, n, total, step, status, optional, , message] = end;
      if ((status === 'FAILED' || status === 'interrupted') && !optional) {
        failures.push({ step, index: Number(n), total: Number(total), status, message: message ?? '', actions, output: lines.slice(-8) });
      }
      lines = [];
      actions = [];
      continue;
    }
    if (STEP_START.test(line)) {
      lines = [];
      actions = [];
      continue;
    }
    const failed = ACTION_FAILED.exec(line);
    if (failed) {
      actions.push({ action: failed[1], message: failed[3] });
      continue;
    }
    const out = OUTPUT.exec(line);
    if (out) {
      lines.push(out[1]);
      continue;
    }
    const run = RUN_END.exec(line);
    if (run) runStatus = run[2];
  }
  return { failures, runStatus };
}

/** Median, min and max of a list of numbers (empty: nulls). */
export function spread(values) {
  if (values.length === 0) return { median: null, min: null, max: null };
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1] };
}

/** 9.2 s, 1m 12s. */
export function formatWall(ms) {
  if (ms === null) return 'n/a';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** The summary table: scenario, runs, passed, failed, wall median, wall min–max. */
export function summaryTable(results) {
  const head = ['scenario', 'runs', 'passed', 'failed', 'wall median', 'wall min–max'];
  const ids = [...new Set(results.map((r) => r.scenario))];
  const rows = ids.map((id) => {
    const mine = results.filter((r) => r.scenario === id);
    const passed = mine.filter((r) => r.ok).length;
    const w = spread(mine.map((r) => r.wallMs));
    return [id, String(mine.length), String(passed), String(mine.length - passed), formatWall(w.median), `${formatWall(w.min)} – ${formatWall(w.max)}`];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = new Set([1, 2, 3, 4]);
  const fmt = (r) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

function parseDurationMs(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--timeout: "${text}" is not a duration (e.g. 900s, 15m)`);
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  if (ms <= 0) throw new UsageError('--timeout must be more than 0');
  return ms;
}

/** Runs per scenario from SOAK_RUNS ("id=N,id=N") and --runs id=N (flags win), in DEFAULT_RUNS order. */
export function planRuns(flags = [], env = process.env.SOAK_RUNS) {
  const plan = { ...DEFAULT_RUNS };
  const entries = [...(env ? env.split(',').filter(Boolean) : []), ...flags];
  for (const entry of entries) {
    const m = /^([a-z0-9-]+)=(\d+)$/.exec(entry.trim());
    if (!m) throw new UsageError(`runs: "${entry}" is not <scenario>=<count>`);
    const [, id, n] = m;
    if (!(id in DEFAULT_RUNS)) throw new UsageError(`runs: unknown scenario "${id}" (one of ${Object.keys(DEFAULT_RUNS).join(', ')})`);
    const count = Number(n);
    if (count > MAX_RUNS) throw new UsageError(`runs: ${id}=${count} is more than ${MAX_RUNS}`);
    plan[id] = count;
  }
  return plan;
}

/** --param id:key=value → { id: ['key=value'] }. */
export function planParams(flags = []) {
  const params = {};
  for (const entry of flags) {
    const m = /^([a-z0-9-]+):([^=\s]+=.*)$/.exec(entry);
    if (!m) throw new UsageError(`--param: "${entry}" is not <scenario>:<key>=<value>`);
    if (!(m[1] in DEFAULT_RUNS)) throw new UsageError(`--param: unknown scenario "${m[1]}"`);
    (params[m[1]] ??= []).push(m[2]);
  }
  return params;
}

/** One run of the built CLI in a fresh temp dir; resolves with its exit, wall time and output. */
function runOnce({ cli, scenario, params, timeoutMs, keep }) {
  const base = mkdtempSync(join(tmpdir(), `ocilab-soak-${scenario}-`));
  const env = { ...process.env, OCILAB_STATE_DIR: join(base, 'state'), OCILAB_CONFIG_DIR: join(base, 'config'), NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const args = [cli, 'run', scenario, '--plain', '--target', 'local', '--work-dir', join(base, 'work'), ...params.flatMap((p) => ['--param', p])];
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, cwd: base, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    current = child;
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), 10_000).unref();
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      const wallMs = performance.now() - started;
      const output = Buffer.concat(chunks).toString('utf8');
      const ok = code === 0 && !timedOut;
      // A failed run's output stays for reading; a passed one's dir goes (unless --keep).
      if (!ok) writeFileSync(join(base, 'output.txt'), output);
      if (ok && !keep) rmSync(base, { recursive: true, force: true });
      resolve({ code, signal, timedOut, wallMs, output, dir: base, ok });
    });
  });
}

let current;
function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function describeFailure(result) {
  const { failures, runStatus } = parsePlainFailures(result.output);
  const lines = [];
  if (result.timedOut) lines.push(`timed out (killed after ${formatWall(result.timeoutMs)})`);
  if (failures.length === 0) {
    const tail = result.output.trim().split('\n').slice(-6);
    lines.push(`exit ${result.code ?? result.signal}${runStatus ? `, run ${runStatus}` : ''}, no failed step in the output; last lines:`, ...tail.map((l) => `    ${l}`));
  }
  for (const f of failures) {
    lines.push(`step ${f.index}/${f.total} ${f.step} ${f.status}${f.message ? `: ${f.message}` : ''}`);
    for (const a of f.actions) lines.push(`    x ${a.action}: ${a.message}`);
    for (const o of f.output) lines.push(`    | ${o}`);
  }
  return { failures, lines };
}

export async function main(argv = process.argv.slice(2), write = (t) => process.stdout.write(t)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', multiple: true, default: [] },
      param: { type: 'string', multiple: true, default: [] },
      timeout: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    write('usage: node scripts/soak.mjs [--runs <scenario>=<n> ...] [--param <scenario>:<key>=<value> ...] [--timeout 15m] [--keep]\n' +
      `default runs: ${Object.entries(DEFAULT_RUNS).map(([k, v]) => `${k}=${v}`).join(' ')} (SOAK_RUNS="id=n,..." too)\n`);
    return 0;
  }
  const plan = planRuns(values.runs);
  const params = planParams(values.param);
  const timeoutMs = values.timeout ? parseDurationMs(values.timeout) : DEFAULT_TIMEOUT_MS;
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

  const results = [];
  const total = Object.values(plan).reduce((a, b) => a + b, 0);
  write(`soak: ${Object.entries(plan).map(([k, v]) => `${k} ${v}x`).join(', ')} (${total} run${total === 1 ? '' : 's'}, one at a time, local target, fresh dirs)\n`);
  for (const [scenario, count] of Object.entries(plan)) {
    for (let i = 1; i <= count; i++) {
      const result = await runOnce({ cli, scenario, params: params[scenario] ?? [], timeoutMs, keep: values.keep });
      if (interrupted) return 130;
      const entry = { scenario, run: i, ok: result.ok, wallMs: result.wallMs, dir: result.dir, timeoutMs, ...result };
      results.push(entry);
      if (result.ok) {
        write(`  ${scenario} ${i}/${count} passed in ${formatWall(result.wallMs)}\n`);
      } else {
        const { lines } = describeFailure(entry);
        entry.lines = lines;
        write(`  ${scenario} ${i}/${count} FAILED in ${formatWall(result.wallMs)}: ${lines[0]}\n`);
      }
    }
  }
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    write(`\nfailures (${failed.length}):\n`);
    for (const r of failed) {
      write(`${r.scenario} run ${r.run} (output: ${join(r.dir, 'output.txt')}):\n${r.lines.map((l) => `  ${l}`).join('\n')}\n`);
    }
  }
  write(`\n${summaryTable(results)}\n`);
  return failed.length > 0 ? 1 : 0;
}

let interrupted = false;
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.on('SIGINT', () => {
    interrupted = true;
    if (current) killGroup(current, 'SIGINT');
  });
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`soak: ${err.message}\n`);
      process.exit(err instanceof UsageError || err?.code?.startsWith?.('ERR_PARSE_ARGS') ? 2 : 1);
    },
  );
}
