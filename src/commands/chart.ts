/**
 * `ocilab chart package|push|pull|list|show`: Helm charts in OCI registries from the command
 * line, with ocilab's own implementation (src/helm); each command prints the equivalent helm
 * command on stderr (`equivalent: helm push …`), so a presenter can show either.
 */
import { Command, Option } from 'commander';
import type { Writable } from 'node:stream';
import { commandLine, helmCommands } from '../helm/helm-cli.js';

/** Loaded on first use, so `ocilab --help` and other commands do not import them at start-up. */
const lazy = {
  helmPackage: () => import('../helm/package.js'),
  helmRegistry: () => import('../helm/registry.js'),
};

export interface ChartCommandIO {
  stdout: Writable;
  stderr: Writable;
}

interface Flags {
  plainHttp?: boolean;
  output?: string;
}

export function chartCommand(io: ChartCommandIO = { stdout: process.stdout, stderr: process.stderr }): Command {
  const out = (line: string): void => void io.stdout.write(`${line}\n`);
  const equivalent = (args: string[]): void => void io.stderr.write(`equivalent: ${commandLine(args)}\n`);
  const run =
    <A extends unknown[]>(fn: (signal: AbortSignal, ...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      const ac = new AbortController();
      const onInt = (): void => ac.abort();
      process.once('SIGINT', onInt);
      try {
        await fn(ac.signal, ...args);
      } catch (err) {
        io.stderr.write(`✗ ${(err as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        process.off('SIGINT', onInt);
      }
    };
  const remote = (c: Command) => c.option('--plain-http', 'use plain HTTP (loopback and private hosts use it anyway)');
  const json = (c: Command) => c.addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
  const cmd = new Command('chart').description('package, push, pull, list and show Helm charts in OCI registries (like helm package/push/pull/show)');

  cmd
    .command('package')
    .description('package a chart directory into <name>-<version>.tgz (like helm package)')
    .argument('<chart-dir>', 'chart directory (the one holding Chart.yaml)')
    .option('-d, --destination <dir>', 'where to write the archive', '.')
    .option('--version <semver>', 'set the chart version')
    .action(run(async (_s, dir: string, o: { destination: string; version?: string }) => {
      equivalent(helmCommands.package(dir, o.destination, o.version));
      const p = await (await lazy.helmPackage()).packageChart(dir, o.destination, { version: o.version });
      out(`Successfully packaged chart and saved it to: ${p.path}`);
    }));

  json(remote(cmd.command('push')))
    .description('push a chart archive to oci://host/path (like helm push); the tag is the chart version')
    .argument('<archive>', 'chart archive, e.g. mychart-0.1.0.tgz from ocilab chart package')
    .argument('<remote>', 'oci://host/path (no tag)')
    .action(run(async (signal, archive: string, to: string, o: Flags) => {
      equivalent(helmCommands.push(archive, to, !!o.plainHttp));
      const r = await (await lazy.helmRegistry()).pushChart(archive, to, { insecure: o.plainHttp, signal });
      if (o.output === 'json') out(JSON.stringify({ ref: r.ref, digest: r.digest, tag: r.tag, annotations: r.annotations }, null, 2));
      else out(`Pushed: ${r.ref}\nDigest: ${r.digest}`);
    }));

  remote(cmd.command('pull'))
    .description('pull a chart archive (like helm pull oci://… --version X)')
    .argument('<chart>', 'oci://host/path/name')
    .requiredOption('--version <version>', 'chart version to pull, e.g. 0.1.0')
    .option('-d, --destination <dir>', 'where to write <name>-<version>.tgz', '.')
    .action(run(async (signal, chart: string, o: Flags & { version: string; destination: string }) => {
      equivalent(helmCommands.pull(chart, o.version, o.destination, !!o.plainHttp));
      const r = await (await lazy.helmRegistry()).pullChart(`${chart}:${o.version}`, o.destination, { insecure: o.plainHttp, signal });
      out(`Pulled: ${r.ref}\nDigest: ${r.digest}\nSaved: ${r.path}`);
    }));

  json(remote(cmd.command('list')))
    .description('list the versions of a chart (SemVer tags, newest first)')
    .argument('<chart>', 'oci://host/path/name')
    .action(run(async (signal, chart: string, o: Flags) => {
      const list = await (await lazy.helmRegistry()).listChartVersions(chart, { insecure: o.plainHttp, signal });
      if (o.output === 'json') return out(JSON.stringify(list.map((c) => ({ version: c.version, tag: c.tag, appVersion: c.metadata.appVersion, digest: c.digest })), null, 2));
      out('VERSION'.padEnd(18) + 'APP VERSION'.padEnd(14) + 'DIGEST');
      for (const c of list) out(c.version.padEnd(18) + (c.metadata.appVersion ?? '-').padEnd(14) + c.digest);
    }));

  remote(cmd.command('show'))
    .description('show a chart\'s metadata or values (like helm show chart|values)')
    .argument('<what>', 'chart or values')
    .argument('<chart>', 'oci://host/path/name')
    .requiredOption('--version <version>', 'chart version to show, e.g. 0.1.0')
    .action(run(async (signal, what: string, chart: string, o: Flags & { version: string }) => {
      if (what !== 'chart' && what !== 'values') throw new Error(`show ${what}: expected "chart" or "values"`);
      equivalent(helmCommands.show(chart, o.version, what, !!o.plainHttp));
      const i = await (await lazy.helmRegistry()).inspectChart(`${chart}:${o.version}`, { insecure: o.plainHttp, signal });
      io.stdout.write(what === 'chart' ? i.archive.chartYaml : (i.archive.values ?? ''));
    }));
  return cmd;
}
