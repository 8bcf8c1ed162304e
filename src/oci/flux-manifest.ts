/**
 * The manifest side of a Flux artifact: its annotations, config blob and OCI image manifest,
 * byte for byte as flux push writes them (fluxcd/pkg oci Metadata.ToAnnotations, ggcr's
 * marshalling). No archive code here: `artifact tag|list` and the registry clients import this
 * without node-tar (artifact.ts packs the tarball).
 */
import * as mt from './media-types.js';
import type { Descriptor } from './client.js';

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export interface ArtifactMetadata {
  /** --source, e.g. a Git URL. */
  source: string;
  /** --revision, e.g. "main@sha1:<commit>". */
  revision: string;
  /** RFC 3339; defaults to now, or the epoch with `reproducible`. */
  created?: string;
  reproducible?: boolean;
  /** --annotations key=value pairs, merged on top (a user "created" wins). */
  annotations?: Record<string, string>;
}

/** Annotations as fluxcd/pkg Metadata.ToAnnotations writes them (keys sorted, like Go map marshalling). */
export function fluxAnnotations(meta: ArtifactMetadata, now = new Date()): Record<string, string> {
  const created = meta.created ?? (meta.reproducible ? '1970-01-01T00:00:00Z' : now.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const all: Record<string, string> = {
    [mt.ANNOTATION_CREATED]: created,
    [mt.ANNOTATION_REVISION]: meta.revision,
    [mt.ANNOTATION_SOURCE]: meta.source,
    ...meta.annotations,
  };
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => byBytes(a, b)));
}

/** Go's encoding/json escapes <, >, & and U+2028/2029 in strings; match it so bytes agree with flux. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The config blob a flux v2.9 (ggcr ≥ 0.21.6) push uploads: the empty image config
 * (FLUX-OCI-FACTS §1; source-controller never reads it).
 */
export const FLUX_CONFIG_BYTES = Buffer.from('{"architecture":"","created":"0001-01-01T00:00:00Z","os":"","rootfs":{"type":"layers","diff_ids":null},"config":{}}');

export function descriptorJson(d: Descriptor): { mediaType: string; size: number; digest: string } {
  return { mediaType: d.mediaType, size: d.size, digest: d.digest };
}

/** The OCI image manifest of a Flux artifact, field order as ggcr marshals it. */
export function fluxManifest(config: Descriptor, layer: Descriptor, annotations: Record<string, string>): Buffer {
  return Buffer.from(
    goJson({ schemaVersion: 2, mediaType: mt.OCI_MANIFEST, config: descriptorJson(config), layers: [descriptorJson(layer)], annotations }),
  );
}
