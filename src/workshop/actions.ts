/**
 * Scenario actions for workshops: workshop.env (the learner's env file and lab dirs) and
 * precise checks of the learner's work (workshop.check-artifact, workshop.check-signed).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { verifyArtifact } from '../cosign/verify.js';
import { defineAction, type ActionDefinition } from '../engine/action.js';
import { scenarioPath } from '../engine/action-helpers.js';
import { spawnTracked } from '../engine/spawn.js';
import { checkArtifact } from './checks.js';
import { writeEnvFile } from './env-file.js';
import { envFile } from './paths.js';

/** dist/cli.js next to this module once built; from sources (tests), the built one if present. */
export function cliPath(): string | undefined {
  const candidates = [new URL('../cli.js', import.meta.url), new URL('../../dist/cli.js', import.meta.url)];
  return candidates.map((u) => fileURLToPath(u)).find((p) => existsSync(p));
}


export const workshopEnv = defineAction({
  name: 'workshop.env',
  description: "Write the learner's env file (registry, Git URL, work dir, an ocilab shell function) and the lab's keys dir with a 0600 password file",
  args: z
    .strictObject({
      name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/).default('workshop').describe('Names the env file, `<name>.env` in ocilab\'s state directory (use the scenario id).'),
    })
    .default({ name: 'workshop' }),
  sets: {
    'workshop.keys': 'The lab\'s keys directory (0700) in the run\'s work dir.',
    'workshop.password': 'Path of the 0600 file holding a random password for the lab\'s key pair.',
    'ocilab.cli': 'Path of the built ocilab CLI (dist/cli.js), when there is one.',
    'workshop.envFile': 'Path of the env file the learner sources (`source ${workshop.envFile}`).',
  },
  async run(args, ctx) {
    const keys = join(ctx.workDir, 'keys');
    mkdirSync(keys, { recursive: true, mode: 0o700 });
    const password = join(keys, 'password');
    // A lab key's password, kept in a 0600 file so it never appears on a command line or in a log.
    if (!existsSync(password)) writeFileSync(password, randomBytes(18).toString('base64url'), { mode: 0o600, flag: 'wx' });
    const cli = cliPath();
    Object.assign(ctx.vars, { 'workshop.keys': keys, 'workshop.password': password });
    if (cli) ctx.vars['ocilab.cli'] = cli;
    const file = envFile(args.name);
    for (const line of writeEnvFile(file, ctx.vars, cli, args.name)) ctx.log(line);
    ctx.vars['workshop.envFile'] = file;
    ctx.log(`in your terminal:  source ${file}`);
    return { ok: true };
  },
});

export const checkArtifactAction = defineAction({
  name: 'workshop.check-artifact',
  description: 'Check a pushed Flux artifact: tag present, Flux layer, revision/source annotations, same digest as another tag, files in its content',
  args: z.strictObject({
    url: z.string().min(1).describe('The artifact the learner pushed: `oci://<host>/<repository>:<tag>`.'),
    revision: z.string().optional().describe('Its revision annotation must be exactly this (what --revision set).'),
    source: z.string().optional().describe('Its source annotation must be exactly this (what --source set).'),
    sameAs: z.string().optional().describe('Another tag of the same repository that must point at the same digest.'),
    files: z.array(z.string()).optional().describe('Paths that must be in the artifact\'s content (it is pulled to check).'),
  }),
  sets: { 'check.digest': 'The checked artifact\'s manifest digest.' },
  async run(args, ctx) {
    const r = await checkArtifact({ ...args, scratch: ctx.workDir }, ctx.signal);
    if (!r.ok) return r;
    for (const line of r.lines) ctx.log(line);
    ctx.vars['check.digest'] = r.digest;
    return { ok: true };
  },
});

export const checkSignedAction = defineAction({
  name: 'workshop.check-signed',
  description: 'Check that an artifact carries a cosign signature that verifies with a public key (offline, as Flux)',
  args: z.strictObject({
    url: z.string().min(1).describe('The artifact: `oci://<host>/<repository>:<tag>` (plain HTTP).'),
    key: z.string().min(1).describe('Path of the public key (cosign.pub), relative to the scenario file.'),
  }),
  async run(args, ctx) {
    const key = scenarioPath(ctx, args.key);
    const pem = await readFile(key, 'utf8').catch(() => undefined);
    if (pem === undefined) return { ok: false, message: `no public key at ${key}: generate the key pair there first` };
    const r = await verifyArtifact(args.url.replace(/^oci:\/\//, ''), { publicKeys: [{ name: 'cosign.pub', pem }], insecure: true, signal: ctx.signal });
    if (r.verified) {
      ctx.log(`✓ ${r.summary}`);
      return { ok: true };
    }
    const details = r.checked.filter((c) => !c.ok && c.problem).map((c) => `${c.where}: ${c.problem}`);
    return { ok: false, message: [r.summary, r.message, ...details.slice(0, 3)].filter(Boolean).join('; ') };
  },
});

export const checkScriptAction = defineAction({
  name: 'workshop.check-script',
  description: "Run a bash check script; on failure its last output line is the learner's message (say what to fix there)",
  args: z.union([
    z.string().min(1).describe('The script, run with bash -c in the run\'s work dir.'),
    z.strictObject({
      command: z.string().min(1).describe('The script, run with bash -c; exit 0 passes.'),
      cwd: z.string().optional().describe('Working directory, relative to the scenario file. Default: the run\'s work dir.'),
    }),
  ]),
  async run(args, ctx) {
    const spec = typeof args === 'string' ? { command: args } : args;
    let last = '';
    const proc = spawnTracked('bash', ['--noprofile', '--norc', '-c', spec.command], {
      cleanup: ctx.cleanup,
      signal: ctx.signal,
      cwd: spec.cwd ? scenarioPath(ctx, spec.cwd) : ctx.workDir,
      env: { ...process.env, OCILAB_WORKDIR: ctx.workDir },
      label: 'workshop check',
      onLine: (line, stream) => {
        if (line.trim()) last = line.trim();
        ctx.log(line, stream);
      },
    });
    const { code, signal } = await proc.exited;
    if (code === 0) return { ok: true };
    return { ok: false, message: last || `the check script ended with ${signal ?? `exit code ${code}`}` };
  },
});

export const workshopActions: ActionDefinition<any>[] = [workshopEnv, checkArtifactAction, checkSignedAction, checkScriptAction];
