/**
 * Scenario actions for the embedded registry: `registry.start`, `registry.stop`,
 * `registry.tamper`, `registry.stats`. The running registry is remembered per run (keyed by the run's vars).
 */
import { z } from 'zod';
import { join, resolve } from 'node:path';
import { defineAction, type ActionDefinition, type ActionContext } from '../engine/action.js';
import { PortInUseError, startRegistry, type RegistryHandle } from './server.js';
import { tamperStoredBlob } from './tamper.js';

interface Running {
  handle: RegistryHandle;
  stop: () => Promise<void>;
}

const running = new WeakMap<Record<string, string>, Running>();

/** The registry started by `registry.start` in this run, if any (for other actions of this area). */
export function runningRegistry(ctx: Pick<ActionContext, 'vars'>): RegistryHandle | undefined {
  return running.get(ctx.vars)?.handle;
}

const startArgs = z
  .object({
    /** Storage directory, relative to the scenario; default: `registry/` in the run's work dir. */
    dir: z.string().optional(),
    host: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    /** Keep blobs in memory instead of on disk (tamper then is not possible). */
    memory: z.boolean().optional(),
  })
  .strict()
  .default({});

export const registryStart = defineAction({
  name: 'registry.start',
  description: 'Start the embedded OCI registry on 127.0.0.1 (sets registry.url, registry.host, registry.dir)',
  args: startArgs,
  async run(args, ctx) {
    if (running.has(ctx.vars)) return { ok: false, message: 'the embedded registry is already running in this run (registry.stop first)' };
    const dir = args.memory ? undefined : args.dir ? resolve(ctx.scenarioDir, args.dir) : join(ctx.workDir, 'registry');
    ctx.signal.throwIfAborted();
    // The registry outlives this step (later steps push and pull), so its lifetime belongs to
    // the cleanup registry, which unwinds on run end, failure and Ctrl-C; not to the step signal.
    let handle: RegistryHandle;
    try {
      handle = await startRegistry({ dir, host: args.host, port: args.port ?? 0 });
    } catch (err) {
      if (err instanceof PortInUseError) return { ok: false, message: err.message };
      throw err;
    }
    handle.on('request', (e) => ctx.log(`${e.method} ${e.path} ${e.status} in=${e.bytesIn} out=${e.bytesOut} ${e.durationMs}ms`, 'info'));
    const stop = ctx.cleanup.add(`embedded registry ${handle.url}`, async () => {
      running.delete(ctx.vars);
      await handle.close();
    });
    running.set(ctx.vars, { handle, stop });
    ctx.vars['registry.url'] = handle.url;
    ctx.vars['registry.host'] = handle.hostPort;
    if (dir) ctx.vars['registry.dir'] = dir;
    ctx.log(`registry listening on ${handle.url} (storage: ${handle.location})`);
    return { ok: true };
  },
});

export const registryStop = defineAction({
  name: 'registry.stop',
  description: 'Stop the embedded OCI registry started by registry.start',
  args: z.object({}).strict().default({}),
  async run(_args, ctx) {
    const r = running.get(ctx.vars);
    if (!r) return { ok: false, message: 'no embedded registry is running in this run (registry.start first)' };
    const { requests, bytesOut } = r.handle.stats;
    await r.stop();
    ctx.log(`registry stopped after ${requests} requests, ${bytesOut} bytes served`);
    return { ok: true };
  },
});

export const registryTamper = defineAction({
  name: 'registry.tamper',
  description: "Flip a byte of a blob in the embedded registry's storage (the digest no longer matches)",
  args: z.object({ digest: z.string(), dir: z.string().optional(), offset: z.number().int().min(0).optional() }).strict(),
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
      /** Label for the measurements panel, e.g. "oci pull"; without it, only vars and a log line. */
      method: z.string().optional(),
      /** Zero the counters afterwards, so the next registry.stats measures only what follows. */
      reset: z.boolean().optional(),
    })
    .strict()
    .default({}),
  async run(args, ctx) {
    const r = running.get(ctx.vars);
    if (!r) return { ok: false, message: 'no embedded registry is running in this run (registry.start first)' };
    const { requests, bytesIn, bytesOut } = r.handle.stats;
    ctx.vars['registry.requests'] = String(requests);
    ctx.vars['registry.bytes_out'] = String(bytesOut);
    ctx.vars['registry.bytes_in'] = String(bytesIn);
    ctx.log(`registry served ${requests} requests: ${bytesOut} bytes out, ${bytesIn} bytes in`);
    if (args.method) {
      const note = 'counted by the embedded registry (response bodies, single run)';
      ctx.report({ method: args.method, metric: 'bytes_down', value: bytesOut, unit: 'bytes', method_note: note });
      ctx.report({ method: args.method, metric: 'requests', value: requests, unit: 'count', method_note: note });
    }
    if (args.reset) r.handle.resetStats();
    return { ok: true };
  },
});

export const registryActions: ActionDefinition<any>[] = [registryStart, registryStop, registryTamper, registryStats];
