/**
 * Source content for the rig tests: a bare Git repository seeded with files (served by
 * ocilab's Git server, src/git/server), a commit pushed to it over HTTP like a learner would,
 * and the ConfigMap manifest the Kustomizations apply. Real git (src/git/git-binary).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isolatedGitEnv, runGit } from '../../src/git/git-binary.js';

const env = isolatedGitEnv({
  GIT_AUTHOR_NAME: 'rig',
  GIT_AUTHOR_EMAIL: 'rig@ocilab.invalid',
  GIT_COMMITTER_NAME: 'rig',
  GIT_COMMITTER_EMAIL: 'rig@ocilab.invalid',
});

export function configMap(name: string, value: string, namespace = 'default'): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  delivered-by: ${value}\n`;
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
}

/** Creates the bare repository `bare` (branch main, one commit holding `files`); returns the commit. */
export async function seedGitRepo(bare: string, files: Record<string, string>): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), 'ocilab-rig-seed-'));
  try {
    await writeFiles(tmp, files);
    await runGit(['init', '-q', '-b', 'main', tmp], { env });
    await runGit(['-C', tmp, 'add', '.'], { env });
    await runGit(['-C', tmp, 'commit', '-q', '-m', 'rig: first commit'], { env });
    await mkdir(dirname(bare), { recursive: true });
    await runGit(['clone', '-q', '--bare', tmp, bare], { env });
    return (await runGit(['-C', tmp, 'rev-parse', 'HEAD'], { env })).stdout.trim();
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Clones `url` (main), writes `files`, commits and pushes over HTTP; returns the new commit. */
export async function commitAndPush(url: string, files: Record<string, string>, message: string): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), 'ocilab-rig-push-'));
  try {
    const dir = join(tmp, 'repo');
    await runGit(['clone', '-q', '--branch', 'main', url, dir], { env });
    await writeFiles(dir, files);
    await runGit(['-C', dir, 'add', '-A'], { env });
    await runGit(['-C', dir, 'commit', '-q', '-m', message], { env });
    await runGit(['-C', dir, 'push', '-q', 'origin', 'HEAD:refs/heads/main'], { env });
    return (await runGit(['-C', dir, 'rev-parse', 'HEAD'], { env })).stdout.trim();
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
