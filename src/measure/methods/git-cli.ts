/**
 * Reference methods with the real git CLI, against any Git URL (file://, or http:// through
 * the counting proxy or one of ocilab's servers with a traffic meter). They measure what a
 * person typing git would pay; ocilab's own clone strategies and reconciler plug in through
 * the same FetchMethod interface.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isolatedGitEnv } from '../../git/git-binary.js';
import { withTraffic } from '../traffic.js';
import type { FetchMethod, MethodOutcome, TrafficMeter } from '../types.js';

const execFileP = promisify(execFile);
import { runChildStepsWithOutput, type ChildStep } from './child-steps.js';
import { aboveFloor, floorNote, measureClientFloor, type ClientFloor } from './client-floor.js';

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

const SHORT: Record<GitCliMode, string> = { full: 'git full', shallow: 'git shallow', sparse: 'git sparse', 'ls-remote': 'git ls-remote' };

export const GIT_CLI_CLIENT = 'git CLI process';

/** The commit the branch (or HEAD) points at on the server, read once before the first run. */
async function remoteCommit(opts: GitCliOptions, signal: AbortSignal): Promise<string> {
  const ref = opts.ref ? `refs/heads/${opts.ref}` : 'HEAD';
  const { stdout } = await execFileP(opts.git ?? 'git', ['ls-remote', opts.url, ref], { env: isolatedGitEnv(), signal });
  const line = stdout.split('\n').find((l) => l.endsWith(`\t${ref}`));
  const sha = line?.split('\t')[0];
  if (!sha || !/^[0-9a-f]{40,64}$/.test(sha)) {
    throw new Error(`${opts.url} has no ${opts.ref ? `branch "${opts.ref}"` : 'HEAD'}: nothing to measure (the branch the GitRepository names must exist on the server)`);
  }
  return sha;
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && !`${e.parentPath}/`.includes('/.git/')) n++;
  }
  return n;
}

/**
 * Check that a run did the work: the checkout is at the expected commit and has files (and,
 * for sparse, the folder asked for); ls-remote listed the ref at that commit.
 */
export async function checkGitRun(opts: GitCliOptions, dest: string, stdout: readonly string[], expected: string, signal: AbortSignal): Promise<void> {
  const what = `${opts.url} ${opts.mode}`;
  if (opts.mode === 'ls-remote') {
    const listed = (stdout[0] ?? '').split('\n').some((l) => l.startsWith(`${expected}\t`));
    if (!listed) throw new Error(`${what}: ls-remote did not list ${opts.ref ?? 'HEAD'} at ${expected.slice(0, 12)}`);
    return;
  }
  const work = join(dest, 'checkout');
  const head = await execFileP(opts.git ?? 'git', ['-C', work, 'rev-parse', '--verify', '-q', 'HEAD'], { env: isolatedGitEnv(), signal }).then(
    (r) => r.stdout.trim(),
    () => '',
  );
  if (head !== expected) throw new Error(`${what}: the clone is at ${head ? head.slice(0, 12) : 'no commit (an empty repository?)'}, expected ${expected.slice(0, 12)}`);
  const root = opts.mode === 'sparse' && opts.appPath ? join(work, opts.appPath) : work;
  const files = await countFiles(root).catch(() => 0);
  if (files === 0) throw new Error(`${what}: nothing was checked out${opts.mode === 'sparse' ? ` in ${opts.appPath}` : ''}`);
}

export function gitCliMethod(opts: GitCliOptions): FetchMethod {
  let expected: string | undefined;
  let floor: ClientFloor | undefined;
  return {
    id: `${opts.idPrefix ?? 'git.cli'}.${opts.mode}`,
    label: LABELS[opts.mode],
    short: SHORT[opts.mode],
    kind: 'git',
    client: GIT_CLI_CLIENT,
    notes: [
      NOTES[opts.mode],
      `one client process per run (${opts.mode === 'sparse' ? 'two commands' : 'git'}), start-up included; each run is checked: ${opts.mode === 'ls-remote' ? 'the ref listed at the expected commit' : 'the checkout at the expected commit, with files'}`,
      ...(opts.meter ? [] : ['bytes and requests: not metered for this URL (n/a)']),
    ],
    async run(dest, signal): Promise<MethodOutcome> {
      expected ??= await remoteCommit(opts, signal);
      floor ??= await measureClientFloor({ file: opts.git ?? 'git', args: ['--version'] }, signal, isolatedGitEnv());
      const steps = gitCliSteps(opts, dest);
      const { value, traffic } = await withTraffic(opts.meter, () => runChildStepsWithOutput(steps, signal, isolatedGitEnv()));
      await checkGitRun(opts, dest, value.stdout, expected, signal);
      return {
        ...traffic,
        ...value.outcome,
        ...aboveFloor(value, floor, steps.length),
        notes: [...(traffic.notes ?? []), ...(value.outcome.notes ?? []), floorNote('git --version', floor), 'phases: the whole process timeline (trace2), start-up included'],
      };
    },
  };
}
