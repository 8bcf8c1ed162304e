/**
 * `ocilab bench`: Git vs OCI fetch costs, measured live on this machine (src/measure/bench.ts).
 * Prints the aligned table (--plain, the default) and writes any of --json/--csv/--md/--html.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { PRESETS, type Preset } from '../measure/matrix.js';
import { resolveDestRoot } from '../measure/dest-root.js';
import type { ReportFormat } from '../measure/output.js';
import { EXIT, UsageError } from './exit-codes.js';

/** Loaded on first use, so `ocilab --help` and other commands do not import them at start-up. */
const lazy = {
  bench: () => import('../measure/bench.js'),
  fleet: () => import('../measure/fleet-bench.js'),
  output: () => import('../measure/output.js'),
};

function count(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`"${value}" is not a whole number ≥ ${min}`);
    return n;
  };
}

const DEFAULT_PRESETS: Preset[] = ['small', 'medium'];

function presetList(value: string): Preset[] {
  const list = value.split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of list) {
    if (!(PRESETS as readonly string[]).includes(p)) throw new InvalidArgumentError(`unknown preset "${p}" (one of ${PRESETS.join(', ')})`);
  }
  return list as Preset[];
}

interface BenchFlags {
  presets: Preset[];
  runs: number;
  warmup: number;
  dest: string;
  quick?: boolean;
  clusters: number;
  interval: number;
  changes: number;
  json?: string | true;
  csv?: string | true;
  md?: string | true;
  html?: string;
  plain?: boolean;
  fleet?: number;
  window: number;
  pollSeconds: number;
  fleetChanges: number;
  workers: number;
  fleetPreset: Preset;
}

function positive(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what}: "${value}" is not a number > 0`);
    return n;
  };
}

function onePreset(value: string): Preset {
  const [p, ...rest] = presetList(value);
  if (!p || rest.length) throw new InvalidArgumentError(`one preset (${PRESETS.join(', ')}), got "${value}"`);
  return p;
}

export function benchCommand(): Command {
  return new Command('bench')
    .description('measure Git clone vs OCI pull live: fixtures, ocilab servers, every method, medians, fleet projection')
    // The default described as typed (small,medium), not as commander prints an array.
    .addOption(new Option('-p, --presets <list>', `fixture presets, comma-separated (${PRESETS.join(', ')})`).argParser(presetList).default([...DEFAULT_PRESETS], DEFAULT_PRESETS.join(',')))
    .option('-n, --runs <n>', 'measured runs per method', count(1), 5)
    .option('-w, --warmup <n>', 'warm-up runs per method', count(0), 1)
    .option('--dest <where>', 'where runs write files: tmpfs, temp, or a directory', 'tmpfs')
    .option('--quick', 'leave out the full clone and the curl reference methods')
    .option('--clusters <n>', 'fleet projection: clusters', count(0), 1000)
    .option('--interval <minutes>', 'fleet projection: poll interval in minutes', Number, 1)
    .option('--changes <n>', 'fleet projection: changes per hour', Number, 2)
    .option('--fleet <n>', 'instead of the methods: N simulated source-controllers per transport poll both servers for a window; measured vs projected', count(1))
    .option('--window <seconds>', 'fleet: the measured window', positive('--window'), 30)
    .option('--poll-seconds <s>', 'fleet: the compressed poll interval (stands for --interval minutes)', positive('--poll-seconds'), 10)
    .option('--fleet-changes <n>', 'fleet: changes pushed during the window', count(0), 2)
    .option('--workers <n>', 'fleet: worker processes the pollers run in', count(1), 2)
    .option('--fleet-preset <name>', 'fleet: the fixture polled', onePreset, 'small' as Preset)
    .option('--json [file]', 'JSON report (schema: src/measure/report.schema.json); stdout without a file')
    .option('--csv [file]', 'CSV, fixed columns; stdout without a file')
    .option('--md [file]', 'Markdown tables for slides; stdout without a file')
    .option('--html <file>', 'self-contained HTML report with charts')
    .option('--plain', 'aligned text table (the default when no other output goes to stdout)')
    .action(async (f: BenchFlags) => {
      if (!(f.interval > 0)) throw new InvalidArgumentError('--interval must be > 0 minutes');
      if (!(f.changes >= 0)) throw new InvalidArgumentError('--changes must be ≥ 0');
      if (f.fleet !== undefined) {
        try {
          (await lazy.fleet()).checkFleetOptions({ clusters: f.fleet, windowSeconds: f.window, pollSeconds: f.pollSeconds, intervalMinutes: f.interval, changes: f.fleetChanges, workers: f.workers, preset: f.fleetPreset, calibrationRuns: 5 });
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
      }
      const ac = new AbortController();
      const stop = () => ac.abort(new Error('interrupted'));
      process.once('SIGINT', stop);
      try {
        const report = f.fleet !== undefined
          ? await (await lazy.fleet()).runFleetBench({
              clusters: f.fleet,
              windowSeconds: f.window,
              pollSeconds: f.pollSeconds,
              intervalMinutes: f.interval,
              changes: f.fleetChanges,
              workers: f.workers,
              preset: f.fleetPreset,
              signal: ac.signal,
              log: (l) => process.stderr.write(`${l}\n`),
            })
          : await (await lazy.bench()).runGitVsOciBench({
          presets: f.presets,
          runs: f.runs,
          warmup: f.warmup,
          destRoot: resolveDestRoot(f.dest),
          quick: f.quick,
          fleet: { clusters: f.clusters, intervalMinutes: f.interval, changesPerHour: f.changes },
          signal: ac.signal,
          log: (l) => process.stderr.write(`${l}\n`),
          onSample: (s, info) => {
            if (!info.warmup) process.stderr.write(`  ${info.cell.preset}/${info.cell.scope} ${info.cell.method.id}: ${s.wallMs.toFixed(1)} ms\n`);
          },
        });
        let stdoutUsed = false;
        for (const format of ['json', 'csv', 'md'] as const satisfies readonly ReportFormat[]) {
          const target = f[format];
          if (target === undefined) continue;
          if (target === true) {
            process.stdout.write((await lazy.output()).renderReport(report, format));
            stdoutUsed = true;
          } else {
            await (await lazy.output()).writeReport(report, target, format);
            process.stderr.write(`wrote ${target}\n`);
          }
        }
        if (f.html) {
          await (await lazy.output()).writeReport(report, f.html, 'html');
          process.stderr.write(`wrote ${f.html}\n`);
        }
        if (f.plain || !stdoutUsed) process.stdout.write((await lazy.output()).renderReport(report, 'plain'));
        const errors = report.fleet?.transports.reduce((n, t) => n + t.measured.errors, 0) ?? 0;
        if (errors > 0) {
          process.stderr.write(`ocilab: the fleet run had ${errors} failed poll(s): the figures above are not a clean measurement\n`);
          process.exitCode = EXIT.failed;
        }
      } catch (err) {
        // Ctrl-C: the run stopped and cleaned up; say so without a stack (exit 130)
        if (!ac.signal.aborted) throw err;
        process.stderr.write('ocilab bench: interrupted; nothing was written\n');
        process.exitCode = EXIT.interrupted;
      } finally {
        process.off('SIGINT', stop);
      }
    });
}
