/**
 * Run a few measured child processes one after the other (git clone, then sparse-checkout,
 * then checkout) and add up what they cost: CPU summed, peak RSS the largest, phases by name.
 */
import { readFile } from 'node:fs/promises';
import { makeTempDir } from '../../process/cleanup.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { assertChildOk, runMeasuredChild } from '../child-usage.js';
import { phasesFromTrace2, sumPhases } from '../git-trace2.js';
import type { MethodOutcome, Phase } from '../types.js';

export interface ChildStep {
  file: string;
  args: string[];
  cwd?: string;
  /** Read git's trace2 events for phases (startup, fetch, checkout). */
  gitTrace?: boolean;
}

export async function runChildSteps(steps: readonly ChildStep[], signal: AbortSignal, env?: NodeJS.ProcessEnv): Promise<MethodOutcome> {
  return (await runChildStepsWithOutput(steps, signal, env)).outcome;
}

/**
 * runChildSteps, also giving each step's standard output (clipped at 64 KiB), so a method can
 * check what the command did, and the wall time of the commands, added up (each spawn to exit
 * as Node saw it: the same measuring wrappers for every client measured this way).
 */
export async function runChildStepsWithOutput(
  steps: readonly ChildStep[],
  signal: AbortSignal,
  env?: NodeJS.ProcessEnv,
): Promise<{ outcome: MethodOutcome; stdout: string[]; wallMs: number }> {
  const stdout: string[] = [];
  let wallMs = 0;
  let cpu: number | null = 0;
  let rss: number | null = 0;
  const phaseLists: Phase[][] = [];
  const notes = new Set<string>();
  const traced = steps.some((s) => s.gitTrace);
  const temp = traced ? makeTempDir('ocilab-trace-') : undefined;
  const scratch = temp?.path ?? '';
  try {
    for (const [i, step] of steps.entries()) {
      const traceFile = join(scratch, `trace-${i}`);
      const stepEnv = { ...(env ?? process.env), ...(step.gitTrace ? { GIT_TRACE2_EVENT: traceFile } : {}) };
      const spawnedAt = performance.timeOrigin + performance.now();
      const usage = await runMeasuredChild(step.file, step.args, { cwd: step.cwd, env: stepEnv, signal });
      assertChildOk(usage, `${step.file} ${step.args.join(' ')}`);
      stdout.push(usage.stdout);
      wallMs += usage.wallMs;
      cpu = cpu === null || usage.cpuMs === null ? null : cpu + usage.cpuMs;
      rss = rss === null || usage.peakRssBytes === null ? null : Math.max(rss, usage.peakRssBytes);
      usage.notes.forEach((n) => notes.add(n));
      if (step.gitTrace) {
        const phases = phasesFromTrace2(await readFile(traceFile, 'utf8').catch(() => ''), spawnedAt);
        if (phases.length) phaseLists.push(phases);
      }
    }
  } finally {
    await temp?.remove();
  }
  if (phaseLists.length) notes.add('phases: git trace2 events (startup = spawn → git process start)');
  const out: MethodOutcome = { clientCpuMs: cpu, clientPeakRssBytes: rss, notes: [...notes] };
  if (phaseLists.length === steps.length) out.phases = sumPhases(phaseLists);
  return { outcome: out, stdout, wallMs };
}
