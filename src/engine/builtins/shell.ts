/**
 * `shell`: a command run with `bash -c` in its own process group, output streamed line by
 * line, exit code checked. `- shell: "echo hi"` or the mapping form with env, cwd, expected
 * exit code, or `background: true` for a server that lives until the run ends.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { defineAction } from '../action-definition.js';
import { spawnTracked } from '../../process/spawn.js';

const shellArgs = z.union([
  z.string().min(1).describe('The command, run with bash -c.'),
  z.strictObject({
    command: z.string().min(1).describe('The command, run with bash -c.'),
    cwd: z.string().optional().describe('Working directory; relative to the scenario file. Default: the run\'s work dir.'),
    env: z.record(z.string(), z.string()).optional().describe('Extra environment variables.'),
    exit: z.number().int().min(0).max(255).default(0).describe('The exit code that counts as success.'),
    background: z
      .boolean()
      .default(false)
      .describe('Start and return at once; the process runs until the run ends (pair with `wait`).'),
  }),
]);

export const shellAction = defineAction({
  name: 'shell',
  description: 'Run a command with bash -c; stream its output; fail on an unexpected exit code.',
  args: shellArgs,
  async run(args, ctx) {
    const spec = typeof args === 'string' ? { command: args, exit: 0, background: false } : args;
    const cwd = spec.cwd === undefined ? ctx.workDir : isAbsolute(spec.cwd) ? spec.cwd : resolve(ctx.scenarioDir, spec.cwd);
    const proc = spawnTracked('bash', ['--norc', '--noprofile', '-c', spec.command], {
      cleanup: ctx.cleanup,
      // A background server outlives its step; the cleanup registry ends it with the run.
      ...(spec.background ? {} : { signal: ctx.signal }),
      cwd,
      env: { ...spec.env, OCILAB_WORKDIR: ctx.workDir },
      onLine: (line, stream) => ctx.log(line, stream),
      label: `shell ${spec.command}`,
    });
    if (spec.background) {
      ctx.log(`started in the background (pid ${proc.pid})`, 'info');
      proc.exited.then(
        (e) => ctx.log(`background command exited (${e.signal ?? `code ${e.code}`})`, 'info'),
        () => undefined,
      );
      return { ok: true };
    }
    const exit = await proc.exited;
    if (ctx.signal.aborted) return { ok: false, message: (ctx.signal.reason as Error)?.message ?? 'aborted' };
    if (exit.code === spec.exit) return { ok: true };
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    return { ok: false, message: `command ${how}${spec.exit !== 0 ? ` (expected ${spec.exit})` : ''}: ${spec.command}` };
  },
});
