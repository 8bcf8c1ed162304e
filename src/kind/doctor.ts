/**
 * What `ocilab doctor --target kind` reports: container engine, kind/kubectl/flux/cosign
 * versions, port 5001, disk space, images present. Each problem carries the command that
 * fixes it. Read-only: it runs version/info/inspect commands and binds a port for an instant.
 */
import { statfs } from 'node:fs/promises';
import { createServer } from 'node:net';
import { ContainerEngine } from './container-engine.js';
import { ToolMissingError, runCommand, type CommandRunner } from './exec.js';
import { KIND_TARGET_IMAGES } from './images.js';
import { detectProvider } from './provider.js';
import { KIND_REGISTRY } from './registry.js';
import { VERSION_PROBES, type ProbedTool } from './versions.js';

export interface DoctorCheck {
  id: string;
  label: string;
  ok: boolean;
  /** A failed required check blocks the kind target; optional ones only limit it. */
  required: boolean;
  detail: string;
  /** The command (or step) that fixes it, when not ok. */
  fix?: string;
}

export interface DoctorOptions {
  runner?: CommandRunner;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  registryPort?: number;
  /** Directory whose filesystem must have room (default: cwd). */
  diskPath?: string;
  minFreeBytes?: number;
  images?: readonly string[];
}

export const MIN_FREE_BYTES = 4 * 1024 ** 3;

export async function kindDoctor(opts: DoctorOptions = {}): Promise<{ ok: boolean; checks: DoctorCheck[] }> {
  const run = opts.runner ?? runCommand;
  const checks: DoctorCheck[] = [];
  const provider = await detectProvider({ env: opts.env, runner: run, signal: opts.signal });
  const probe = provider.probes.find((p) => p.engine === provider.engine);
  checks.push({
    id: 'engine',
    label: provider.engine ? `${provider.engine}${probe?.serverVersion ? ` ${probe.serverVersion}` : ''}` : 'container engine',
    ok: provider.usable,
    required: true,
    detail: provider.usable ? provider.reason : `${provider.reason}${probe?.error ? `: ${probe.error}` : ''}`,
    fix: provider.usable
      ? undefined
      : !provider.engine
        ? 'install Docker (https://docs.docker.com/engine/install/) or podman (https://podman.io/docs/installation)'
        : provider.engine === 'docker'
          ? 'start the Docker daemon: `sudo systemctl start docker` (Linux) or open Docker Desktop'
          : 'start podman: `podman machine start` (macOS/Windows)',
  });

  const tool = async (id: ProbedTool, required: boolean) => {
    const p = VERSION_PROBES[id];
    let version: string | undefined;
    let detail = 'not installed';
    try {
      const r = await run(p.argv, { signal: opts.signal, timeoutMs: 15_000 });
      version = p.parse(r.stdout) ?? p.parse(r.stderr);
      detail = version ? p.purpose : `${p.argv.join(' ')} gave no version (exit ${r.exitCode})`;
    } catch (err) {
      if (!(err instanceof ToolMissingError)) throw err;
    }
    checks.push({ id, label: version ? `${id} ${version}` : id, ok: version !== undefined, required, detail, fix: version ? undefined : p.install });
  };
  await tool('kind', true);
  await tool('kubectl', false);
  await tool('flux', false);
  await tool('cosign', false);

  checks.push(await portCheck(opts.registryPort ?? KIND_REGISTRY.hostPort, provider.engine && provider.usable ? new ContainerEngine(provider.engine, { runner: run, signal: opts.signal }) : undefined));
  checks.push(await diskCheck(opts.diskPath ?? process.cwd(), opts.minFreeBytes ?? MIN_FREE_BYTES));

  if (provider.engine && provider.usable) {
    const engine = new ContainerEngine(provider.engine, { runner: run, signal: opts.signal });
    for (const image of opts.images ?? KIND_TARGET_IMAGES) {
      const present = await engine.hasImage(image);
      checks.push({
        id: `image:${image}`,
        label: image,
        ok: present,
        required: false,
        detail: present ? 'present' : 'not in the local image store (needed offline)',
        fix: present ? undefined : `${provider.engine} pull ${image}   (while online; or run \`ocilab prepare\`)`,
      });
    }
  }
  return { ok: checks.every((c) => c.ok || !c.required), checks };
}

export { parseKindVersion, parseKubectlVersion, parseFluxVersion, parseCosignVersion } from './versions.js';

/** Can 127.0.0.1:<port> be bound? Busy is fine when it is the kind-registry container itself. */
export async function portCheck(port: number, engine?: ContainerEngine): Promise<DoctorCheck> {
  const free = await new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
  if (free) return { id: 'port', label: `127.0.0.1:${port}`, ok: true, required: true, detail: 'free for the local registry' };
  const reg = engine ? await engine.inspect(KIND_REGISTRY.name).catch(() => undefined) : undefined;
  if (reg?.running) return { id: 'port', label: `127.0.0.1:${port}`, ok: true, required: true, detail: `in use by the ${KIND_REGISTRY.name} container (reused)` };
  return {
    id: 'port',
    label: `127.0.0.1:${port}`,
    ok: false,
    required: true,
    detail: 'in use by another process',
    fix: `find it with \`ss -ltnp 'sport = :${port}'\` (or \`lsof -i :${port}\`) and stop it`,
  };
}

export async function diskCheck(path: string, minFree: number): Promise<DoctorCheck> {
  const s = await statfs(path);
  const free = s.bavail * s.bsize;
  const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;
  const ok = free >= minFree;
  return {
    id: 'disk',
    label: 'disk space',
    ok,
    required: true,
    detail: `${gib(free)} free on the filesystem of ${path} (kind node + Flux images need about ${gib(minFree)})`,
    fix: ok ? undefined : 'free space: `docker system prune` removes stopped containers and dangling images',
  };
}
