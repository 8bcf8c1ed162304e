/**
 * `target.stop` / `target.restart`: an outage of the registry or the Git server, on any
 * target. ocilab stops only servers it runs itself (local: both; kind: its Git server unless
 * --git-url); a server that is not ocilab's (kind's registry container, a cluster's registry
 * or Git host) is never touched: the step says "shown, not run" and why, and succeeds.
 * Sets `target.<server>.outage`: `stopped`, `restarted`, or `shown` (not run).
 */
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionDefinition } from '../engine/action.js';
import { guarded, targetCtx, targetOf } from './action-support.js';
import type { ServerName } from './target.js';

const serverArgs = z.strictObject({ server: z.enum(['registry', 'git']).describe('Which of the target\'s servers.') });

const outageVar = {
  'target.<server>.outage': {
    description: '`stopped` or `restarted`, or `shown` where ocilab does not run that server (nothing was done).',
    names: (a: { server: string }) => [`target.${a.server}.outage`],
  },
};

const label = (s: ServerName) => (s === 'git' ? 'the Git server' : 'the registry');

async function control(server: ServerName, op: 'stop' | 'restart', ctx: ActionContext) {
  const t = await targetOf(ctx);
  const why = t.notOwnServer(server);
  if (why) {
    const line = `shown, not run: ocilab does not ${op} ${label(server)} on the ${t.name} target — ${why}`;
    ctx.log(line);
    ctx.plan?.action(`target.${op} ${server}: ${line}`);
    ctx.vars[`target.${server}.outage`] = 'shown';
    return { ok: true };
  }
  const lines = op === 'stop' ? await t.stopServer(server, targetCtx(ctx)) : await t.restartServer(server, targetCtx(ctx));
  for (const line of lines) ctx.log(line);
  if (ctx.plan) return { ok: true };
  ctx.vars[`target.${server}.outage`] = op === 'stop' ? 'stopped' : 'restarted';
  return { ok: true };
}

export const targetStop = defineAction({
  name: 'target.stop',
  description:
    "Stop the target's registry or Git server (an outage) when ocilab runs it (local: both; kind: the Git server unless --git-url); otherwise say why it is shown, not run, and succeed",
  args: serverArgs,
  plansInDryRun: true,
  sets: outageVar,
  run: (args, ctx) => guarded(() => control(args.server, 'stop', ctx)),
});

export const targetRestart = defineAction({
  name: 'target.restart',
  description: 'Start the server stopped by target.stop again: same address and port, same storage (shown, not run, where ocilab does not run it)',
  args: serverArgs,
  plansInDryRun: true,
  sets: outageVar,
  run: (args, ctx) => guarded(() => control(args.server, 'restart', ctx)),
});

export const outageActions: ActionDefinition<any>[] = [targetStop, targetRestart];
