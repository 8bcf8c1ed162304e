/**
 * "Someone pushes a change": clone the branch, edit one app (bump its image tag or edit its
 * ConfigMap) with the `yaml` package, commit and push over HTTP like a learner would.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { makeTempDir } from '../process/cleanup.js';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { isolatedGitEnv, runGit } from './git-binary.js';

export interface CommitChangeOptions {
  url: string;
  branch?: string;
  /** App folder under apps/, default app-000. */
  app?: string;
  change?: 'image' | 'config';
  /** Commit message; a descriptive default otherwise. */
  message?: string;
  signal?: AbortSignal;
}

export interface CommitChangeResult {
  commit: string;
  message: string;
  file: string;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'ocilab',
  GIT_AUTHOR_EMAIL: 'ocilab@ocilab.invalid',
  GIT_COMMITTER_NAME: 'ocilab',
  GIT_COMMITTER_EMAIL: 'ocilab@ocilab.invalid',
};

export async function commitChange(opts: CommitChangeOptions): Promise<CommitChangeResult> {
  const branch = opts.branch ?? 'main';
  const app = opts.app ?? 'app-000';
  const change = opts.change ?? 'image';
  const env = isolatedGitEnv(IDENTITY);
  const temp = makeTempDir('ocilab-commit-');
  const tmp = temp.path;
  try {
    const dir = join(tmp, 'repo');
    await runGit(['clone', '--quiet', '--depth', '1', '--single-branch', '--branch', branch, opts.url, dir], { env, signal: opts.signal });
    const rel = `apps/${app}/${change === 'image' ? 'deployment.yaml' : 'configmap.yaml'}`;
    const path = join(dir, rel);
    const text = await readFile(path, 'utf8').catch(() => {
      throw new Error(`${rel} not found on ${branch} of ${opts.url}: is "${app}" an app of this fleet?`);
    });
    const doc = parseDocument(text);
    let what: string;
    if (change === 'image') {
      const imagePath = ['spec', 'template', 'spec', 'containers', 0, 'image'];
      const image = String(doc.getIn(imagePath) ?? '');
      const m = /^(.*):(\d+)\.(\d+)\.(\d+)$/.exec(image);
      if (!m) throw new Error(`${rel}: image "${image}" has no x.y.z tag to bump`);
      const next = `${m[1]}:${m[2]}.${m[3]}.${Number(m[4]) + 1}`;
      doc.setIn(imagePath, next);
      what = `bump image to ${next.split(':').pop()}`;
    } else {
      const ttl = Number(doc.getIn(['data', 'CACHE_TTL_SECONDS']) ?? 60) + 1;
      doc.setIn(['data', 'CACHE_TTL_SECONDS'], String(ttl));
      what = `set CACHE_TTL_SECONDS=${ttl}`;
    }
    await writeFile(path, doc.toString());
    const message = opts.message ?? `${app}: ${what}`;
    await runGit(['-C', dir, 'commit', '--quiet', '-am', message], { env, signal: opts.signal });
    await runGit(['-C', dir, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { env, signal: opts.signal });
    const commit = (await runGit(['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim();
    return { commit, message, file: rel };
  } finally {
    await temp.remove();
  }
}
