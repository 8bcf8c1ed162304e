/**
 * ocilab's Git server and registry started in their own processes for a comparison, so
 * the server CPU of a run is read from /proc of a process that serves and does nothing
 * else (not the ocilab process, where the measuring client and the run's other servers
 * also spend CPU). The method specs are pointed at them; the counting proxy buildMethods
 * puts in front of every loopback server still counts bytes and requests.
 */
import { z } from 'zod';
import { spawnServerProcess, type ServerProcess } from './server-processes.js';
import type { MethodSpec } from './method-spec.js';

export const OwnServersSchema = z
  .object({
    git: z.string().optional().describe('Directory of bare repositories to serve (e.g. ${target.git.dir}): every git method fetches from it.'),
    registry: z.string().optional().describe('Storage directory of the run\'s registry (e.g. ${target.registry.dir}): every OCI method pulls from it.'),
  })
  .strict()
  .describe('Measure against ocilab\'s Git server and registry started in their own processes, so server CPU is theirs alone; empty values: not ocilab\'s, server CPU n/a.');
export type OwnServersSpec = z.infer<typeof OwnServersSchema>;

export interface OwnServers {
  git?: ServerProcess;
  registry?: ServerProcess;
  /** The specs pointed at these servers, with their pids for the server CPU. */
  redirect(specs: readonly MethodSpec[]): MethodSpec[];
  /** One line per server: what it serves, its pid and how its CPU is read. */
  describe(): string[];
  stop(): Promise<void>;
}

/** Starts the servers asked for; on a failure the ones already started are stopped. */
export async function startOwnServers(
  spec: OwnServersSpec,
  signal?: AbortSignal,
  /** Each request a server logs (for the run's output and its wire view). */
  onRequest?: (server: 'git' | 'registry', line: string) => void,
): Promise<OwnServers> {
  let git: ServerProcess | undefined;
  let registry: ServerProcess | undefined;
  const stop = async () => {
    await Promise.all([git?.stop(), registry?.stop()]);
  };
  try {
    if (spec.git) git = await spawnServerProcess('git', spec.git, signal, onRequest && ((l) => onRequest('git', l)));
    if (spec.registry) registry = await spawnServerProcess('registry', spec.registry, signal, onRequest && ((l) => onRequest('registry', l)));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    git,
    registry,
    stop,
    redirect: (specs) => specs.map((s) => redirectSpec(s, git, registry)),
    describe: () => [
      ...(git ? [`git server: its own process (pid ${git.pid}) serving ${spec.git}`] : []),
      ...(registry ? [`registry: its own process (pid ${registry.pid}) on the storage ${spec.registry}`] : []),
      ...(git || registry
        ? ["server CPU = that process's CPU during the run, from /proc: its threads' schedstat (ns) + its reaped children's user+sys (10 ms ticks: git http-backend, upload-pack)"]
        : []),
    ],
  };
}

function redirectSpec(spec: MethodSpec, git?: ServerProcess, registry?: ServerProcess): MethodSpec {
  if (spec.type === 'git-cli') {
    if (!git) return spec;
    const url = new URL(spec.url);
    if (url.protocol !== 'http:') throw new Error(`servers.git: ${spec.url} is not an http:// URL of ocilab's Git server`);
    return { ...spec, url: `http://${git.hostPort}${url.pathname}${url.search}`, serverPid: git.pid };
  }
  if (!registry) return spec;
  if (spec.type === 'oci-cli') return { ...spec, registry: registry.hostPort, serverPid: registry.pid };
  const [, ...rest] = spec.reference.split('/');
  return { ...spec, reference: [registry.hostPort, ...rest].join('/'), serverPid: registry.pid };
}
