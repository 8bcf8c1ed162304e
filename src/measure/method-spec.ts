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

const cell = { preset: z.string().optional(), scope: z.enum(['repo', 'app']).optional() };

export const MethodSpecSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('git-cli'),
    url: z.string().min(1),
    mode: z.enum(['full', 'shallow', 'sparse', 'ls-remote']),
    ref: z.string().optional(),
    appPath: z.string().optional(),
    /** Pid of the server process, for its CPU from /proc. */
    serverPid: z.number().int().positive().optional(),
    ...cell,
  }),
  z.object({
    type: z.literal('oci-cli'),
    /** host:port of a plain-HTTP registry on this machine. */
    registry: z.string().min(1),
    repository: z.string().min(1),
    reference: z.string().default('latest'),
    /** ocilab = ocilab's own `artifact pull` as a CLI process (extracts by itself). */
    tool: z.enum(['curl', 'skopeo', 'ocilab']).default('curl'),
    mode: z.enum(['pull', 'head']).default('pull'),
    untar: z.boolean().default(false),
    serverPid: z.number().int().positive().optional(),
    ...cell,
  }),
  z.object({
    /** ocilab's own OCI client (src/oci), one client process per run, measured like the git CLI. */
    type: z.literal('oci'),
    /** host:port/repository:tag of a plain-HTTP registry on this machine. */
    reference: z.string().min(1),
    mode: z.enum(['pull', 'head']).default('pull'),
    /** The manifest digest the tag must resolve to (each run checks it); read before the first run when absent. */
    expectDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/).optional(),
    serverPid: z.number().int().positive().optional(),
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
