/**
 * `ocilab prepare --target kind`: make a later run work offline. Caches the Flux install
 * manifests (`flux install --export`, no network when the CLI's own version is exported)
 * and `docker pull` + `docker save` of every image the kind target needs (registry:3, the
 * Flux controllers the manifests name, the demo app, a node image when given). Offline, what
 * is already here counts: an image the pull cannot reach but the engine's store holds (built
 * locally, never pulled) is saved from the store, and manifests already in the cache are kept
 * when they cannot be exported again. Records only what really got cached, with where it came
 * from; says what did not and how to get it.
 */
import { readFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerEngine } from '../kind/container-engine.js';
import { writeFileAtomic } from '../process/write-file-atomic.js';
import { ToolMissingError } from '../kind/exec.js';
import { DEMO_APP_IMAGE, FLUX_CONTROLLER_IMAGES, FLUX_VERSION, REGISTRY_IMAGE } from '../kind/images.js';
import { parseFluxVersion } from '../kind/versions.js';
import type { Tool } from '../kind/tool.js';
import { fluxManifestsFile, imageArchiveName, imagesDir, recordCached, type CachedItem } from './cache.js';
import { FLUX_COMPONENTS } from './flux-install.js';

export interface PrepareOptions {
  engine: ContainerEngine;
  flux: Tool;
  cacheDir: string;
  /** kindest/node image to cache too (kind otherwise pulls its default on `kind create cluster`). */
  nodeImage?: string;
  log: (line: string) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface PrepareResult {
  cached: CachedItem[];
  /** What could not be cached, each with the reason and the way to get it. */
  missing: string[];
}

/** `image:` references in Flux install manifests (what the air-gapped doc greps for). */
export function imagesInManifests(yaml: string): string[] {
  return [...new Set([...yaml.matchAll(/^\s*image:\s*["']?([^"'\s]+)["']?\s*$/gm)].map((m) => m[1]!))];
}

export async function prepareKindCache(o: PrepareOptions): Promise<PrepareResult> {
  const now = () => (o.now ?? (() => new Date()))().toISOString();
  const cached: CachedItem[] = [];
  const missing: string[] = [];

  let controllerImages: string[] = [...FLUX_CONTROLLER_IMAGES];
  const manifests = await exportFluxManifests(o);
  if (manifests.ok) {
    const file = fluxManifestsFile(o.cacheDir);
    writeFileAtomic(file, manifests.yaml, 0o644); // a prepare cut short keeps the manifests it had
    cached.push({ what: 'flux-manifests', name: `flux install ${FLUX_COMPONENTS}`, file, source: `flux install --export (flux ${manifests.version})`, at: now() });
    o.log(`cached Flux install manifests (flux ${manifests.version}) in ${file}`);
    const named = imagesInManifests(manifests.yaml);
    if (named.length > 0) controllerImages = named;
  } else {
    const kept = await keptManifests(o.cacheDir);
    if (kept) {
      cached.push({ what: 'flux-manifests', name: `flux install ${FLUX_COMPONENTS}`, file: kept.file, source: `already in the cache, kept (${manifests.why})`, at: kept.at });
      o.log(`Flux install manifests: already cached in ${kept.file}, kept (${manifests.why})`);
      const named = imagesInManifests(kept.yaml);
      if (named.length > 0) controllerImages = named;
    } else {
      missing.push(manifests.reason);
      o.log(`not cached: ${manifests.reason}`);
    }
  }

  const images = [REGISTRY_IMAGE, ...controllerImages, DEMO_APP_IMAGE, ...(o.nodeImage ? [o.nodeImage] : [])];
  await mkdir(imagesDir(o.cacheDir), { recursive: true });
  for (const image of images) {
    const file = join(imagesDir(o.cacheDir), imageArchiveName(image));
    const partial = file.replace(/\.tar$/, '.partial.tar'); // still .tar: an engine may read the format from the name
    const call = { timeoutMs: 15 * 60_000, signal: o.signal };
    let source = `${o.engine.name} pull + ${o.engine.name} save`;
    try {
      o.log(`${o.engine.name} pull ${image}`);
      try {
        await o.engine.tool.change(['pull', image], call);
      } catch (pullError) {
        // Offline, or an image built on this machine that no registry serves: the store's copy is as good.
        if (!(await inLocalStore(o.engine, image, o.signal))) throw pullError;
        const failed = firstLine(pullError);
        source = `${o.engine.name} save (already in the local store; pull failed: ${failed})`;
        o.log(`${image}: pull failed (${failed}); saving the copy in the ${o.engine.name} store`);
      }
      // Saved beside the archive, then renamed over it: a save cut short (a full disk, Ctrl-C)
      // leaves the previous archive whole, which the cache record still names.
      await rm(partial, { force: true });
      await o.engine.save(image, partial, call);
      await rename(partial, file);
      const size = (await stat(file)).size;
      cached.push({ what: 'image', name: image, file, source, at: now() });
      o.log(`cached ${image} (${(size / 1024 ** 2).toFixed(1)} MiB) in ${file}`);
    } catch (err) {
      await rm(partial, { force: true });
      const reason = `${image}: ${firstLine(err)}`;
      missing.push(reason);
      o.log(`not cached: ${reason}`);
    }
  }
  if (!o.nodeImage) {
    o.log('kindest/node: not cached (pass --node-image kindest/node:<version> to cache one; `--warm` also leaves kind\'s default node image in the engine\'s store)');
  }
  if (cached.length > 0) await recordCached(o.cacheDir, cached);
  return { cached, missing };
}

const firstLine = (err: unknown) => (err as Error).message.split('\n')[0] ?? '';

/** Is the image in the engine's store? An engine that cannot say counts as "no" (the pull's error is then reported). */
async function inLocalStore(engine: ContainerEngine, image: string, signal?: AbortSignal): Promise<boolean> {
  try {
    return await engine.hasImage(image, { signal });
  } catch {
    return false;
  }
}

/** Manifests an earlier prepare (or scripts/kind-image/flux-install.sh) left in the cache, if they hold the controllers' Deployments. */
async function keptManifests(cacheDir: string): Promise<{ file: string; yaml: string; at: string } | undefined> {
  const file = fluxManifestsFile(cacheDir);
  try {
    const yaml = await readFile(file, 'utf8');
    if (!/^kind:\s*Deployment\s*$/m.test(yaml)) return undefined;
    return { file, yaml, at: (await stat(file)).mtime.toISOString() };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** `why` is the short cause (kept manifests cite it); `reason` adds the way to get them. */
type Exported = { ok: true; yaml: string; version: string } | { ok: false; why: string; reason: string };

async function exportFluxManifests(o: PrepareOptions): Promise<Exported> {
  const url = `https://github.com/fluxcd/flux2/releases/download/${FLUX_VERSION}/install.yaml`;
  const fallback = `or download ${url} (all four default controllers) to ${fluxManifestsFile(o.cacheDir)}`;
  try {
    const v = await o.flux.probe(['version', '--client'], { signal: o.signal });
    const version = parseFluxVersion(v.stdout) ?? 'unknown version';
    // Without --version the CLI writes its embedded manifests: no network needed (FLUX-OCI-FACTS §8).
    const r = await o.flux.probe(['install', '--export', `--components=${FLUX_COMPONENTS}`], { signal: o.signal, timeoutMs: 120_000 });
    if (r.exitCode !== 0 || !r.stdout.includes('kind: Deployment')) {
      const why = `\`flux install --export\` failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n')[0] ?? ''}`;
      return { ok: false, why, reason: `Flux install manifests: ${why}; ${fallback}` };
    }
    return { ok: true, yaml: r.stdout, version };
  } catch (err) {
    if (!(err instanceof ToolMissingError)) throw err;
    const why = 'the flux CLI is not installed';
    return { ok: false, why, reason: `Flux install manifests: ${why}; install it and run prepare again, ${fallback}` };
  }
}
