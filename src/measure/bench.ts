/**
 * Git vs OCI, measured live: fixtures per preset (src/git), served by ocilab's Git server and
 * registry as separate processes behind counting proxies, artifacts pushed as
 * `flux push artifact` would (whole tree and one app folder), every method measured in
 * interleaved rounds, and the fleet projection for each source. Used by `ocilab bench` and
 * scripts/measure/bench-git-vs-oci.ts.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { makeTempDir } from '../process/cleanup.js';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { appName, createFixture, PRESETS as FIXTURES } from '../git/fixtures/index.js';
import { pushArtifact } from '../oci/remote.js';
import { runMatrix, type MatrixCell, type Preset } from './matrix.js';
import { controllerPathMethod } from './methods/controller-path.js';
import { gitCliMethod } from './methods/git-cli.js';
import { ociCliMethod } from './methods/oci-cli.js';
import { ocilabHeadMethod, ocilabPullMethod } from './methods/ocilab-oci.js';
import type { FleetParams } from './projection.js';
import { buildReport, type ProjectionRequest } from './report.js';
import type { MeasureReport } from './report-schema.js';
import { startServerProcess } from './server-processes.js';
import type { RunSample } from './types.js';

const run = promisify(execFile);

export interface BenchOptions {
  presets: Preset[];
  runs?: number;
  warmup?: number;
  /** Where the per-run directories go (see resolveDestRoot). */
  destRoot: string;
  /** The app folder for the one-app scope (default apps/app-007, or the preset's last app if it has fewer). */
  app?: string;
  fleet?: FleetParams;
  /** Leave out the command-line reference methods (curl) and the full clone. */
  quick?: boolean;
  signal?: AbortSignal;
  log?: (line: string) => void;
  onSample?: (sample: RunSample, info: { cell: MatrixCell; index: number; warmup: boolean }) => void;
}

const source = (kind: 'GitRepository' | 'OCIRepository', name: string, url: string) =>
  ({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind,
    metadata: { name, namespace: 'flux-system' },
    spec:
      kind === 'GitRepository'
        ? { url, interval: '1m', timeout: '60s', ref: { branch: 'main' } }
        : { url, interval: '1m', timeout: '60s', ref: { tag: 'latest' }, insecure: true },
  }) as never;

export async function runGitVsOciBench(o: BenchOptions): Promise<MeasureReport> {
  const log = o.log ?? (() => undefined);
  const temp = makeTempDir('ocilab-bench-');
  const work = temp.path;
  const closers: (() => Promise<void>)[] = [];
  try {
    const fixtures = join(work, 'fixtures');
    await mkdir(fixtures);
    for (const p of o.presets) {
      const f = await createFixture(FIXTURES[p], { dir: fixtures, signal: o.signal });
      log(`fixture ${p}: ${f.commits} commits, ${f.objects} objects, ${f.files} files, pack ${f.packBytes} B`);
    }
    const git = await startServerProcess('git', fixtures, o.signal);
    closers.push(git.stop);
    const registry = await startServerProcess('registry', undefined, o.signal);
    closers.push(registry.stop);
    const cells: MatrixCell[] = [];
    const pairs: { label: string; check: string; fetch: string }[] = [];
    for (const preset of o.presets) {
      const app = o.app ?? `apps/${appName(Math.min(7, FIXTURES[preset].apps - 1))}`;
      const tree = join(work, 'trees', preset);
      await mkdir(tree, { recursive: true });
      await run('sh', ['-c', 'git --git-dir="$1" archive HEAD | tar -x -C "$2"', 'sh', join(fixtures, `${preset}.git`), tree]);
      const url = `${git.url}/${preset}.git`;
      const meta = { source: url, revision: 'main' };
      const whole = `${registry.hostPort}/fleet/${preset}:latest`;
      const appRef = `${registry.hostPort}/fleet/${preset}-app:latest`;
      await pushArtifact(`oci://${whole}`, { path: tree, ...meta, signal: o.signal });
      await pushArtifact(`oci://${appRef}`, { path: join(tree, app), ...meta, signal: o.signal });
      const add = (scope: 'repo' | 'app', method: MatrixCell['method']) => cells.push({ preset, scope, method });
      const hasSkopeo = !o.quick && spawnSync('skopeo', ['--version'], { stdio: 'ignore' }).status === 0;
      const gm = git.meter;
      const rm_ = registry.meter;
      if (!o.quick) add('repo', gitCliMethod({ url, mode: 'full', ref: 'main', meter: gm }));
      add('repo', gitCliMethod({ url, mode: 'shallow', ref: 'main', meter: gm }));
      add('repo', gitCliMethod({ url, mode: 'ls-remote', ref: 'main', meter: gm }));
      add('app', gitCliMethod({ url, mode: 'sparse', ref: 'main', appPath: app, meter: gm }));
      add('repo', ocilabPullMethod({ reference: whole, meter: rm_ }));
      add('repo', ocilabHeadMethod({ reference: whole, meter: rm_ }));
      add('app', ocilabPullMethod({ reference: appRef, meter: rm_ }));
      if (!o.quick) {
        add('repo', ociCliMethod({ registry: registry.hostPort, repository: `fleet/${preset}`, reference: 'latest', tool: 'curl', mode: 'pull', untar: true, meter: rm_ }));
        add('repo', ociCliMethod({ registry: registry.hostPort, repository: `fleet/${preset}`, reference: 'latest', tool: 'curl', mode: 'head', meter: rm_ }));
        // ocilab's own CLI, as a user runs it: the OCI side as a process too, start-up included
        add('repo', ociCliMethod({ registry: registry.hostPort, repository: `fleet/${preset}`, reference: 'latest', tool: 'ocilab', mode: 'pull', meter: rm_ }));
        // a third-party client too, when installed (Debian's skopeo)
        if (hasSkopeo) add('repo', ociCliMethod({ registry: registry.hostPort, repository: `fleet/${preset}`, reference: 'latest', tool: 'skopeo', mode: 'pull', untar: true, meter: rm_ }));
      }
      const gitSrc = source('GitRepository', preset, url);
      const ociSrc = source('OCIRepository', preset, `oci://${registry.hostPort}/fleet/${preset}`);
      for (const [src, mode, meter] of [
        [gitSrc, 'fetch', gm],
        [gitSrc, 'no-change', gm],
        [ociSrc, 'fetch', rm_],
        [ociSrc, 'no-change', rm_],
      ] as const) {
        const m = controllerPathMethod({ source: src, mode, meter });
        closers.push(m.close);
        add('repo', m);
      }
      pairs.push({ label: `${preset}: Git (ls-remote + shallow clone)`, check: `${preset}/repo git.cli.ls-remote`, fetch: `${preset}/repo git.cli.shallow` });
      pairs.push({ label: `${preset}: OCI (manifest HEAD + pull)`, check: `${preset}/repo oci.ocilab.head`, fetch: `${preset}/repo oci.ocilab.pull` });
    }
    log(`measuring ${cells.length} cells, ${o.runs ?? 5} runs after ${o.warmup ?? 1} warm-up, interleaved; files in ${o.destRoot}`);
    const results = await runMatrix(cells, { runs: o.runs, warmup: o.warmup, destRoot: o.destRoot, signal: o.signal, onSample: o.onSample });
    const byKey = new Map(results.map((r) => [`${r.cell} ${r.methodId}`, r]));
    const fleet = o.fleet ?? { clusters: 1000, intervalMinutes: 1, changesPerHour: 2 };
    const projections: ProjectionRequest[] = pairs.map((p) => ({ label: p.label, check: byKey.get(p.check)!, fetch: byKey.get(p.fetch)!, params: fleet }));
    return buildReport(results, projections);
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await temp.remove();
  }
}
