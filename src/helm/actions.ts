/**
 * Scenario actions for Helm charts in OCI registries: helm.package, helm.push, helm.pull,
 * helm.list, helm.inspect. With `tool: auto` (default) the real helm CLI runs when it is
 * installed and its command is shown; otherwise ocilab does the same in-process and shows the
 * equivalent helm command. Signing and verifying use the cosign actions on `${helm.digest}`.
 * Variables set: helm.archive, helm.chart, helm.version, helm.repository, helm.ref,
 * helm.digest, helm.tag, helm.pulled.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionDefinition } from '../engine/action.js';
import { guarded, scenarioPath } from '../engine/action-helpers.js';
import { readChartArchive } from './archive.js';
import { loadChartDir } from './chart.js';
import { commandLine, digestFromOutput, findHelm, helmCommands, runHelm } from './helm-cli.js';
import { versionToTag } from './media-types.js';
import { packageChart } from './package.js';
import { describeChart, inspectChart, listChartVersions, parseChartRemote, pullChart, pushChart } from './registry.js';

const tool = z
  .enum(['auto', 'helm', 'ocilab'])
  .default('auto')
  .describe('auto: the helm CLI when installed, else ocilab does the same in-process (the equivalent helm command is shown either way).');
/**
 * Plain HTTP to the registry (helm --plain-http; default true: ocilab's and kind's registries);
 * `${registry.insecure}` after interpolation is accepted. Spelt as Flux's spec.insecure.
 */
const insecure = z
  .union([z.boolean(), z.string().regex(/^(true|false|.*\$\{[^}]+\}.*)$/, 'insecure must be true or false')])
  .default(true)
  .describe('Plain HTTP to the registry (helm --plain-http); default true, as ocilab\'s and kind\'s registries are; `${registry.insecure}` is accepted.');
/** Former spellings of the same concepts (they load, with a warning). */
const FORMER_ARGS = { plainHttp: 'insecure', ref: 'url', repository: 'url', remote: 'url' };
/** No zod transform: scenario loading parses args before interpolation and keeps the result. */
const plain = (v: boolean | string): boolean => v === true || v === 'true';
export const NEEDS_CLUSTER = 'Rendering and installing the chart is helm-controller\'s job (a HelmRelease): it needs a cluster (target kind or cluster). The local target stops at the registry: push, list, inspect, sign, verify.';

/** The helm binary to use, undefined for ocilab's own; throws when `tool: helm` and helm is missing. */
async function chooseHelm(choice: 'auto' | 'helm' | 'ocilab'): Promise<string | undefined> {
  if (choice === 'ocilab') return undefined;
  const helm = await findHelm();
  if (!helm && choice === 'helm') throw new Error('tool: helm, but the helm CLI is not installed (scripts/ci/install-helm.sh installs it)');
  return helm;
}

function show(ctx: ActionContext, args: string[], ran: boolean): void {
  ctx.log(ran ? `$ ${commandLine(args)}` : `equivalent: ${commandLine(args)}   (helm is not installed; ocilab did this itself)`, 'info');
}

export const helmPackage = defineAction({
  name: 'helm.package',
  description: 'Package a chart directory into <name>-<version>.tgz like `helm package` (sets helm.archive, helm.chart, helm.version)',
  args: z.strictObject({
    chart: z.string().min(1).describe('The chart directory (holding Chart.yaml), relative to the scenario file.'),
    destination: z.string().optional().describe('Directory for the .tgz, relative to the scenario file. Default: `charts/` in the run\'s work dir.'),
    version: z.string().optional().describe('Set the chart\'s version (helm package --version). Default: Chart.yaml\'s.'),
    tool,
  }),
  sets: {
    'helm.archive': 'Path of the packaged `<name>-<version>.tgz`.',
    'helm.chart': 'The chart\'s name.',
    'helm.version': 'The chart\'s version.',
  },
  run: (args, ctx) =>
    guarded(async () => {
      const dir = scenarioPath(ctx, args.chart);
      const dest = args.destination ? scenarioPath(ctx, args.destination) : join(ctx.workDir, 'charts');
      const helm = await chooseHelm(args.tool);
      const argv = helmCommands.package(dir, dest, args.version);
      show(ctx, argv, !!helm);
      let archive: string;
      if (helm) {
        const meta = (await loadChartDir(dir)).metadata;
        const r = await runHelm(helm, argv, { stateDir: join(ctx.workDir, 'helm-home'), signal: ctx.signal });
        ctx.log(r.stdout.trim());
        archive = join(dest, `${meta.name}-${args.version ?? meta.version}.tgz`);
      } else {
        archive = (await packageChart(dir, dest, { version: args.version })).path;
      }
      const a = await readChartArchive(await readFile(archive), archive);
      ctx.log(`${archive}: ${a.metadata.name} ${a.metadata.version} (app ${a.metadata.appVersion ?? '-'}), ${a.entries.length} files`);
      Object.assign(ctx.vars, { 'helm.archive': archive, 'helm.chart': a.metadata.name, 'helm.version': a.metadata.version });
      return { ok: true };
    }),
});

export const helmPush = defineAction({
  name: 'helm.push',
  description: 'Push a chart archive to oci://host/path like `helm push` (sets helm.ref, helm.digest, helm.tag, helm.repository)',
  args: z.strictObject({
    archive: z.string().optional().describe('The chart .tgz, relative to the scenario file. Default: ${helm.archive}.'),
    url: z.string().min(1).describe('Where to push, `oci://<host>/<path>`: the chart goes to `<path>/<name>:<version>`.'),
    insecure,
    tool,
  }),
  formerArgs: FORMER_ARGS,
  sets: {
    'helm.repository': '`oci://<host>/<path>/<name>`: the chart\'s repository.',
    'helm.ref': '`<host>/<path>/<name>:<tag>`: the pushed chart by tag.',
    'helm.digest': 'The pushed manifest\'s digest (for cosign.sign).',
    'helm.tag': 'The tag: the chart version (a `+` becomes `_`).',
  },
  run: (args, ctx) =>
    guarded(async () => {
      const archive = args.archive ? scenarioPath(ctx, args.archive) : ctx.vars['helm.archive'];
      if (!archive) return { ok: false, message: 'helm.push needs archive (or a helm.package step before it)' };
      const base = parseChartRemote(args.url, plain(args.insecure));
      const helm = await chooseHelm(args.tool);
      const argv = helmCommands.push(archive, args.url, plain(args.insecure));
      show(ctx, argv, !!helm);
      const t0 = performance.now();
      let digest: string;
      let name: string;
      let tag: string;
      if (helm) {
        const r = await runHelm(helm, argv, { stateDir: join(ctx.workDir, 'helm-home'), signal: ctx.signal });
        const out = `${r.stdout}\n${r.stderr}`;
        for (const line of out.trim().split('\n')) ctx.log(line);
        const meta = (await readChartArchive(await readFile(archive), archive)).metadata;
        name = meta.name;
        tag = versionToTag(meta.version);
        digest = digestFromOutput(out) ?? (await describeChart(`oci://${base.registry}/${base.repository}/${name}:${tag}`, { insecure: plain(args.insecure), signal: ctx.signal })).digest;
      } else {
        const r = await pushChart(archive, args.url, { insecure: plain(args.insecure), signal: ctx.signal });
        ({ digest, tag } = r);
        name = r.metadata.name;
        ctx.log(`Pushed: ${r.ref}`);
        ctx.log(`Digest: ${digest}`);
      }
      ctx.report({ method: 'helm push', metric: 'wall_ms', value: performance.now() - t0, method_note: 'single run' });
      const repository = `${base.registry}/${base.repository}/${name}`;
      Object.assign(ctx.vars, { 'helm.repository': `oci://${repository}`, 'helm.ref': `${repository}:${tag}`, 'helm.digest': digest, 'helm.tag': tag });
      return { ok: true };
    }),
});

export const helmPull = defineAction({
  name: 'helm.pull',
  description: 'Pull a chart like `helm pull oci://… --version X` and check the archive (sets helm.pulled)',
  args: z.strictObject({
    url: z.string().min(1).describe('The chart, `oci://<host>/<path>/<name>` (no tag), e.g. ${helm.repository}.'),
    version: z.string().min(1).describe('The chart version to pull (helm pull --version).'),
    destination: z.string().optional().describe('Directory for the .tgz, relative to the scenario file. Default: `pulled-charts/` in the run\'s work dir.'),
    insecure,
    tool,
  }),
  formerArgs: FORMER_ARGS,
  sets: { 'helm.pulled': 'Path of the pulled `<name>-<version>.tgz`.' },
  run: (args, ctx) =>
    guarded(async () => {
      const dest = args.destination ? scenarioPath(ctx, args.destination) : join(ctx.workDir, 'pulled-charts');
      const helm = await chooseHelm(args.tool);
      const argv = helmCommands.pull(args.url, args.version, dest, plain(args.insecure));
      show(ctx, argv, !!helm);
      let path: string;
      if (helm) {
        await mkdir(dest, { recursive: true }); // helm pull does not create --destination
        const r = await runHelm(helm, argv, { stateDir: join(ctx.workDir, 'helm-home'), signal: ctx.signal });
        for (const line of `${r.stdout}${r.stderr}`.trim().split('\n')) ctx.log(line);
        const name = args.url.replace(/\/+$/, '').split('/').pop()!;
        path = join(dest, `${name}-${args.version}.tgz`);
      } else {
        path = (await pullChart(`${args.url}:${args.version}`, dest, { insecure: plain(args.insecure), signal: ctx.signal })).path;
      }
      const a = await readChartArchive(await readFile(path), path);
      ctx.log(`${path}: ${a.metadata.name} ${a.metadata.version}, ${a.entries.length} files`);
      ctx.vars['helm.pulled'] = path;
      return { ok: true };
    }),
});

export const helmList = defineAction({
  name: 'helm.list',
  description: 'List the versions of a chart in a registry (SemVer tags, newest first), with digest and app version',
  args: z.strictObject({
    url: z.string().min(1).describe('The chart\'s repository, `oci://<host>/<path>/<name>`, e.g. ${helm.repository}.'),
    insecure,
    expect: z.array(z.string()).optional().describe('The versions that must be listed, exactly and in this order (newest first).'),
  }),
  formerArgs: FORMER_ARGS,
  run: (args, ctx) =>
    guarded(async () => {
      ctx.log(`equivalent: crane ls ${args.url.replace(/^oci:\/\//, '')}   (helm has no list command for OCI registries)`, 'info');
      const list = await listChartVersions(args.url, { insecure: plain(args.insecure), signal: ctx.signal });
      ctx.log('VERSION'.padEnd(18) + 'APP VERSION'.padEnd(14) + 'DIGEST');
      for (const c of list) ctx.log(c.version.padEnd(18) + (c.metadata.appVersion ?? '-').padEnd(14) + c.digest.slice(0, 19) + '…');
      const got = list.map((c) => c.version);
      if (args.expect && JSON.stringify(got) !== JSON.stringify(args.expect)) {
        return { ok: false, message: `${args.url} has versions ${got.join(', ') || '(none)'}; expected ${args.expect.join(', ')}` };
      }
      return { ok: true };
    }),
});

export const helmInspect = defineAction({
  name: 'helm.inspect',
  description: 'Show a chart in a registry: name, version, app version, annotations and values.yaml (what `helm show chart|values` print)',
  args: z.strictObject({
    url: z.string().min(1).describe('The chart by tag or digest, e.g. ${helm.ref}.'),
    insecure,
    expect: z
      .strictObject({
        name: z.string().optional().describe('The chart\'s name must be this.'),
        version: z.string().optional().describe('Its version must be this.'),
        values: z.string().optional().describe('Its values.yaml must contain this text.'),
      })
      .optional()
      .describe('What the chart must be; the action fails with each difference.'),
  }),
  formerArgs: FORMER_ARGS,
  run: (args, ctx) =>
    guarded(async () => {
      const i = await inspectChart(args.url, { insecure: plain(args.insecure), signal: ctx.signal });
      const repo = i.ref.slice(0, i.ref.lastIndexOf(':'));
      ctx.log(`equivalent: ${commandLine(helmCommands.show(`oci://${repo}`, i.version, 'values', plain(args.insecure)))}`, 'info');
      ctx.log(`chart ${i.metadata.name} version ${i.version} (app ${i.metadata.appVersion ?? '-'}) ${i.digest}`);
      if (i.metadata.description) ctx.log(`  ${i.metadata.description}`);
      ctx.log(`  files: ${i.archive.entries.map((e) => e.name).join(', ')}`);
      ctx.log('values.yaml:');
      for (const line of (i.archive.values ?? '(none)').trimEnd().split('\n')) ctx.log(`  ${line}`);
      ctx.log(NEEDS_CLUSTER, 'info');
      const e = args.expect;
      const wrong: string[] = [];
      if (e?.name && i.metadata.name !== e.name) wrong.push(`name is ${i.metadata.name}, expected ${e.name}`);
      if (e?.version && i.version !== e.version) wrong.push(`version is ${i.version}, expected ${e.version}`);
      if (e?.values && !(i.archive.values ?? '').includes(e.values)) wrong.push(`values.yaml does not contain "${e.values}"`);
      return wrong.length ? { ok: false, message: `${i.ref}: ${wrong.join('; ')}` } : { ok: true };
    }),
});

export const helmActions: ActionDefinition<any>[] = [helmPackage, helmPush, helmPull, helmList, helmInspect];
