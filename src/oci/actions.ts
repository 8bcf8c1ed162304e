/**
 * Scenario actions for Flux OCI artifacts: artifact.push, artifact.pull, artifact.tag.
 * They set `artifact.*` variables for later steps and report what they measured.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionDefinition } from '../engine/action.js';
import { guarded, scenarioPath } from '../engine/action-helpers.js';
import { credentialSource } from './credentials.js';
import { readCaFile } from './ca-file.js';
import { readClientCertificate } from './key-pair.js';
import { parseReference } from './reference.js';
import { pullArtifact, pushArtifact, tagArtifact, type ClientSettings } from './remote.js';

const remoteArgs = {
  /** oci://host/repo:tag */
  url: z.string().min(1),
  insecure: z.boolean().optional(),
  credsFile: z.string().optional(),
  /** PEM CA bundle to trust for an HTTPS registry (e.g. ${registry.ca}); implies HTTPS. */
  caFile: z.string().optional(),
  /** Client certificate and key (PEM) for a registry requiring mutual TLS (e.g. ${registry.tls.clientCert}, ${registry.tls.clientKey}). */
  certFile: z.string().optional(),
  keyFile: z.string().optional(),
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
  path: z.string().min(1),
  source: z.string().min(1),
  revision: z.string().min(1),
  annotations: z.record(z.string(), z.string()).optional(),
  reproducible: z.boolean().optional(),
  ignorePaths: z.array(z.string()).optional(),
  addIgnorePaths: z.array(z.string()).optional(),
});

export const artifactPush = defineAction<z.infer<typeof pushArgs>>({
  name: 'artifact.push',
  description: 'Package a directory as a Flux artifact and push it (sets artifact.url, artifact.digest, artifact.tag)',
  args: pushArgs,
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
  /** Directory to extract into; default <workDir>/artifact. */
  output: z.string().optional(),
  maxBytes: z.number().int().positive().optional(),
});

export const artifactPull = defineAction<z.infer<typeof pullArgs>>({
  name: 'artifact.pull',
  description: 'Pull a Flux artifact and extract it safely (sets artifact.digest, artifact.revision, artifact.path)',
  args: pullArgs,
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

const tagArgs = z.object({ ...remoteArgs, tag: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]) });

export const artifactTag = defineAction<z.infer<typeof tagArgs>>({
  name: 'artifact.tag',
  description: 'Give an artifact more tags (sets artifact.digest)',
  args: tagArgs,
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

export const ociActions: ActionDefinition<any>[] = [artifactPush, artifactPull, artifactTag];
