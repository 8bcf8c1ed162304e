/**
 * Workshop mode around a runner: saves which steps the learner finished after every step,
 * and on start says where the run resumes (earlier steps are re-established by their solve).
 */
import type { Runner } from '../engine/runner.js';
import { ProgressStore, resumeIndex, type Progress } from './progress.js';

export interface WorkshopSession {
  /** 0-based step to fast-forward to, when earlier progress was found. */
  resumeAt?: number;
  /** What to tell the learner (resume, env file); changes as the run goes. */
  notice(): string | undefined;
  /** Called with each new notice. */
  onNotice(listener: (text: string) => void): void;
  progress: ProgressStore;
}

export function attachWorkshop(runner: Runner, opts: { reset?: boolean; warn?: (msg: string) => void; progress?: ProgressStore } = {}): WorkshopSession {
  const scenario = runner.scenario;
  const progress = opts.progress ?? new ProgressStore(scenario.id);
  if (opts.reset) progress.reset();
  const saved: Progress | undefined = opts.reset ? undefined : progress.load(opts.warn);
  const done: Progress['done'] = {};
  let resumeAt = resumeIndex(scenario, saved);
  if (resumeAt !== undefined) resumeAt = Math.min(resumeAt, scenario.steps.length - 1);
  const resumeText =
    resumeAt !== undefined && resumeAt > 0
      ? `resumed: step${resumeAt > 1 ? `s 1–${resumeAt}` : ' 1'} done before, re-established by their solve; you are on step ${resumeAt + 1} (--reset starts over)`
      : undefined;
  let envText: string | undefined;
  const listeners: ((t: string) => void)[] = [];
  const notice = () => [resumeText, envText].filter(Boolean).join(' · ') || undefined;

  runner.on((e) => {
    if (e.type !== 'step.end') return;
    const id = scenario.steps[e.index]?.id;
    if (id && (e.status === 'passed' || e.status === 'skipped')) {
      done[id] = e.status;
      try {
        progress.save({ ...(saved?.done ?? {}), ...done });
      } catch (err) {
        opts.warn?.(`could not save progress to ${progress.file}: ${(err as Error).message}`);
      }
    }
    const env = runner.vars['workshop.envFile'];
    if (env && !envText) {
      envText = `your terminal: source ${env}`;
      const t = notice()!;
      for (const l of listeners) l(t);
    }
  });

  return {
    ...(resumeAt !== undefined && resumeAt > 0 ? { resumeAt } : {}),
    notice,
    onNotice: (l) => listeners.push(l),
    progress,
  };
}
