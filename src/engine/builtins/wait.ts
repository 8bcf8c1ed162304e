/**
 * `wait`: for a line matching a pattern in an earlier action's output, a URL answering,
 * a TCP port accepting connections, or a plain duration. Every form honours the abort signal.
 */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionResult } from '../action.js';
import { parseDuration } from '../duration.js';
import { durationSchema } from '../scenario-schema.js';
import { deadline as bounded } from '../deadline.js';

const timeout = durationSchema.default('30s').describe('Give up after this long (default 30s).');
const waitArgs = z.union([
  durationSchema.describe('Pause for this long.'),
  z.strictObject({ duration: durationSchema.describe('Pause for this long.') }),
  z.strictObject({
    output: z.string().min(1).describe('A regular expression to wait for, line by line.'),
    from: z.string().optional().describe('The `as:` name of the action to watch (default: the previous action).'),
    timeout,
  }),
  z.strictObject({
    url: z.string().url().describe('An http(s) URL to poll.'),
    status: z.number().int().optional().describe('The status to wait for (default: any status below 500).'),
    timeout,
  }),
  z.strictObject({
    port: z.number().int().min(1).max(65535).describe('A TCP port to wait for until a connection succeeds.'),
    host: z.string().default('127.0.0.1').describe('The host of that port.'),
    timeout,
  }),
]);
type WaitArgs = z.infer<typeof waitArgs>;

const POLL_MS = 200;

async function poll(
  ctx: ActionContext,
  timeoutText: string,
  what: string,
  attempt: (signal: AbortSignal) => Promise<boolean>,
): Promise<ActionResult> {
  const deadline = Date.now() + parseDuration(timeoutText)!;
  while (!ctx.signal.aborted) {
    const perTry = bounded(Math.max(1, Math.min(2000, deadline - Date.now())), ctx.signal, what);
    const ok = await attempt(perTry.signal).catch(() => false);
    perTry.dispose();
    if (ok) return { ok: true };
    if (Date.now() >= deadline) return { ok: false, message: `${what} did not answer within ${timeoutText}` };
    await sleep(POLL_MS, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
  return { ok: false, message: (ctx.signal.reason as Error)?.message ?? 'aborted' };
}

function tcpOpen(host: string, port: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(ok);
    };
    const onAbort = () => done(false);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitForOutput(args: Extract<WaitArgs, { output: string }>, ctx: ActionContext): Promise<ActionResult> {
  const key = args.from ?? ctx.outputs?.previous;
  if (!ctx.outputs || key === undefined) return { ok: false, message: 'wait: no earlier action output to watch' };
  if (args.from !== undefined && !ctx.outputs.streams.has(args.from)) {
    return { ok: false, message: `wait: no action named "${args.from}" has written output yet (set \`as: ${args.from}\` on it)` };
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(args.output);
  } catch (err) {
    return { ok: false, message: `wait: bad pattern ${args.output}: ${(err as Error).message}` };
  }
  const limit = bounded(parseDuration(args.timeout)!, ctx.signal, `wait for /${args.output}/`);
  try {
    const line = await ctx.outputs.streams.waitFor(key, pattern, limit.signal);
    ctx.log(`matched: ${line}`, 'info');
    return { ok: true };
  } catch {
    if (ctx.signal.aborted) return { ok: false, message: (ctx.signal.reason as Error)?.message ?? 'aborted' };
    return { ok: false, message: `no output line matched /${args.output}/ within ${args.timeout}` };
  } finally {
    limit.dispose();
  }
}

export const waitAction = defineAction({
  name: 'wait',
  description: 'Wait for a pattern in an earlier action\'s output, a URL, a TCP port, or a duration.',
  args: waitArgs,
  timeoutArgument: true,
  async run(args, ctx) {
    if (typeof args === 'string' || 'duration' in args) {
      const text = typeof args === 'string' ? args : args.duration;
      await sleep(parseDuration(text)!, undefined, { signal: ctx.signal }).catch(() => undefined);
      return ctx.signal.aborted ? { ok: false, message: (ctx.signal.reason as Error)?.message ?? 'aborted' } : { ok: true };
    }
    if ('output' in args) return waitForOutput(args, ctx);
    if ('url' in args) {
      const want = args.status;
      return poll(ctx, args.timeout, args.url, async (signal) => {
        const res = await fetch(args.url, { signal, redirect: 'manual' });
        await res.body?.cancel();
        return want === undefined ? res.status < 500 : res.status === want;
      });
    }
    return poll(ctx, args.timeout, `${args.host}:${args.port}`, (signal) => tcpOpen(args.host, args.port, signal));
  },
});
