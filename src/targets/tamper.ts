/**
 * `tamper.replace-layer`: the third tamper of cosign-verify, done through the registry API so
 * it works on any registry (the embedded one, kind's registry:3, a workshop's). Someone with
 * push access but not the key takes a signed artifact, swaps its content layer for their
 * own and pushes the result to the tag.
 *
 * A registry verifies every digest on upload, so changed bytes always get a new layer
 * digest, hence a new manifest digest, and no signature names the new one: the verifier
 * refuses it (VerificationError). That is the lesson: signature + digests = integrity of
 * every byte.
 *
 * `copySignature: true` also copies `sha256-<old>.sig` to `sha256-<new>.sig`: cosign and
 * ocilab refuse it, the payload names the old digest.
 */
import { makeTempDir } from '../engine/cleanup.js';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { signatureTag } from '../cosign/classic.js';
import { defineAction, type ActionDefinition } from '../engine/action.js';
import { buildArtifact } from '../oci/artifact.js';
import { RegistryClient } from '../oci/client.js';
import { credentialSource } from '../oci/credentials.js';
import { OciError } from '../oci/errors.js';
import { OCI_MANIFEST } from '../oci/media-types.js';
import { parseReference } from '../oci/reference.js';

interface ManifestJson {
  layers?: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[];
  [field: string]: unknown;
}

export const replaceLayer = defineAction({
  name: 'tamper.replace-layer',
  description:
    'Tamper through the registry API: replace the content layer of a signed artifact with a directory of your own, push it to a tag, optionally copying the signature to the new digest (sets tamper.digest)',
  args: z.strictObject({
    url: z.string().min(1).describe('The signed artifact, by digest: `<registry>/<repository>@sha256:…` (oci:// optional).'),
    path: z.string().min(1).describe('Directory packed (as flux push artifact packs one) as the replacement layer, relative to the scenario file.'),
    tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, 'an OCI tag').default('latest').describe('Tag the tampered manifest is pushed to.'),
    copySignature: z
      .boolean()
      .default(false)
      .describe('Also copy the cosign signature (`sha256-<old>.sig`) to `sha256-<new>.sig`: cosign and ocilab still refuse it, its payload names the old digest.'),
  }),
  formerArgs: { ref: 'url' },
  sets: { 'tamper.digest': 'The digest of the tampered manifest pushed to the tag.' },
  async run(args, ctx) {
    const ref = parseReference(args.url);
    if (!ref.digest) return { ok: false, message: `tamper.replace-layer: ${args.url} must name the signed artifact by digest (…@sha256:…)` };
    const temp = makeTempDir('ocilab-tamper-');
    const work = temp.path;
    const client = RegistryClient.forReference(ref, { credentials: await credentialSource() });
    try {
      const original = await client.getManifest(ref.repository, ref.digest, { signal: ctx.signal });
      const manifest = original.json as ManifestJson;
      const old = manifest.layers?.[0];
      if (!old) return { ok: false, message: `${args.url} has no layer to replace` };
      const built = await buildArtifact({ path: isAbsolute(args.path) ? args.path : resolve(ctx.scenarioDir, args.path), output: join(work, 'layer.tgz'), signal: ctx.signal });
      await client.pushBlob(ref.repository, { path: built.output, digest: built.digest, size: built.size }, { signal: ctx.signal });
      const swapped: ManifestJson = { ...manifest, layers: [{ ...old, digest: built.digest, size: built.size }, ...(manifest.layers ?? []).slice(1)] };
      const digest = await client.putManifest(ref.repository, args.tag, Buffer.from(JSON.stringify(swapped)), original.descriptor.mediaType || OCI_MANIFEST, { signal: ctx.signal });
      ctx.vars['tamper.digest'] = digest;
      ctx.log(`replaced layer ${old.digest} with ${built.digest} (${built.files} files from ${args.path}); annotations kept`);
      ctx.log(`pushed ${ref.registry}/${ref.repository}:${args.tag} → ${digest} (was ${ref.digest})`);
      if (args.copySignature) {
        const sig = await client.getManifest(ref.repository, signatureTag(ref.digest), { signal: ctx.signal }).catch((err: unknown) => {
          if (err instanceof OciError) return undefined;
          throw err;
        });
        if (!sig) return { ok: false, message: `${args.url} has no ${signatureTag(ref.digest)} signature to copy: sign it first` };
        await client.putManifest(ref.repository, signatureTag(digest), sig.bytes, sig.descriptor.mediaType, { signal: ctx.signal });
        ctx.log(`copied the signature ${signatureTag(ref.digest)} → ${signatureTag(digest)}: it is valid, but it signs ${ref.digest}`);
      }
      return { ok: true };
    } catch (err) {
      if (err instanceof OciError) return { ok: false, message: err.message };
      throw err;
    } finally {
      await client.close();
      await temp.remove();
    }
  },
});

export const tamperActions: ActionDefinition<any>[] = [replaceLayer];
