/**
 * Scenario actions of the git area: fixtures.create, git.serve, git.clone, git.commit.
 * Variables set for later steps: fixture.dir, fixture.repo, fixture.name, fixture.head,
 * git.url (server base), git.repo.url (the fixture's clone URL), git.head.
 */
import type { MetricName } from '../measure/metrics.js';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionDefinition } from '../engine/action.js';
import { createFixture, describeFixture, FixtureExistsError, PRESETS, PRESET_NAMES } from './fixtures/index.js';
import { formatRequest } from './server/request-log.js';
import { CLONE_STRATEGIES, measureClone, type CloneMeasurement } from './clone.js';
import { commitChange } from './commit.js';
import { gitServers } from './running.js';

const need = (ctx: ActionContext, name: string, given?: string): string => {
  const v = given ?? ctx.vars[name];
  if (!v) throw new Error(`\${${name}} is not set: run the step that sets it first (or pass it explicitly)`);
  return v;
};

const fail = (err: unknown) => ({ ok: false, message: (err as Error).message });

export const fixturesCreate = defineAction({
  name: 'fixtures.create',
  description: 'Generate a deterministic GitOps fleet repository (tiny|small|medium|large|bloated) as a bare repo.',
  args: z.union([
    z.enum(PRESET_NAMES).describe('The preset alone: `fixtures.create: small`.'),
    z.object({
      preset: z.enum(PRESET_NAMES).describe('Size of the fleet repository: apps, commits and history (figures in docs/git.md).'),
      dir: z.string().optional().describe('Directory for the bare repository, relative to the scenario file. Default: `fixtures/` in the run\'s work dir.'),
      force: z.boolean().optional().describe('Regenerate the repository when it exists (default: reuse it, with any pushes it received).'),
      monorepoFolders: z.coerce.number().int().min(0).optional().describe('Unrelated folders under services/ (source code Flux never needs); default: the preset\'s.'),
    }),
  ]),
  sets: {
    'fixture.dir': 'The directory holding the bare repository.',
    'fixture.repo': 'Path of the bare repository (`<dir>/<name>.git`).',
    'fixture.name': 'The repository\'s name (the preset\'s).',
    'fixture.head': 'The commit at the tip of its branch.',
  },
  async run(args, ctx) {
    const a = typeof args === 'string' ? { preset: args } : args;
    const dir = a.dir ? resolve(ctx.scenarioDir, a.dir) : join(ctx.workDir, 'fixtures');
    try {
      const spec = { ...PRESETS[a.preset], monorepoFolders: a.monorepoFolders ?? PRESETS[a.preset].monorepoFolders };
      ctx.log(`generating fixture ${a.preset}: ${spec.apps} apps, ${spec.commits} commits${spec.binary ? `, ${spec.binary.bytes} B binary in history` : ''}`, 'info');
      // An existing repository is reused (it may hold a learner's pushes), never replaced unless force: true.
      const r = await createFixture(spec, { dir, force: a.force ?? false, signal: ctx.signal }).catch(async (err: unknown) => {
        if (!(err instanceof FixtureExistsError)) throw err;
        ctx.log(`${err.path} exists: reusing it (force: true regenerates it)`, 'info');
        return describeFixture(err.path, spec);
      });
      Object.assign(ctx.vars, { 'fixture.dir': dir, 'fixture.repo': r.path, 'fixture.name': r.name, 'fixture.head': r.head });
      ctx.log(`${r.path}: ${r.commits} commits, ${r.objects} objects, pack ${r.packBytes} B, ${r.files} files at ${r.head.slice(0, 12)} (${r.durationMs.toFixed(0)} ms)`, 'info');
      ctx.report({ method: `fixture ${a.preset}`, metric: 'wall_ms', value: r.durationMs, method_note: 'single run' });
      return { ok: true };
    } catch (err) {
      return fail(err);
    }
  },
});

export const gitServe = defineAction({
  name: 'git.serve',
  description: 'Serve the repositories of a directory over smart HTTP (git http-backend, protocol v2; push accepted, fast-forward only); target.up already serves <workDir>/fixtures (git.serve of it reuses that server).',
  args: z
    .object({
      dir: z.string().optional().describe('Directory whose bare repositories to serve, relative to the scenario file. Default: ${fixture.dir}.'),
      host: z.string().optional().describe('Address to bind (default 127.0.0.1).'),
      port: z.coerce.number().int().min(0).max(65535).optional().describe('Port to listen on (default: any free port). A busy port falls back to a free one, said in the log.'),
    })
    .default({}),
  sets: {
    'git.url': 'The server\'s base URL, `http://127.0.0.1:<port>`.',
    'git.repo.url': 'Clone URL of the repository fixtures.create made, when one ran before (`${git.url}/<name>.git`).',
  },
  async run(args, ctx) {
    try {
      const root = args.dir ? resolve(ctx.scenarioDir, args.dir) : need(ctx, 'fixture.dir');
      const { server, reused } = await ctx.scope.get(gitServers).serve({ root, cleanup: ctx.cleanup, host: args.host, port: args.port });
      if (!reused) server.log.on('request', (e) => ctx.log(formatRequest(e), e.status >= 400 ? 'stderr' : 'stdout'));
      if (server.portNote && !reused) ctx.log(server.portNote, 'info');
      ctx.vars['git.url'] = server.url;
      if (ctx.vars['fixture.name']) ctx.vars['git.repo.url'] = `${server.url}/${ctx.vars['fixture.name']}.git`;
      ctx.log(`git server on ${server.url} ${reused ? 'already serves' : 'serving'} ${root}${reused ? ' (reused)' : ''}`, 'info');
      return { ok: true };
    } catch (err) {
      return fail(err);
    }
  },
});

export function reportClone(ctx: ActionContext, m: CloneMeasurement): void {
  const method = `git ${m.strategy}`;
  const put = (metric: MetricName, value: number | undefined) => {
    if (value !== undefined) ctx.report({ method, transport: 'git', client: 'git CLI process', metric, value, method_note: 'single run' });
  };
  put('wall_ms', m.wallMs);
  put('bytes_down', m.bytesDown);
  put('bytes_up', m.bytesUp);
  put('client_cpu_ms', m.clientCpuMs);
  put('peak_rss_bytes', m.peakRssBytes);
  put('server_cpu_ms', m.serverCpuMs);
  put('objects', m.objectsReceived);
  put('files', m.filesCheckedOut);
  const na = (v: number | undefined, f: (x: number) => string) => (v === undefined ? 'n/a' : f(v));
  ctx.log(
    `${method}: ${m.wallMs.toFixed(0)} ms, down ${na(m.bytesDown, (x) => `${x} B`)}, up ${na(m.bytesUp, (x) => `${x} B`)}, ` +
      `client CPU ${na(m.clientCpuMs, (x) => `${x.toFixed(0)} ms`)}, peak RSS ${na(m.peakRssBytes, (x) => `${(x / 1048576).toFixed(1)} MiB`)}, ` +
      `server CPU ${na(m.serverCpuMs, (x) => `${x.toFixed(0)} ms`)}, ${m.objectsReceived} objects, ${m.filesCheckedOut} files`,
    'info',
  );
  for (const n of m.notes) ctx.log(n, 'info');
}

export const gitClone = defineAction({
  name: 'git.clone',
  description: 'Clone with one strategy (full | shallow | sparse | ls-remote) and report its measured cost.',
  args: z.union([
    z.enum(CLONE_STRATEGIES).describe('The strategy alone: `git.clone: shallow`.'),
    z.object({
      strategy: z
        .enum(CLONE_STRATEGIES)
        .describe('full: whole history; shallow: `--depth 1 --single-branch --no-tags`, as source-controller clones a branch; sparse: shallow partial clone of one folder (Flux `sparseCheckout`); ls-remote: the no-change check.'),
      url: z.string().optional().describe('Repository to clone. Default: ${git.repo.url}.'),
      branch: z.string().optional().describe('Branch to clone (default main).'),
      sparsePath: z.string().optional().describe('With sparse: the folder to check out (default apps/app-007).'),
    }),
  ]),
  sets: { 'git.head': 'The commit at the branch tip the clone got (or listed, for ls-remote).' },
  async run(args, ctx) {
    const a = typeof args === 'string' ? { strategy: args } : args;
    try {
      const url = need(ctx, 'git.repo.url', 'url' in a ? a.url : undefined);
      const m = await measureClone({ ...a, url, server: ctx.scope.get(gitServers).serverFor(url), signal: ctx.signal });
      if (m.head) ctx.vars['git.head'] = m.head;
      reportClone(ctx, m);
      return { ok: true };
    } catch (err) {
      return fail(err);
    }
  },
});

export const gitCommit = defineAction({
  name: 'git.commit',
  description: 'Change one app (bump its image tag or edit its ConfigMap), commit and push.',
  args: z
    .object({
      url: z.string().optional().describe('Repository to push to. Default: ${git.repo.url}.'),
      branch: z.string().optional().describe('Branch to commit on (default main).'),
      app: z.string().optional().describe('App folder under apps/ to change (default app-000).'),
      change: z.enum(['image', 'config']).optional().describe('image (default): bump the patch of the Deployment\'s image tag; config: edit its ConfigMap.'),
      message: z.string().optional().describe('Commit message (default: one saying what changed).'),
    })
    .default({}),
  sets: { 'git.head': 'The commit pushed.' },
  async run(args, ctx) {
    try {
      const url = need(ctx, 'git.repo.url', args.url);
      const r = await commitChange({ ...args, url, signal: ctx.signal });
      ctx.vars['git.head'] = r.commit;
      ctx.log(`pushed ${r.commit.slice(0, 12)} "${r.message}" (${r.file})`, 'info');
      return { ok: true };
    } catch (err) {
      return fail(err);
    }
  },
});

export const gitActions: ActionDefinition<any>[] = [fixturesCreate, gitServe, gitClone, gitCommit];
