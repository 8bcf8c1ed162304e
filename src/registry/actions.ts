/**
 * Scenario actions for the embedded registry: `registry.start`, `registry.stop`,
 * `registry.restart`, `registry.tamper`, `registry.stats`. The running registry is remembered
 * in the run's scope (the `runRegistry` slot); a stopped one keeps its settings (port, storage,
 * TLS) so `registry.restart` brings the same registry back, as after an outage.
 */
import { z } from 'zod';
import { join, resolve } from 'node:path';
import { defineAction, type ActionDefinition, type ActionContext } from '../engine/action.js';
import { scopeSlot } from '../engine/run-scope.js';
import { PortInUseError, startRegistry, type RegistryHandle, type RegistryTls } from './server.js';
import { issueRegistryTls } from './issue-tls.js';
import { tamperStoredBlob } from './tamper.js';

interface Running {
  handle: RegistryHandle;
  stop: () => Promise<void>;
}

/** What it takes to start the same registry again: storage dir, bound address, certificate. */
interface Settings {
  dir?: string;
  host?: string;
  port: number;
  tls?: RegistryTls;
}

/** The run's embedded registry: the one running, and the settings of the last one started (for restart). */
interface RunRegistry {
  running?: Running;
  settings?: Settings;
}

const runRegistry = scopeSlot<RunRegistry>('embedded registry', () => ({}));

/** The registry `registry.start` runs for this run, if any (its handle: url, request events). */
export function runningRegistry(ctx: Pick<ActionContext, 'scope'>): RegistryHandle | undefined {
  return ctx.scope.get(runRegistry).running?.handle;
}

const startArgs = z
  .object({
    dir: z.string().optional().describe('Storage directory, relative to the scenario file. Default: `registry/` in the run\'s work dir.'),
    host: z.string().optional().describe('Address to bind (default 127.0.0.1).'),
    port: z.number().int().min(0).max(65535).optional().describe('Port to listen on (default 0: any free port); a busy port is an error.'),
    memory: z.boolean().optional().describe('Keep blobs in memory instead of on disk (registry.tamper and registry.restart then are not possible).'),
    /**
     * Serve HTTPS with a throwaway CA made for this run (sets registry.ca: the ca.crt path,
     * and registry.tls.dir with ca.crt, tls.crt, tls.key 0600).
     */
    tls: z.boolean().optional().describe('Serve HTTPS with a throwaway CA made for this run (sets registry.ca and registry.tls.dir).'),
    /**
     * With tls: mutual TLS, the registry requires a client certificate from that CA; one is
     * issued (registry.tls.clientCert / registry.tls.clientKey: client.crt, client.key 0600).
     */
    tlsClientAuth: z.boolean().optional().describe('With tls: require a client certificate from that CA (mutual TLS); one is issued (sets registry.tls.clientCert, registry.tls.clientKey).'),
  })
  .strict()
  .default({});

export const registryStart = defineAction({
  name: 'registry.start',
  description: 'Start an embedded OCI registry on 127.0.0.1 with options target.up does not take (tls, tlsClientAuth, memory, dir, host, port; a scenario\'s registry otherwise comes from target.up, on every target; stop/restart it with registry.stop/registry.restart) (sets registry.url, registry.host, registry.dir, in place of target.up\'s; with tls: HTTPS and registry.ca; with tlsClientAuth too: mutual TLS and registry.tls.clientCert/clientKey)',
  args: startArgs,
  sets: {
    'registry.url': 'The registry\'s base URL, `http://127.0.0.1:<port>` (https with tls).',
    'registry.host': '`host:port` of the registry, for `oci://${registry.host}/<repository>` references.',
    'registry.dir': { description: 'Its storage directory (not set with memory: true).', names: (a) => (a.memory ? [] : ['registry.dir']) },
    'registry.ca': { description: 'With tls: path of the throwaway CA certificate (ca.crt), for caFile.', names: (a) => (a.tls ? ['registry.ca'] : []) },
    'registry.tls.dir': { description: 'With tls: the directory holding ca.crt, tls.crt and tls.key (0600).', names: (a) => (a.tls ? ['registry.tls.dir'] : []) },
    'registry.tls.clientCert': { description: 'With tlsClientAuth: the client certificate (client.crt), for certFile.', names: (a) => (a.tls && a.tlsClientAuth ? ['registry.tls.clientCert'] : []) },
    'registry.tls.clientKey': { description: 'With tlsClientAuth: the client key (client.key, 0600), for keyFile.', names: (a) => (a.tls && a.tlsClientAuth ? ['registry.tls.clientKey'] : []) },
  },
  async run(args, ctx) {
    if (ctx.scope.get(runRegistry).running) return { ok: false, message: 'the embedded registry is already running in this run (registry.stop first)' };
    const dir = args.memory ? undefined : args.dir ? resolve(ctx.scenarioDir, args.dir) : join(ctx.workDir, 'registry');
    ctx.signal.throwIfAborted();
    let tls: Settings['tls'];
    if (args.tlsClientAuth && !args.tls) return { ok: false, message: 'registry.start: tlsClientAuth needs tls: true (the client certificate comes from the run\'s throwaway CA)' };
    if (args.tls) {
      const tlsDir = join(ctx.workDir, 'registry-tls');
      const issued = await issueRegistryTls({ dir: tlsDir, clientAuth: args.tlsClientAuth === true });
      tls = issued.tls;
      ctx.vars['registry.ca'] = issued.files.ca;
      ctx.vars['registry.tls.dir'] = tlsDir;
      ctx.log(`throwaway CA and server certificate for 127.0.0.1/localhost in ${tlsDir} (ca.crt, tls.crt, tls.key 0600)`);
      if (issued.files.clientCert && issued.files.clientKey) {
        ctx.vars['registry.tls.clientCert'] = issued.files.clientCert;
        ctx.vars['registry.tls.clientKey'] = issued.files.clientKey;
        ctx.log(`mutual TLS: the registry requires a client certificate from that CA (client.crt, client.key 0600 in ${tlsDir})`);
      }
    }
    return launch({ dir, host: args.host, port: args.port ?? 0, tls }, ctx);
  },
});

/** Start the registry with these settings and remember it for this run. */
async function launch(settings: Settings, ctx: ActionContext): Promise<{ ok: boolean; message?: string }> {
  // The registry outlives this step (later steps push and pull), so its lifetime belongs to
  // the cleanup registry, which unwinds on run end, failure and Ctrl-C; not to the step signal.
  let handle: RegistryHandle;
  try {
    handle = await startRegistry({ dir: settings.dir, host: settings.host, port: settings.port, tls: settings.tls });
  } catch (err) {
    if (err instanceof PortInUseError) return { ok: false, message: err.message };
    throw err;
  }
  handle.on('request', (e) => ctx.log(`${e.method} ${e.path} ${e.status} in=${e.bytesIn} out=${e.bytesOut} ${e.durationMs}ms`, 'info'));
  const run = ctx.scope.get(runRegistry);
  const stop = ctx.cleanup.add(`embedded registry ${handle.url}`, async () => {
    if (run.running?.handle === handle) delete run.running;
    await handle.close();
  });
  run.running = { handle, stop };
  run.settings = { ...settings, port: handle.port };
  ctx.vars['registry.url'] = handle.url;
  ctx.vars['registry.host'] = handle.hostPort;
  if (settings.dir) ctx.vars['registry.dir'] = settings.dir;
  ctx.log(`registry listening on ${handle.url} (storage: ${handle.location})`);
  return { ok: true };
}

export const registryStop = defineAction({
  name: 'registry.stop',
  description: 'Stop the embedded OCI registry started by registry.start',
  args: z.object({}).strict().default({}),
  async run(_args, ctx) {
    const r = ctx.scope.get(runRegistry).running;
    if (!r) return { ok: false, message: 'no embedded registry is running in this run (registry.start first)' };
    const { requests, bytesOut } = r.handle.stats;
    await r.stop();
    ctx.log(`registry stopped after ${requests} requests, ${bytesOut} bytes served (${r.handle.hostPort} now refuses connections)`);
    return { ok: true };
  },
});

export const registryRestart = defineAction({
  name: 'registry.restart',
  description: 'Start the embedded registry again after registry.stop: same port, same storage, same certificate (stops it first if running)',
  args: z.object({}).strict().default({}),
  sets: {
    'registry.url': 'The registry\'s base URL (the same as before).',
    'registry.host': '`host:port` of the registry (the same as before).',
    'registry.dir': 'Its storage directory (the same as before).',
  },
  async run(_args, ctx) {
    const run = ctx.scope.get(runRegistry);
    const settings = run.settings;
    if (!settings) return { ok: false, message: 'no embedded registry was started in this run (registry.start first)' };
    if (!settings.dir) return { ok: false, message: 'registry.restart needs a registry on disk: a memory registry loses its content when stopped (registry.start without memory)' };
    if (run.running) await run.running.stop();
    ctx.signal.throwIfAborted();
    const result = await launch(settings, ctx);
    if (result.ok) ctx.log(`registry back on the same address, same storage (${settings.dir})`);
    return result;
  },
});

export const registryTamper = defineAction({
  name: 'registry.tamper',
  description: "Flip a byte of a blob in the embedded registry's storage (the digest no longer matches)",
  args: z
    .object({
      digest: z.string().describe('Digest of the stored blob to change, e.g. ${artifact.layer.digest}.'),
      dir: z.string().optional().describe('Registry storage directory, relative to the scenario file. Default: ${registry.dir}.'),
      offset: z.number().int().min(0).optional().describe('Byte to invert (default: the last one, inside a gzip layer\'s size trailer).'),
    })
    .strict(),
  async run(args, ctx) {
    const dir = args.dir ? resolve(ctx.scenarioDir, args.dir) : ctx.vars['registry.dir'];
    if (!dir) return { ok: false, message: 'registry.tamper needs a registry started on disk (registry.start without memory) or a dir' };
    const t = await tamperStoredBlob(dir, args.digest, { offset: args.offset });
    ctx.log(`tampered ${args.digest}: byte ${t.offset} 0x${t.before.toString(16)} → 0x${t.after.toString(16)} in ${t.path}`);
    return { ok: true };
  },
});

export const registryStats = defineAction({
  name: 'registry.stats',
  description: 'Report the requests and bytes the embedded registry served (since start or the last reset)',
  args: z
    .object({
      method: z.string().optional().describe('Label for the measurements panel, e.g. "oci pull"; without it, only variables and a log line.'),
      reset: z.boolean().optional().describe('Zero the counters afterwards, so the next registry.stats counts only what follows.'),
    })
    .strict()
    .default({}),
  sets: {
    'registry.requests': 'Requests served since the start or the last reset.',
    'registry.bytes_out': 'Response body bytes served.',
    'registry.bytes_in': 'Request body bytes received.',
  },
  async run(args, ctx) {
    const r = ctx.scope.get(runRegistry).running;
    if (!r) return { ok: false, message: 'no embedded registry is running in this run (registry.start first)' };
    const { requests, bytesIn, bytesOut } = r.handle.stats;
    ctx.vars['registry.requests'] = String(requests);
    ctx.vars['registry.bytes_out'] = String(bytesOut);
    ctx.vars['registry.bytes_in'] = String(bytesIn);
    ctx.log(`registry served ${requests} requests: ${bytesOut} bytes out, ${bytesIn} bytes in`);
    if (args.method) {
      const note = 'counted by the embedded registry (response bodies, single run)';
      ctx.report({ method: args.method, metric: 'bytes_down', value: bytesOut, method_note: note });
      ctx.report({ method: args.method, metric: 'requests', value: requests, method_note: note });
    }
    if (args.reset) r.handle.resetStats();
    return { ok: true };
  },
});

export const registryActions: ActionDefinition<any>[] = [registryStart, registryStop, registryRestart, registryTamper, registryStats];
