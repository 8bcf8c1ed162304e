/**
 * Which repository and which smart-HTTP endpoint a request is for, refusing anything
 * that would leave the served directory (`..`, encoded slashes, symlinks pointing out).
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export type GitService = 'git-upload-pack' | 'git-receive-pack';

export interface RepoRequest {
  /** Repository path relative to the served directory, e.g. "small.git". */
  repo: string;
  /** PATH_INFO for http-backend: "/<repo>/info/refs" etc. */
  pathInfo: string;
  /** upload-pack (clone/fetch/ls-remote) or receive-pack (push). */
  service: GitService;
  /** Which step of the exchange. */
  endpoint: 'info/refs' | 'service';
}

export class RepoPathError extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'RepoPathError';
  }
}

const ENDPOINT = /^\/(.+?)\/(info\/refs|git-upload-pack|git-receive-pack)$/;

/** Parse and check a request path against the served root (which must be a realpath). */
export async function resolveRepoRequest(root: string, rawPath: string, query: URLSearchParams): Promise<RepoRequest> {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new RepoPathError(400, `malformed path ${rawPath}`);
  }
  if (path.includes('\0') || path.includes('\\')) throw new RepoPathError(400, `refused path ${rawPath}`);
  const m = ENDPOINT.exec(path);
  if (!m) throw new RepoPathError(404, `not a smart-HTTP git endpoint: ${rawPath} (only info/refs, git-upload-pack, git-receive-pack are served)`);
  const repo = m[1]!;
  const segments = repo.split('/');
  if (segments.some((s) => s === '..' || s === '.' || s === '') || isAbsolute(repo)) {
    throw new RepoPathError(403, `refused: ${repo} is outside the served directory`);
  }
  const full = resolve(root, repo);
  if (!isInside(root, full)) throw new RepoPathError(403, `refused: ${repo} is outside the served directory`);
  let real: string;
  try {
    real = await realpath(full);
  } catch {
    throw new RepoPathError(404, `repository ${repo} not found under the served directory`);
  }
  if (!isInside(root, real)) throw new RepoPathError(403, `refused: ${repo} resolves outside the served directory`);
  if (!(await isGitDir(real)) && !(await isGitDir(join(real, '.git')))) {
    throw new RepoPathError(404, `${repo} is not a git repository`);
  }
  const endpoint = m[2] === 'info/refs' ? 'info/refs' : 'service';
  const service = (endpoint === 'info/refs' ? query.get('service') : m[2]) as GitService | null;
  if (service !== 'git-upload-pack' && service !== 'git-receive-pack') {
    throw new RepoPathError(403, 'only smart HTTP is served: info/refs needs ?service=git-upload-pack or git-receive-pack');
  }
  return { repo, pathInfo: `/${repo}/${m[2]}`, service, endpoint };
}

function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

async function isGitDir(p: string): Promise<boolean> {
  try {
    const [head, objects] = await Promise.all([stat(join(p, 'HEAD')), stat(join(p, 'objects'))]);
    return head.isFile() && objects.isDirectory();
  } catch {
    return false;
  }
}
