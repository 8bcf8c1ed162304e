/**
 * Reference methods with the real git CLI, against any Git URL (file://, or http:// through
 * the counting proxy or one of ocilab's servers with a traffic meter). They measure what a
 * person typing git would pay; ocilab's own clone strategies and reconciler plug in through
 * the same FetchMethod interface.
 */
import { join } from 'node:path';
import { isolatedGitEnv } from '../../git/git-binary.js';
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
  sparse: 'git clone --depth 1 --filter=blob:none --sparse + sparse-checkout set <folder>',
  'ls-remote': 'git ls-remote (no-change check)',
};

const NOTES: Record<GitCliMode, string> = {
  full: 'one git process tree: transport, index-pack, checkout',
  shallow: 'shallow: the server builds a fresh pack with a shallow boundary',
  sparse: 'two git commands; blobs are fetched lazily when the folder is checked out (extra requests)',
  'ls-remote': 'lists refs only; what a poll with no change costs',
};

/**
 * The same git commands as ocilab's clone strategies (src/git/clone.ts) and Flux:
 * protocol v2; shallow = depth 1, single branch, no tags; sparse = shallow + blobless +
 * `sparse-checkout set <folder>` (cone mode: top-level files and that folder).
 */
export function gitCliSteps(opts: GitCliOptions, dest: string): ChildStep[] {
  const git = opts.git ?? 'git';
  const v2 = ['-c', 'protocol.version=2'];
  const single = opts.ref ? ['--single-branch', '--branch', opts.ref, '--no-tags'] : ['--single-branch', '--no-tags'];
  const work = join(dest, 'checkout');
  switch (opts.mode) {
    case 'full':
      return [{ file: git, args: [...v2, 'clone', '--quiet', ...(opts.ref ? ['--branch', opts.ref] : []), opts.url, work], gitTrace: true }];
    case 'shallow':
      return [{ file: git, args: [...v2, 'clone', '--quiet', '--depth', '1', ...single, opts.url, work], gitTrace: true }];
    case 'sparse': {
      if (!opts.appPath) throw new Error('git sparse clone needs appPath (the folder to check out)');
      return [
        { file: git, args: [...v2, 'clone', '--quiet', '--depth', '1', '--filter=blob:none', '--sparse', ...single, opts.url, work], gitTrace: true },
        { file: git, args: [...v2, '-C', work, 'sparse-checkout', 'set', opts.appPath.replace(/^\/+|\/+$/g, '')], gitTrace: true },
      ];
    }
    case 'ls-remote':
      return [{ file: git, args: [...v2, 'ls-remote', opts.url, opts.ref ? `refs/heads/${opts.ref}` : 'HEAD'], gitTrace: true }];
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
      const { value, traffic } = await withTraffic(opts.meter, () => runChildSteps(steps, signal, isolatedGitEnv()));
      return { ...traffic, ...value, notes: [...(traffic.notes ?? []), ...(value.notes ?? [])] };
    },
  };
}
