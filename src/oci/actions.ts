/**
 * Scenario actions for Flux OCI artifacts: artifact.push, artifact.pull, artifact.tag,
 * artifact.delete. They set `artifact.*` variables for later steps and report what they measured.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionDefinition } from '../engine/action-definition.js';
import { guarded, scenarioPath } from '../engine/action-helpers.js';
import { credentialSource } from './credentials.js';
import { readCaFile } from './ca-file.js';
import { readClientCertificate } from './key-pair.js';
import { OciError } from './errors.js';
import { parseReference } from './reference.js';
import { deleteTags, pullArtifact, pushArtifact, tagArtifact, type ClientSettings } from './remote.js';

const remoteArgs = {
  url: z.string().min(1).describe('The artifact: `oci://<host>/<repository>:<tag>` (or `@sha256:<digest>`).'),
  insecure: z.boolean().optional().describe('Plain HTTP (flux\'s --insecure-registry). Loopback and private addresses use plain HTTP anyway.'),
  credsFile: z
    .string()
    .optional()
    .describe('File with one line `username:password`, relative to the scenario file. Default: OCILAB_REGISTRY_USERNAME/OCILAB_REGISTRY_PASSWORD, then the docker config.'),
  caFile: z.string().optional().describe('PEM CA bundle to trust for an HTTPS registry (e.g. ${registry.ca}); implies HTTPS.'),
  certFile: z.string().optional().describe('Client certificate (PEM) for a registry requiring mutual TLS (e.g. ${registry.tls.clientCert}); implies HTTPS.'),
  keyFile: z.string().optional().describe('Key of certFile (PEM), e.g. ${registry.tls.clientKey}.'),
};

async function settings(args: { credsFile?: string; caFile?: string; certFile?: string; keyFile?: string }, ctx: ActionContext): Promise<ClientSettings> {
  const clientCert = await readClientCertificate(args.certFile && scenarioPath(ctx, args.certFile), args.keyFile && scenarioPath(ctx, args.keyFile), { cert: 'certFile', key: 'keyFile' });
  return {
    credentials: await credentialSource({ credsFile: args.credsFile && scenarioPath(ctx, args.credsFile) }),
    ...(args.caFile ? { ca: await readCaFile(scenarioPath(ctx, args.caFile)) } : {}),
    ...(clientCert ? { clientCert } : {}),
  };
}

const pushArgs = z.object({
  ...remoteArgs,
  path: z.string().min(1).describe('Directory (or one file) to package, relative to the scenario file.'),
  source: z.string().min(1).describe('The org.opencontainers.image.source annotation, e.g. the Git URL it came from (flux push artifact --source).'),
  revision: z.string().min(1).describe('The org.opencontainers.image.revision annotation, e.g. `main@sha1:<commit>` (flux push artifact --revision).'),
  annotations: z.record(z.string(), z.string()).optional().describe('More manifest annotations, merged on top (flux push artifact --annotations).'),
  reproducible: z.boolean().optional().describe('The created annotation is 1970-01-01T00:00:00Z instead of now, so the push time does not change the digest (flux push artifact --reproducible).'),
  ignorePaths: z.array(z.string()).optional().describe('.gitignore-style patterns to leave out, replacing Flux\'s defaults (.git/, images, archives...) (--ignore-paths).'),
  addIgnorePaths: z.array(z.string()).optional().describe('Patterns to leave out on top of the defaults or ignorePaths (--add-ignore-paths).'),
});

export const artifactPush = defineAction<z.infer<typeof pushArgs>>({
  name: 'artifact.push',
  description: 'Package a directory as a Flux artifact and push it (sets artifact.url, artifact.digest, artifact.tag)',
  args: pushArgs,
  sets: {
    'artifact.url': 'The pushed artifact by digest, `oci://<host>/<repository>@sha256:…`.',
    'artifact.digest': 'The manifest digest, `sha256:…`.',
    'artifact.tag': 'The tag pushed.',
    'artifact.layer.digest': 'The digest of the content layer (the .tar.gz).',
  },
  run: (args, ctx) =>
    guarded(async () => {
      const t0 = performance.now();
      const r = await pushArtifact(parseReference(args.url, { insecure: args.insecure }), {
        path: scenarioPath(ctx, args.path), source: args.source, revision: args.revision, annotations: args.annotations,
        reproducible: args.reproducible, ignorePaths: args.ignorePaths, addIgnorePaths: args.addIgnorePaths,
        clientOptions: await settings(args, ctx), signal: ctx.signal,
      });
      const ms = performance.now() - t0;
      Object.assign(ctx.vars, { 'artifact.url': r.url, 'artifact.digest': r.digest, 'artifact.tag': r.tag, 'artifact.layer.digest': r.layer.digest });
      ctx.log(`pushed ${r.url} (layer ${r.layer.size} bytes)`);
      ctx.report({ method: 'oci push', metric: 'wall_ms', value: ms, method_note: 'single run' });
      ctx.report({ method: 'oci push', metric: 'bytes_up', value: r.layer.size + r.config.size });
      return { ok: true };
    }),
});

const pullArgs = z.object({
  ...remoteArgs,
  output: z.string().optional().describe('Directory to extract into (its content is replaced), relative to the scenario file. Default: `artifact/` in the run\'s work dir.'),
  maxBytes: z.number().int().positive().optional().describe('Refuse an archive larger than this many bytes (default 100 MiB).'),
});

export const artifactPull = defineAction<z.infer<typeof pullArgs>>({
  name: 'artifact.pull',
  description: 'Pull a Flux artifact and extract it safely (sets artifact.digest, artifact.revision, artifact.path)',
  args: pullArgs,
  sets: {
    'artifact.digest': 'The manifest digest, `sha256:…`.',
    'artifact.revision': 'Its org.opencontainers.image.revision annotation (empty when absent).',
    'artifact.source': 'Its org.opencontainers.image.source annotation (empty when absent).',
    'artifact.path': 'The directory it was extracted into.',
  },
  run: (args, ctx) =>
    guarded(async () => {
      const output = args.output ? scenarioPath(ctx, args.output) : join(ctx.workDir, 'artifact');
      const r = await pullArtifact(parseReference(args.url, { insecure: args.insecure }), {
        output, replace: true, maxBytes: args.maxBytes, clientOptions: await settings(args, ctx), signal: ctx.signal,
      });
      Object.assign(ctx.vars, { 'artifact.digest': r.digest, 'artifact.revision': r.revision ?? '', 'artifact.source': r.source ?? '', 'artifact.path': r.output });
      ctx.log(`pulled ${r.url}: ${r.files} files, layer ${r.bytes.layer} bytes`);
      const note = 'single run, in-process';
      ctx.report({ method: 'oci pull', metric: 'manifest_ms', value: r.timings.manifestMs, method_note: note });
      ctx.report({ method: 'oci pull', metric: 'layer_ms', value: r.timings.layerMs, method_note: note });
      ctx.report({ method: 'oci pull', metric: 'extract_ms', value: r.timings.extractMs, method_note: note });
      ctx.report({ method: 'oci pull', metric: 'wall_ms', value: r.timings.totalMs, method_note: note });
      ctx.report({ method: 'oci pull', metric: 'bytes_down', value: r.bytes.manifest + r.bytes.layer });
      return { ok: true };
    }),
});

const tagArgs = z.object({
  ...remoteArgs,
  tag: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('The new tag, or a list of them.'),
});

export const artifactTag = defineAction<z.infer<typeof tagArgs>>({
  name: 'artifact.tag',
  description: 'Give an artifact more tags (sets artifact.digest)',
  args: tagArgs,
  sets: { 'artifact.digest': 'The digest of the tagged manifest.' },
  run: (args, ctx) =>
    guarded(async () => {
      const ref = parseReference(args.url, { insecure: args.insecure });
      const clientOptions = await settings(args, ctx);
      for (const t of Array.isArray(args.tag) ? args.tag : [args.tag]) {
        const r = await tagArtifact(ref, t, { clientOptions, signal: ctx.signal });
        ctx.vars['artifact.digest'] = r.digest;
        ctx.log(`tagged ${r.url} → ${r.digest}`);
      }
      return { ok: true };
    }),
});

const deleteArgs = z.object({
  ...remoteArgs,
  url: z.string().min(1).describe('The repository: `oci://<host>/<repository>`, with no tag or digest; every tag in it goes.'),
});

export const artifactDelete = defineAction<z.infer<typeof deleteArgs>>({
  name: 'artifact.delete',
  description:
    "Delete every tag of a repository (each tag's manifest, by digest; signature tags included), so a scenario starts again on a registry kept from an earlier run (the kind target's registry). Nothing to do when the repository does not exist; fails when the registry does not allow deletes",
  args: deleteArgs,
  run: (args, ctx) =>
    guarded(async () => {
      const ref = parseReference(args.url, { insecure: args.insecure });
      if (ref.tag || ref.digest) throw new Error(`${args.url}: name the repository (oci://<host>/<repository>), not a tag or digest: artifact.delete removes every tag in it`);
      const r = await deleteTags(ref, { clientOptions: await settings(args, ctx), signal: ctx.signal }).catch((err: unknown) => {
        // A kind-registry made by an ocilab that did not yet start it with deletes allowed.
        if (ctx.target === 'kind' && err instanceof OciError && err.status === 405) {
          throw new Error(`${err.message}; ocilab starts kind-registry with deletes allowed: \`ocilab cleanup --target kind\` replaces this older one`);
        }
        throw err;
      });
      ctx.log(
        r.tags.length === 0
          ? `${args.url}: no tags, nothing to delete`
          : `${args.url}: deleted ${r.digests.length} manifest(s), tags ${r.tags.join(', ')}`,
      );
      return { ok: true };
    }),
});

export const ociActions: ActionDefinition<any>[] = [artifactPush, artifactPull, artifactTag, artifactDelete];
