/**
 * Fetch methods described as data (for scenario files and the bench command), turned into
 * FetchMethods with their meters. A loopback server that is not ocilab's gets a counting
 * proxy in front, so its bytes and requests are counted.
 */
import { z } from 'zod';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';
import { gitCliMethod } from './methods/git-cli.js';
import { ociCliMethod } from './methods/oci-cli.js';
import { ocilabHeadMethod, ocilabPullMethod } from './methods/ocilab-oci.js';
import { proxyMeter } from './traffic.js';
import type { FetchMethod } from './types.js';

const cell = {
  preset: z.string().optional().describe('Fixture preset the row measures, for the report\'s cell label (`<preset>/<scope>`); with scope.'),
  scope: z.enum(['repo', 'app']).optional().describe('repo: the whole repository; app: one app\'s folder. For the cell label, with preset.'),
};
const serverPid = z
  .number()
  .int()
  .positive()
  .optional()
  .describe('Pid of the server process, for its CPU from /proc (measure.compare servers: sets it itself).');

export const MethodSpecSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('git-cli').describe('The git CLI, as a process per run.'),
    url: z.string().min(1).describe('Repository URL, e.g. ${git.repo.url}.'),
    mode: z
      .enum(['full', 'shallow', 'sparse', 'ls-remote'])
      .describe('full: whole history; shallow: depth 1, one branch, no tags; sparse: shallow partial clone of appPath; ls-remote: the no-change check.'),
    ref: z.string().optional().describe('Branch (default: the remote\'s HEAD).'),
    appPath: z.string().optional().describe('With sparse: the folder to check out.'),
    serverPid,
    ...cell,
  }),
  z.object({
    type: z.literal('oci-cli').describe('A command-line OCI client, as a process per run.'),
    registry: z.string().min(1).describe('`host:port` of a plain-HTTP registry on this machine, e.g. ${registry.host}.'),
    repository: z.string().min(1).describe('Repository in that registry.'),
    reference: z.string().default('latest').describe('Tag or digest.'),
    tool: z
      .enum(['curl', 'skopeo', 'ocilab'])
      .default('curl')
      .describe('curl: the manifest and layer GETs; skopeo: skopeo copy; ocilab: ocilab\'s own `artifact pull` as a CLI process (extracts by itself).'),
    mode: z.enum(['pull', 'head']).default('pull').describe('pull: the whole artifact; head: the manifest HEAD a no-change check is (curl only).'),
    untar: z.boolean().default(false).describe('Extract the layer afterwards with `tar -xzf`, as its own phase.'),
    serverPid,
    ...cell,
  }),
  z.object({
    type: z.literal('oci').describe('ocilab\'s own OCI client (src/oci), one client process per run, measured like the git CLI.'),
    reference: z.string().min(1).describe('`host:port/repository:tag` of a plain-HTTP registry on this machine.'),
    mode: z.enum(['pull', 'head']).default('pull').describe('pull: manifest, layer (digest verified) and safe extraction; head: the manifest HEAD a no-change check is.'),
    expectDigest: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/)
      .optional()
      .describe('The manifest digest the tag must resolve to (each run checks it); read before the first run when absent.'),
    serverPid,
    ...cell,
  }),
]);
export type MethodSpec = z.infer<typeof MethodSpecSchema>;

export interface BuiltMethods {
  methods: FetchMethod[];
  specs: MethodSpec[];
  /** Close the proxies started for these methods. */
  close(): Promise<void>;
}

function hostPortOf(spec: MethodSpec): { host: string; port: number } | undefined {
  if (spec.type === 'oci-cli' || spec.type === 'oci') {
    const where = spec.type === 'oci' ? spec.reference.split('/')[0]! : spec.registry;
    const m = /^(\[[^\]]+\]|[^:/]+):(\d+)$/.exec(where);
    if (!m) throw new Error(`registry "${where}" must be host:port`);
    return { host: m[1]!, port: Number(m[2]) };
  }
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch {
    throw new Error(`git URL "${spec.url}" is not a URL`);
  }
  if (url.protocol === 'file:') return undefined;
  const port = url.port ? Number(url.port) : url.protocol === 'git:' ? 9418 : url.protocol === 'https:' ? 443 : 80;
  return { host: url.hostname, port };
}

/** Build methods from specs; every loopback server gets one shared counting proxy. */
export async function buildMethods(specs: readonly MethodSpec[], signal?: AbortSignal): Promise<BuiltMethods> {
  const proxies = new Map<string, CountingProxy>();
  const close = async () => {
    await Promise.all([...proxies.values()].map((p) => p.close()));
  };
  try {
    const methods: FetchMethod[] = [];
    for (const spec of specs) {
      const target = hostPortOf(spec);
      let proxy: CountingProxy | undefined;
      if (target) {
        const key = `${target.host}:${target.port}`;
        proxy = proxies.get(key) ?? (await startCountingProxy({ targetHost: target.host, targetPort: target.port, signal }));
        proxies.set(key, proxy);
      }
      const meter = proxy && proxyMeter(proxy, { serverPid: spec.serverPid });
      if (spec.type === 'git-cli') {
        const url = proxy ? spec.url.replace(/^([a-z+]+:\/\/)[^/]+/, `$1${proxy.hostPort}`) : spec.url;
        methods.push(gitCliMethod({ url, mode: spec.mode, ref: spec.ref, appPath: spec.appPath, meter }));
      } else if (spec.type === 'oci-cli') {
        methods.push(ociCliMethod({ ...spec, registry: proxy ? proxy.hostPort : spec.registry, meter }));
      } else {
        const reference = proxy ? `${proxy.hostPort}/${spec.reference.split('/').slice(1).join('/')}` : spec.reference;
        methods.push((spec.mode === 'pull' ? ocilabPullMethod : ocilabHeadMethod)({ reference, meter, expectDigest: spec.expectDigest }));
      }
    }
    return { methods, specs: [...specs], close };
  } catch (err) {
    await close();
    throw err;
  }
}
