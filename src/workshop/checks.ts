/**
 * Checks for workshop tasks: each says precisely what is still wrong ("the tag v1 exists
 * but its revision is X; expected Y"), so a learner knows what to fix. Pure functions over
 * the registry; the actions in actions.ts wrap them.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { makeTempDir } from '../process/cleanup.js';
import { join } from 'node:path';
import { RegistryClient } from '../oci/client.js';
import { isOciError } from '../oci/errors.js';
import { FLUX_CONTENT_TARGZ } from '../oci/media-types.js';
import { formatReference, parseReference, withTag, type Reference } from '../oci/reference.js';
import { pullArtifact, resolveArtifact } from '../oci/remote.js';

export interface ArtifactExpectation {
  /** oci://host/repo:tag */
  url: string;
  revision?: string;
  source?: string;
  /** Another tag of the same repository that must point at the same digest. */
  sameAs?: string;
  /** Paths that must exist in the extracted content. */
  files?: string[];
  /** Where to extract the content for the file checks. */
  scratch?: string;
}

export type CheckResult = { ok: true; digest: string; lines: string[] } | { ok: false; message: string };

const short = (digest: string) => `${digest.slice(0, 19)}…`;

async function catalog(ref: Reference, signal?: AbortSignal): Promise<string[]> {
  try {
    const res = await fetch(`${ref.scheme}://${ref.registry}/v2/_catalog`, { signal });
    if (!res.ok) return [];
    return ((await res.json()) as { repositories?: string[] }).repositories ?? [];
  } catch {
    return [];
  }
}

async function tagsOf(client: RegistryClient, repo: string, signal?: AbortSignal): Promise<string[] | undefined> {
  try {
    return (await client.listTags(repo, { signal })).filter((t) => !/^sha256-[0-9a-f]{64}(\.sig)?$/.test(t)).sort();
  } catch (err) {
    if (isOciError(err, 'NOT_FOUND') || /404|not found|unknown/i.test((err as Error).message)) return undefined;
    throw err;
  }
}

/** Why `ref`'s tag is not there, with what is there instead. */
async function missingTag(client: RegistryClient, ref: Reference, signal?: AbortSignal): Promise<string> {
  const where = formatReference(ref, { oci: true });
  const tags = await tagsOf(client, ref.repository, signal);
  if (tags && tags.length > 0) return `${where} does not exist: ${ref.repository} has the tag(s) ${tags.join(', ')} but no ${ref.tag}`;
  const repos = (await catalog(ref, signal)).filter((r) => r !== ref.repository);
  if (repos.length > 0) {
    return `${where} does not exist: the registry has no repository ${ref.repository}; it has ${repos.join(', ')} (check the path after the host)`;
  }
  return `${where} does not exist: nothing has been pushed to ${ref.registry} yet`;
}

export async function checkArtifact(exp: ArtifactExpectation, signal?: AbortSignal): Promise<CheckResult> {
  const ref = parseReference(exp.url, { insecure: true });
  if (!ref.tag) return { ok: false, message: `${exp.url}: the check needs a tag` };
  const client = RegistryClient.forReference(ref);
  try {
    const tags = await tagsOf(client, ref.repository, signal);
    if (!tags?.includes(ref.tag)) return { ok: false, message: await missingTag(client, ref, signal) };
    const info = await resolveArtifact(client, ref, signal);
    const at = `the tag ${ref.tag} exists (digest ${short(info.digest)})`;
    if (info.layer.mediaType !== FLUX_CONTENT_TARGZ) {
      return { ok: false, message: `${at} but its layer is "${info.layer.mediaType}", not a Flux artifact (${FLUX_CONTENT_TARGZ}): push it with flux push artifact or ocilab artifact push` };
    }
    if (exp.revision !== undefined && info.revision !== exp.revision) {
      return { ok: false, message: `${at} but its revision is ${info.revision ? `"${info.revision}"` : 'missing'}; expected "${exp.revision}" (--revision ${exp.revision})` };
    }
    if (exp.source !== undefined && info.source !== exp.source) {
      return { ok: false, message: `${at} but its source is ${info.source ? `"${info.source}"` : 'missing'}; expected "${exp.source}" (--source ${exp.source})` };
    }
    if (exp.sameAs) {
      const other = withTag(ref, exp.sameAs);
      if (!tags.includes(exp.sameAs)) return { ok: false, message: await missingTag(client, other, signal) };
      const o = await resolveArtifact(client, other, signal);
      if (o.digest !== info.digest) {
        return { ok: false, message: `${at} but ${exp.sameAs} is ${short(o.digest)}: the two tags point at different artifacts (tag ${exp.sameAs} again, do not push a second time)` };
      }
    }
    const lines = [`${formatReference(ref, { oci: true })} → ${info.digest}`, `  revision ${info.revision ?? '-'}, source ${info.source ?? '-'}`];
    if (exp.files?.length) {
      const temp = makeTempDir('.check-', { parent: exp.scratch ?? '/tmp' });
      const scratch = temp.path;
      try {
        const out = join(scratch, 'content');
        await pullArtifact(ref, { output: out, signal });
        const missing = exp.files.filter((f) => !existsSync(join(out, f)));
        if (missing.length > 0) {
          const top = (await readdir(out)).sort().slice(0, 8);
          return { ok: false, message: `${at} but its content has no ${missing.join(', ')} (its top level: ${top.join(', ') || 'empty'}): --path must be the directory holding them` };
        }
        lines.push(`  content has ${exp.files.join(', ')}`);
      } finally {
        await temp.remove();
      }
    }
    return { ok: true, digest: info.digest, lines };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { ok: false, message: `${exp.url}: ${(err as Error).message}` };
  } finally {
    await client.close();
  }
}
