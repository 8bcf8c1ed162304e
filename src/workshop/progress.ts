/**
 * Workshop progress per scenario: which steps a learner passed or skipped, kept in the
 * config dir (paths.ts) and written atomically after every step, so the next start
 * resumes at the first unfinished step.
 */
import { readFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
import type { Scenario } from '../engine/scenario-schema.js';
import { writeFileAtomic } from '../process/write-file-atomic.js';
import { progressFile, type PlatformEnv } from './paths.js';

const progressSchema = z.object({
  version: z.literal(1),
  scenario: z.string(),
  updatedAt: z.string(),
  /** Step id → how it was finished. */
  done: z.record(z.string(), z.enum(['passed', 'skipped'])),
});
export type Progress = z.infer<typeof progressSchema>;

export class ProgressStore {
  readonly file: string;
  constructor(
    readonly scenarioId: string,
    platform?: PlatformEnv,
  ) {
    this.file = progressFile(scenarioId, platform);
  }

  /** The saved progress, or undefined when there is none (a damaged file counts as none, with a warning). */
  load(warn: (msg: string) => void = () => undefined): Progress | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = progressSchema.parse(JSON.parse(text));
      return parsed.scenario === this.scenarioId ? parsed : undefined;
    } catch (err) {
      warn(`ignoring damaged progress file ${this.file}: ${(err as Error).message.split('\n')[0]}`);
      return undefined;
    }
  }

  save(done: Progress['done'], now = new Date()): void {
    const p: Progress = { version: 1, scenario: this.scenarioId, updatedAt: now.toISOString(), done };
    writeFileAtomic(this.file, `${JSON.stringify(p, null, 2)}\n`);
  }

  reset(): void {
    rmSync(this.file, { force: true });
  }
}

/**
 * Where to resume: the first step not recorded as done (steps that no longer exist in the
 * scenario are ignored). Undefined when nothing was done; the step count when all were.
 */
export function resumeIndex(scenario: Pick<Scenario, 'steps'>, progress: Progress | undefined): number | undefined {
  if (!progress || Object.keys(progress.done).length === 0) return undefined;
  const i = scenario.steps.findIndex((s) => !progress.done[s.id]);
  return i === -1 ? scenario.steps.length : i;
}
