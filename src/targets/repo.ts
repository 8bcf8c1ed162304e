/**
 * `target.repo`: make a bare repository made on this machine (fixtures.create) reachable by
 * Flux on the run's target, and `target.check`: is the target up and its registry answering.
 *
 * - local, and kind without --git-url: ocilab's own Git server already serves the directory
 *   the repository is in, so nothing moves; only the URLs are set.
 * - cluster (and kind with --git-url): the repository is pushed (all branches and tags) to
 *   `<git url>/<name>.git`, which must exist there and accept pushes. The user's own git
 *   credential helpers apply; nothing secret is passed on a command line.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { request } from 'undici';
import { z } from 'zod';
import { defineAction, type ActionDefinition } from '../engine/action.js';
import { runGit } from '../git/git-binary.js';
import { guarded, targetOf } from './action-support.js';
import { TargetError } from './target.js';

const PUSH_REFS = ['refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*'];

export const targetRepo = defineAction({
  name: 'target.repo',
  description:
    "Make a bare repository (default <workDir>/fixtures/<name>.git) reachable by Flux on the target: served where it is (local, kind) or pushed to --git-url/<name>.git (cluster); sets git.repo.url and git.repo.pull",
  args: z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a repository name (letters, digits, ".", "_", "-")').describe('Repository name: the bare repository is `<name>.git` (e.g. ${fixture.name}).'),
    dir: z.string().optional().describe('Directory holding `<name>.git`, relative to the scenario file (default: where fixtures.create writes, `fixtures/` in the run\'s work dir).'),
  }),
  plansInDryRun: true,
  sets: {
    'git.repo.url': 'The repository\'s URL from this machine (clone, push).',
    'git.repo.pull': 'The repository\'s URL Flux clones from (a GitRepository\'s url).',
  },
  run: (args, ctx) =>
    guarded(async () => {
      const t = await targetOf(ctx);
      const dir = args.dir ? (isAbsolute(args.dir) ? args.dir : resolve(ctx.scenarioDir, args.dir)) : join(ctx.workDir, 'fixtures');
      const repo = join(dir, `${args.name}.git`);
      const git = t.gitUrl();
      const served = t.gitRoot();
      const rel = served ? relative(served, repo) : undefined;
      if (rel !== undefined && !rel.startsWith('..') && !isAbsolute(rel)) {
        const path = rel.split('\\').join('/');
        ctx.vars['git.repo.url'] = `${git.host}/${path}`;
        ctx.vars['git.repo.pull'] = `${git.cluster}/${path}`;
        ctx.log(`${repo} is served by the ${t.name} target's Git server: ${ctx.vars['git.repo.pull']}`);
        return { ok: true };
      }
      const url = `${git.host}/${args.name}.git`;
      const argv = ['-C', repo, 'push', '--force', url, ...PUSH_REFS];
      if (t.plan) {
        t.plan.command(['git', ...argv], { note: 'publish the repository where the cluster clones from' });
      } else {
        ctx.log(`$ git ${argv.join(' ')}`);
        try {
          // The user's own git config (credential helpers) applies; never prompt on a stage.
          await runGit(argv, { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, signal: ctx.signal });
        } catch (err) {
          throw new TargetError(`cannot push ${repo} to ${url}: ${(err as Error).message.trim()} (the repository must exist there and accept pushes)`);
        }
      }
      ctx.vars['git.repo.url'] = url;
      ctx.vars['git.repo.pull'] = `${git.cluster}/${args.name}.git`;
      ctx.log(`pushed ${args.name} to ${url}; Flux clones ${ctx.vars['git.repo.pull']}`);
      return { ok: true };
    }),
});

export const targetCheck = defineAction({
  name: 'target.check',
  description: "Check that the run's target is up and its OCI registry answers the Distribution API (/v2/) from this machine",
  args: z.strictObject({}).default({}),
  run: (_args, ctx) =>
    guarded(async () => {
      const t = await targetOf(ctx);
      if (!t.isUp()) return { ok: false, message: `the ${t.name} target is not up: run target.up first` };
      const reg = t.registryUrl();
      const host = reg.host.split('/')[0]!;
      const scheme = reg.insecure || /^(localhost|127\.|\[::1\])/.test(host) ? 'http' : 'https';
      const url = `${scheme}://${host}/v2/`;
      try {
        const res = await request(url, { method: 'GET', signal: ctx.signal, headersTimeout: 10_000 });
        await res.body.dump();
        // 401 is a registry asking for a token: it is there.
        if (res.statusCode !== 200 && res.statusCode !== 401) return { ok: false, message: `the registry at ${url} answered ${res.statusCode}` };
        ctx.log(`registry ${url}: ${res.statusCode}${t.name === 'local' ? '' : ` (Flux pulls ${reg.cluster})`}`);
      } catch (err) {
        return { ok: false, message: `the registry at ${url} does not answer: ${(err as Error).message}` };
      }
      return { ok: true };
    }),
});

export const repoActions: ActionDefinition<any>[] = [targetRepo, targetCheck];
