/**
 * Reference methods with the real git CLI, against any Git URL (file://, or http:// through
 * the counting proxy or one of ocilab's servers with a traffic meter). They measure what a
 * person typing git would pay; ocilab's own clone strategies and reconciler plug in through
 * the same FetchMethod interface.
 */
import { join } from 'node:path';
import { withTraffic } from '../traffic.js';
import type { FetchMethod, MethodOutcome, TrafficMeter } from '../types.js';
import { runChildSteps, type ChildStep } from './child-steps.js';

export type GitCliMode = 'full' | 'shallow' | 'sparse' | 'ls-remote';

export interface GitCliOptions {
  url: string;
  mode: GitCliMode;
  /** Branch to clone (default: the remote HEAD). */
  ref?: string;
  /** Folder to check out for `sparse` (e.g. "apps/app-007"). */
  appPath?: string;
  meter?: TrafficMeter;
  /** git binary (default "git" on PATH). */
  git?: string;
  idPrefix?: string;
}

const LABELS: Record<GitCliMode, string> = {
  full: 'git clone (full history)',
  shallow: 'git clone --depth 1 (what Flux does)',
  sparse: 'git clone --depth 1 --filter=blob:none --sparse + one folder',
  'ls-remote': 'git ls-remote (no-change check)',
};

const NOTES: Record<GitCliMode, string> = {
  full: 'one git process tree: transport, index-pack, checkout',
  shallow: 'shallow: the server builds a fresh pack with a shallow boundary',
  sparse: 'three git commands; blobs are fetched lazily during checkout (extra requests)',
  'ls-remote': 'lists refs only; what a poll with no change costs',
};

/** Quiet, reproducible git: no user config, no progress, no prompts. */
function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
  };
}

export function gitCliSteps(opts: GitCliOptions, dest: string): ChildStep[] {
  const git = opts.git ?? 'git';
  const branch = opts.ref ? ['--branch', opts.ref] : [];
  const work = join(dest, 'checkout');
  switch (opts.mode) {
    case 'full':
      return [{ file: git, args: ['clone', '--quiet', ...branch, opts.url, work], gitTrace: true }];
    case 'shallow':
      return [{ file: git, args: ['clone', '--quiet', '--depth', '1', '--no-tags', ...branch, opts.url, work], gitTrace: true }];
    case 'sparse': {
      if (!opts.appPath) throw new Error('git sparse clone needs appPath (the folder to check out)');
      return [
        {
          file: git,
          args: ['clone', '--quiet', '--depth', '1', '--no-tags', '--filter=blob:none', '--sparse', '--no-checkout', ...branch, opts.url, work],
          gitTrace: true,
        },
        {
          file: git,
          args: ['-C', work, 'sparse-checkout', 'set', '--no-cone', `/${opts.appPath.replace(/^\/+|\/+$/g, '')}/`],
          gitTrace: true,
        },
        { file: git, args: ['-C', work, 'checkout', '--quiet', opts.ref ?? 'HEAD'], gitTrace: true },
      ];
    }
    case 'ls-remote':
      return [{ file: git, args: ['ls-remote', opts.url, opts.ref ?? 'HEAD'], gitTrace: true }];
  }
}

export function gitCliMethod(opts: GitCliOptions): FetchMethod {
  return {
    id: `${opts.idPrefix ?? 'git.cli'}.${opts.mode}`,
    label: LABELS[opts.mode],
    kind: 'git',
    notes: [NOTES[opts.mode], ...(opts.meter ? [] : ['bytes and requests: not metered for this URL (n/a)'])],
    async run(dest, signal): Promise<MethodOutcome> {
      const steps = gitCliSteps(opts, dest);
      const { value, traffic } = await withTraffic(opts.meter, () => runChildSteps(steps, signal, gitEnv()));
      return { ...traffic, ...value, notes: [...(traffic.notes ?? []), ...(value.notes ?? [])] };
    },
  };
}
