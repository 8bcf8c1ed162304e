/**
 * A report from real measurements, for the export tests: git CLI clones over git:// through
 * the counting proxy, and extraction of a real .tar.gz made by `git archive`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startCountingProxy } from '../../src/measure/counting-proxy.js';
import { runMatrix } from '../../src/measure/matrix.js';
import { gitCliMethod } from '../../src/measure/methods/git-cli.js';
import { untarMethod } from '../../src/measure/methods/untar.js';
import { buildReport } from '../../src/measure/report.js';
import type { MeasureReport } from '../../src/measure/report-schema.js';
import { proxyMeter } from '../../src/measure/traffic.js';
import { startGitDaemon } from './git-daemon.js';
import { makeGitRepo } from './git-fixture.js';

export async function measureRealReport(root: string): Promise<MeasureReport> {
  const repo = makeGitRepo(root, 8, 20, 1500);
  const tarball = join(root, 'whole.tar.gz');
  execFileSync('git', ['archive', '--format=tar.gz', '-o', tarball, 'main'], { cwd: repo });
  const daemon = await startGitDaemon(root);
  const proxy = await startCountingProxy({ targetHost: '127.0.0.1', targetPort: daemon.port });
  try {
    const url = `git://${proxy.hostPort}/fleet.git`;
    const meter = proxyMeter(proxy);
    const results = await runMatrix(
      [
        { preset: 'small', scope: 'repo', method: gitCliMethod({ url, mode: 'shallow', meter }) },
        { preset: 'small', scope: 'repo', method: gitCliMethod({ url, mode: 'ls-remote', meter }) },
        { preset: 'small', scope: 'app', method: gitCliMethod({ url, mode: 'sparse', appPath: 'apps/app-003', meter }) },
        { preset: 'small', scope: 'repo', method: untarMethod({ tarball }) },
      ],
      { runs: 3, warmup: 1, destRoot: root },
    );
    const [shallow, lsRemote] = results;
    return buildReport(results, [
      { label: 'Git, git:// (ls-remote + shallow clone)', check: lsRemote!, fetch: shallow!, params: { clusters: 1000, intervalMinutes: 1, changesPerHour: 2 } },
    ]);
  } finally {
    await proxy.close();
    await daemon.stop();
  }
}
