/**
 * GitRepository, as source-controller reconciles it: list the remote ref first and skip when
 * `<ref>@sha1:<hash>` equals the stored artifact's revision (and the content settings are
 * unchanged); otherwise shallow-clone (depth 1, single branch, no tags), apply the ignore
 * rules, archive, and record the artifact. Uses the real git CLI over protocol v2;
 * source-controller uses go-git in-process, protocol v0/v1 (a documented difference,
 * differences.ts).
 */
import { makeTempDir } from '../engine/cleanup.js';
import { join } from 'node:path';
import { runGit, GitCommandError, GitNotFoundError } from '../git/git-binary.js';
import { CLONE_ID_HEADER } from '../git/server/request-log.js';
import { Reason } from '../flux/conditions.js';
import { sourceIgnorePatterns } from './ignore.js';
import { failed, progressing, ReconcileError, succeeded } from './outcome.js';
import type { GitRepository } from '../flux/sources.js';
import type { ArtifactStorage } from './storage.js';
import { nowRfc3339 } from '../flux/conditions.js';
import type { SourceEvent, SourceStatus } from './status.js';

export interface SourcePassDeps {
  storage: ArtifactStorage;
  signal: AbortSignal;
  emit: (e: Pick<SourceEvent, 'type' | 'reason' | 'message' | 'revision'>) => void;
  /** Called with the intermediate status while a new revision is fetched. */
  onProgress?: (s: SourceStatus) => void;
  /** Sent as X-Ocilab-Clone so ocilab's Git server accounts this pass's requests together. */
  passId?: string;
}

interface ResolvedRef {
  /** Full ref listed on the remote, e.g. refs/heads/main. */
  refName: string;
  /** Revision prefix: branch or tag name. */
  display: string;
  kind: 'branch' | 'tag';
}

/** spec.ref → the ref to list. Flux's default is branch `master`. */
export function resolveGitRef(ref: GitRepository['spec']['ref']): ResolvedRef {
  if (ref?.semver || ref?.commit) {
    throw new ReconcileError('Stalled', Reason.UnsupportedByLocalReconciler, 'ref.semver and ref.commit are not supported by the local reconciler; use ref.branch or ref.tag');
  }
  if (ref?.name) {
    const m = /^refs\/(heads|tags)\/(.+)$/.exec(ref.name);
    if (!m) throw new ReconcileError('Stalled', Reason.UnsupportedByLocalReconciler, `ref.name "${ref.name}" is not refs/heads/* or refs/tags/*; the local reconciler supports only those`);
    return { refName: ref.name, display: m[2]!, kind: m[1] === 'heads' ? 'branch' : 'tag' };
  }
  if (ref?.tag) return { refName: `refs/tags/${ref.tag}`, display: ref.tag, kind: 'tag' };
  const branch = ref?.branch ?? 'master';
  return { refName: `refs/heads/${branch}`, display: branch, kind: 'branch' };
}

/** `git ls-remote`: the commit a ref points at (peeled for annotated tags). */
/** `-c` options every git call of a pass gets: protocol v2 and the pass id header. */
function gitConfig(passId?: string): string[] {
  return ['-c', 'protocol.version=2', ...(passId ? ['-c', `http.extraHeader=${CLONE_ID_HEADER}: ${passId}`] : [])];
}

export async function lsRemote(url: string, ref: ResolvedRef, signal: AbortSignal, passId?: string): Promise<string> {
  const patterns = ref.kind === 'tag' ? [ref.refName, `${ref.refName}^{}`] : [ref.refName];
  let out: string;
  try {
    out = (await runGit([...gitConfig(passId), 'ls-remote', url, ...patterns], { signal })).stdout;
  } catch (err) {
    throw gitFailure(`unable to list remote refs of '${url}'`, err);
  }
  const lines = out.split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]);
  const peeled = lines.find(([, r]) => r === `${ref.refName}^{}`);
  const direct = lines.find(([, r]) => r === ref.refName);
  const hash = (peeled ?? direct)?.[0];
  if (!hash) throw new ReconcileError('FetchFailed', Reason.GitOperationFailed, `failed to checkout and determine revision: unable to clone '${url}': couldn't find remote ref "${ref.refName}"`);
  return hash;
}

function gitFailure(what: string, err: unknown): ReconcileError {
  if (err instanceof GitNotFoundError) return new ReconcileError('FetchFailed', Reason.GitOperationFailed, err.message);
  const detail =
    err instanceof GitCommandError
      ? (err.stderr.trim().split('\n').filter(Boolean).pop() ?? err.message).replace(/^fatal: /, '')
      : (err as Error).name === 'AbortError'
        ? 'timed out (spec.timeout) or aborted'
        : (err as Error).message;
  return new ReconcileError('FetchFailed', Reason.GitOperationFailed, `failed to checkout and determine revision: ${what}: ${detail}`);
}

const sameList = (a: string[] | undefined, b: string[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

export async function reconcileGitRepository(obj: GitRepository, prev: SourceStatus, generation: number, deps: SourcePassDeps): Promise<SourceStatus> {
  const { spec, metadata } = obj;
  try {
    const ref = resolveGitRef(spec.ref);
    const remoteHash = await lsRemote(spec.url, ref, deps.signal, deps.passId);
    const remoteRevision = `${ref.display}@sha1:${remoteHash}`;
    const settingsUnchanged = prev.observedIgnore === spec.ignore && sameList(prev.observedSparseCheckout, spec.sparseCheckout);
    if (prev.artifact?.revision === remoteRevision && settingsUnchanged && (await deps.storage.exists(prev.artifact.path))) {
      deps.emit({ type: 'Trace', reason: Reason.ArtifactUpToDate, message: `artifact up-to-date with remote revision: '${remoteRevision}'`, revision: remoteRevision });
      return { ...succeeded(prev, generation, prev.artifact, `stored artifact for revision '${remoteRevision}'`), lastFetch: 'skipped-unchanged' };
    }
    deps.onProgress?.(progressing(prev, generation, remoteRevision));

    const temp = makeTempDir('ocilab-gitrepo-');
    const tmp = temp.path;
    try {
      const dir = join(tmp, 'checkout');
      await shallowClone(spec.url, ref, spec.sparseCheckout, dir, deps.signal, deps.passId);
      const commit = (await runGit(['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim();
      const subject = (await runGit(['-C', dir, 'log', '-1', '--format=%s'])).stdout.trim();
      const revision = `${ref.display}@sha1:${commit}`;
      const rel = deps.storage.relPath('GitRepository', metadata.namespace, metadata.name, `${commit}.tar.gz`);
      let stored: { digest: string; size: number };
      try {
        stored = await deps.storage.archive(dir, rel, await sourceIgnorePatterns(dir, spec.ignore), deps.signal);
      } catch (err) {
        throw new ReconcileError('StorageOperationFailed', Reason.ArchiveOperationFailed, `unable to archive artifact to storage: ${(err as Error).message}`);
      }
      const artifact = { revision, digest: stored.digest, size: stored.size, path: rel, url: deps.storage.url(rel), lastUpdateTime: nowRfc3339() };
      await deps.storage.gc('GitRepository', metadata.namespace, metadata.name, rel);
      deps.emit({ type: 'Normal', reason: Reason.NewArtifact, message: `stored artifact for commit '${subject}'`, revision });
      return {
        ...succeeded(prev, generation, artifact, `stored artifact for revision '${revision}'`, {
          observedIgnore: spec.ignore,
          observedSparseCheckout: spec.sparseCheckout,
        }),
        lastFetch: 'fetched',
      };
    } finally {
      await temp.remove();
    }
  } catch (err) {
    const e = err instanceof ReconcileError ? err : gitFailure(`unable to clone '${spec.url}'`, err);
    deps.emit({ type: 'Warning', reason: e.reason, message: e.message });
    return failed(prev, generation, e);
  }
}

/** depth 1, single branch, no tags; with sparseCheckout a blobless clone of just those folders. */
async function shallowClone(url: string, ref: ResolvedRef, sparse: string[] | undefined, dir: string, signal: AbortSignal, passId?: string): Promise<void> {
  const args = [...gitConfig(passId), 'clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', '--branch', ref.display];
  try {
    if (sparse && sparse.length > 0) {
      await runGit([...args, '--filter=blob:none', '--no-checkout', url, dir], { signal });
      const patterns = sparse.map((p) => `/${p.replace(/^\.\//, '').replace(/\/+$/, '')}/`);
      await runGit([...gitConfig(passId), '-C', dir, 'sparse-checkout', 'set', '--no-cone', ...patterns], { signal });
      await runGit([...gitConfig(passId), '-C', dir, 'checkout', '--quiet', ref.kind === 'tag' ? `tags/${ref.display}` : ref.display], { signal });
    } else {
      await runGit([...args, url, dir], { signal });
    }
  } catch (err) {
    throw gitFailure(`unable to clone '${url}'`, err);
  }
}
