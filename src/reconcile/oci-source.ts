/**
 * OCIRepository, as source-controller reconciles it: HEAD the manifest first and skip when
 * `<tag>@sha256:<digest>` is unchanged (and ignore/layerSelector are unchanged and the last
 * verification passed); otherwise verify (when `spec.verify` is set, through a
 * SourceVerifier), pull the selected layer, extract it with the shared safe extractor,
 * re-archive with the ignore rules, and record the artifact. Uses ocilab's OCI client.
 */
import { makeTempDir } from '../engine/cleanup.js';
import { join } from 'node:path';
import type { RegistryClient } from '../oci/client.js';
import { ociClientFor } from './oci-tls.js';
import { extractTarball } from '../oci/extract.js';
import { isOciError } from '../oci/errors.js';
import { parseReference, type Reference } from '../oci/reference.js';
import { ConditionType as T, Reason, getCondition, nowRfc3339, removeCondition, setCondition } from '../flux/conditions.js';
import type { SourcePassDeps } from './git-source.js';
import { sourceIgnorePatterns } from './ignore.js';
import { failed, progressing, ReconcileError, succeeded } from './outcome.js';
import { latestMatchingTag } from './semver.js';
import type { OCIRepository } from '../flux/sources.js';
import type { SourceStatus } from './status.js';
import type { SourceVerifier } from './verifier.js';

export interface OciPassDeps extends SourcePassDeps {
  verifiers: ReadonlyMap<string, SourceVerifier>;
  /** Secrets applied to the reconciler, by "namespace/name". */
  secrets: ReadonlyMap<string, Record<string, Buffer>>;
}

function pullError(prefix: string, err: unknown): ReconcileError {
  if (err instanceof ReconcileError) return err;
  const msg = `${prefix}: ${(err as Error).message}`;
  if (isOciError(err, 'UNAUTHORIZED') || isOciError(err, 'DENIED') || isOciError(err, 'CREDENTIALS')) {
    return new ReconcileError('FetchFailed', Reason.AuthenticationFailed, msg);
  }
  return new ReconcileError('FetchFailed', Reason.OCIArtifactPullFailed, msg);
}

function parseUrl(obj: OCIRepository): Reference {
  let ref: Reference;
  try {
    ref = parseReference(obj.spec.url, { insecure: obj.spec.insecure });
  } catch (err) {
    throw new ReconcileError('Stalled', Reason.URLInvalid, `URL validation failed for '${obj.spec.url}': ${(err as Error).message}`);
  }
  if (ref.tag || ref.digest) {
    throw new ReconcileError('Stalled', Reason.URLInvalid, `URL must not contain a tag or digest ('${obj.spec.url}'): set spec.ref.tag or spec.ref.digest instead`);
  }
  return ref;
}

export async function reconcileOCIRepository(obj: OCIRepository, prev: SourceStatus, generation: number, deps: OciPassDeps): Promise<SourceStatus> {
  const { spec, metadata } = obj;
  let client: RegistryClient | undefined;
  // What a failure is recorded on: after a passed verification, SourceVerified=True stays even
  // when the pull then fails (source-controller marks conditions on the object as it goes).
  let base = prev;
  try {
    const ref = parseUrl(obj);
    client = ociClientFor(obj, ref, deps.secrets);
    const tag = await resolveTag(obj, ref, client, deps.signal);
    let digest: string;
    if (spec.ref?.digest) {
      digest = spec.ref.digest;
    } else {
      const head = await client.headManifest(ref.repository, tag, { signal: deps.signal }).catch((err) => {
        throw pullError('failed to determine artifact digest', err);
      });
      if (!head) throw new ReconcileError('FetchFailed', Reason.OCIArtifactPullFailed, `failed to determine artifact digest: ${spec.url.replace(/^oci:\/\//, '')}:${tag}: MANIFEST_UNKNOWN: manifest unknown`);
      digest = head.digest;
    }
    const revision = spec.ref?.digest ? digest : `${tag}@${digest}`;
    const selector = spec.layerSelector ? { mediaType: spec.layerSelector.mediaType, operation: spec.layerSelector.operation } : undefined;
    const verified = getCondition(prev.conditions, T.SourceVerified)?.status === 'True';
    const needVerify = !!spec.verify && (prev.artifact?.revision !== revision || prev.observedGeneration !== generation || !verified);
    const unchanged =
      prev.artifact?.revision === revision &&
      prev.observedIgnore === spec.ignore &&
      JSON.stringify(prev.observedLayerSelector) === JSON.stringify(selector) &&
      !needVerify &&
      (await deps.storage.exists(prev.artifact.path));
    if (unchanged && prev.artifact) {
      deps.emit({ type: 'Trace', reason: Reason.ArtifactUpToDate, message: `artifact up-to-date with remote revision: '${revision}'`, revision });
      return { ...succeeded(prev, generation, prev.artifact, `stored artifact for digest '${revision}'`), lastFetch: 'skipped-unchanged' };
    }
    deps.onProgress?.(progressing(prev, generation, revision));

    let conditions = spec.verify ? prev.conditions : removeCondition(prev.conditions, T.SourceVerified);
    if (spec.verify) {
      const message = await verify(obj, ref, digest, revision, client, deps);
      conditions = setCondition(conditions, { type: T.SourceVerified, status: 'True', reason: Reason.Succeeded, message, observedGeneration: generation });
      base = { ...prev, conditions };
    }

    const temp = makeTempDir('ocilab-ocirepo-');
    const tmp = temp.path;
    try {
      const manifest = await client.getManifest(ref.repository, digest, { signal: deps.signal }).catch((err) => {
        throw pullError(`failed to pull artifact from '${spec.url}'`, err);
      });
      const layers = (manifest.json.layers ?? []) as { mediaType: string; digest: string; size: number }[];
      const layer = selector?.mediaType ? layers.find((l) => l.mediaType === selector.mediaType) : layers[0];
      if (!layer) {
        // source-controller selectLayer's words
        const why = layers.length === 0 ? 'no layers found in artifact' : `failed to find layer with media type '${selector!.mediaType}' in artifact`;
        throw new ReconcileError('FetchFailed', Reason.OCIArtifactLayerOperationFailed, why);
      }
      const blob = join(tmp, 'layer');
      await client.downloadBlob(ref.repository, layer.digest, blob, { size: layer.size, signal: deps.signal }).catch((err) => {
        throw pullError(`failed to pull layer ${layer.digest} from '${spec.url}'`, err);
      });
      const rel = deps.storage.relPath('OCIRepository', metadata.namespace, metadata.name, `${digest}.tar.gz`);
      let stored: { digest: string; size: number };
      if (selector?.operation === 'copy') {
        stored = await deps.storage.storeFile(blob, rel);
      } else {
        const dir = join(tmp, 'content');
        try {
          await extractTarball(blob, dir, { gzip: true, skipSymlinks: true, label: `layer ${layer.digest} of ${revision}`, signal: deps.signal });
        } catch (err) {
          throw new ReconcileError('FetchFailed', Reason.OCIArtifactLayerOperationFailed, `failed to extract layer contents from artifact: ${(err as Error).message}`);
        }
        try {
          stored = await deps.storage.archive(dir, rel, await sourceIgnorePatterns(dir, spec.ignore), deps.signal);
        } catch (err) {
          throw new ReconcileError('StorageOperationFailed', Reason.ArchiveOperationFailed, `unable to archive artifact to storage: ${(err as Error).message}`);
        }
      }
      const metadataAnnotations = (manifest.json.annotations ?? {}) as Record<string, string>;
      const artifact = { revision, digest: stored.digest, size: stored.size, path: rel, url: deps.storage.url(rel), lastUpdateTime: nowRfc3339(), metadata: metadataAnnotations };
      await deps.storage.gc('OCIRepository', metadata.namespace, metadata.name, rel);
      // source-controller's notify(): enriched with the origin when the artifact carries both annotations
      const origin = metadataAnnotations['org.opencontainers.image.source'] && metadataAnnotations['org.opencontainers.image.revision']
        ? `, origin source '${metadataAnnotations['org.opencontainers.image.source']}', origin revision '${metadataAnnotations['org.opencontainers.image.revision']}'`
        : '';
      deps.emit({ type: 'Normal', reason: Reason.NewArtifact, message: `stored artifact with revision '${revision}' from '${spec.url}'${origin}`, revision });
      return {
        ...succeeded({ ...prev, conditions }, generation, artifact, `stored artifact for digest '${revision}'`, {
          observedIgnore: spec.ignore,
          observedLayerSelector: selector,
        }),
        lastFetch: 'fetched',
      };
    } finally {
      await temp.remove();
    }
  } catch (err) {
    const e = err instanceof ReconcileError ? err : pullError(`failed to pull artifact from '${spec.url}'`, err);
    deps.emit({ type: 'Warning', reason: e.reason, message: e.message });
    return failed(base, generation, e);
  } finally {
    await client?.close();
  }
}

/**
 * The tag to resolve, as source-controller's getArtifactRef: digest > semver > tag > "latest".
 * With semver, the repository's tags are listed, filtered by semverFilter and the highest
 * matching version wins (ReadOperationFailed when none does).
 */
async function resolveTag(obj: OCIRepository, ref: Reference, client: RegistryClient, signal: AbortSignal | undefined): Promise<string> {
  const r = obj.spec.ref;
  if (r?.digest || !r?.semver) return r?.tag ?? 'latest';
  const fail = (err: unknown) => new ReconcileError('FetchFailed', Reason.ReadOperationFailed, `failed to determine the artifact tag for '${obj.spec.url}': ${(err as Error).message}`);
  const tags = await client.listTags(ref.repository, { signal }).catch((err) => {
    throw fail(err);
  });
  try {
    return latestMatchingTag(tags, r.semver, r.semverFilter);
  } catch (err) {
    throw fail(err);
  }
}

async function verify(obj: OCIRepository, ref: Reference, digest: string, revision: string, client: RegistryClient, deps: OciPassDeps): Promise<string> {
  const v = obj.spec.verify!;
  const verifier = deps.verifiers.get(v.provider);
  const fail = (why: string) => new ReconcileError('SourceVerified', Reason.VerificationError, `failed to verify the signature using provider '${v.provider}': ${why}`);
  if (!verifier) throw fail(`no ${v.provider} verifier is configured in this ocilab run`);
  let secretData: Record<string, Buffer> | undefined;
  if (v.secretRef) {
    secretData = deps.secrets.get(`${obj.metadata.namespace}/${v.secretRef.name}`);
    if (!secretData) throw fail(`secret '${obj.metadata.namespace}/${v.secretRef.name}' not found: apply it first (a v1 Secret with the public key, e.g. cosign.pub)`);
  }
  try {
    const r = await verifier.verify({ ref, digest, client, verify: v, namespace: obj.metadata.namespace, secretData, signal: deps.signal });
    return r.message ?? `verified signature of revision ${revision}`;
  } catch (err) {
    throw fail((err as Error).message);
  }
}
