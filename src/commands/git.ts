/** `ocilab git serve [--port] [--dir] [--host] [--allow-push] [--allow-non-fast-forward] [--allowed-host]` and `ocilab git measure <url>`. */
import { Command } from 'commander';
import { GitServer } from '../git/server/server.js';
import { formatRequest } from '../git/server/request-log.js';
import { hostnameOf } from '../net/host-check.js';
import { CLONE_STRATEGIES, measureClone, type CloneStrategy } from '../git/clone.js';

export const DEFAULT_GIT_PORT = 8470;

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function gitCommand(): Command {
  const cmd = new Command('git').description('smart-HTTP Git server (git http-backend) and measured clone strategies');

  cmd
    .command('serve')
    .description('serve every repository under --dir over smart HTTP (protocol v2), read-only unless --allow-push, until Ctrl-C')
    .option('--dir <dir>', 'directory of repositories', './fixtures')
    .option('--port <port>', `port; 0 = any (default: ${DEFAULT_GIT_PORT}, or the next free one if taken)`)
    .option('--host <host>', 'address to bind; a kind cluster needs the kind bridge or 0.0.0.0', '127.0.0.1')
    .option('--allow-push', 'accept pushes (fast-forward only); without it the server is read-only')
    .option('--allow-non-fast-forward', 'with --allow-push: also accept forced (non-fast-forward) updates and branch deletions')
    .option('--allowed-host <name>', 'also answer requests whose Host header is this name (repeatable); IP addresses and localhost always are, any other name gets 403 (DNS rebinding)', collect)
    .action(async (opts: { dir: string; port?: string; host: string; allowPush?: boolean; allowNonFastForward?: boolean; allowedHost?: string[] }) => {
      const port = opts.port === undefined ? DEFAULT_GIT_PORT : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        process.stderr.write(`ocilab: --port must be 0..65535, got "${opts.port}"\n`);
        process.exitCode = 2;
        return;
      }
      if (opts.allowNonFastForward && !opts.allowPush) {
        process.stderr.write('ocilab: --allow-non-fast-forward only applies with --allow-push (nothing was started)\n');
        process.exitCode = 2;
        return;
      }
      const allowedHosts = opts.allowedHost ?? [];
      const badHost = allowedHosts.find((h) => hostnameOf(h) === undefined);
      if (badHost !== undefined) {
        process.stderr.write(`ocilab: --allowed-host takes a host name (optionally with :port), got "${badHost}" (nothing was started)\n`);
        process.exitCode = 2;
        return;
      }
      const push = opts.allowPush ?? false;
      const allowNonFastForward = opts.allowNonFastForward ?? false;
      let server: GitServer;
      try {
        // An explicit --port that is taken is an error; the default moves to the next free port.
        server = await new GitServer({ root: opts.dir, host: opts.host, port, portFallback: opts.port === undefined, push, allowNonFastForward, allowedHosts }).start();
      } catch (err) {
        process.stderr.write(`ocilab: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      if (server.portNote) process.stdout.write(`note: ${server.portNote}\n`);
      process.stdout.write(`serving ${opts.dir} on ${server.url}  (clone: git clone ${server.url}/<name>.git; Ctrl-C stops)\n`);
      process.stdout.write(
        push
          ? `push: accepted${allowNonFastForward ? ', forced updates and branch deletions too (--allow-non-fast-forward)' : ', fast-forward only (forced updates and branch deletions refused)'}\n`
          : 'push: refused (read-only; --allow-push accepts pushes)\n',
      );
      if (opts.host !== '127.0.0.1' && opts.host !== 'localhost') {
        process.stdout.write(`warning: listening on ${opts.host}: reachable from other machines${push ? ', with push accepted' : ''}\n`);
      }
      server.log.on('request', (e) => process.stdout.write(`${formatRequest(e)}\n`));
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.stop();
    });

  cmd
    .command('measure')
    .description('clone a repository with each strategy and print what it cost')
    .argument('<url>', 'repository URL, e.g. http://127.0.0.1:8470/small.git')
    .option('--strategy <s>', `${CLONE_STRATEGIES.join(' | ')} | all`, 'all')
    .option('--branch <b>', 'branch', 'main')
    .option('--sparse-path <p>', 'folder for the sparse strategy', 'apps/app-007')
    .action(async (url: string, opts: { strategy: string; branch: string; sparsePath: string }) => {
      const strategies = opts.strategy === 'all' ? [...CLONE_STRATEGIES] : [opts.strategy as CloneStrategy];
      if (!strategies.every((s) => (CLONE_STRATEGIES as readonly string[]).includes(s))) {
        process.stderr.write(`ocilab: unknown strategy "${opts.strategy}"\n`);
        process.exitCode = 2;
        return;
      }
      const na = (v: number | undefined, f: (x: number) => string) => (v === undefined ? 'n/a' : f(v));
      process.stdout.write('strategy   wall ms  down B  up B  client CPU ms  peak RSS MiB  objects  files\n');
      for (const strategy of strategies) {
        try {
          const m = await measureClone({ url, strategy, branch: opts.branch, sparsePath: opts.sparsePath });
          process.stdout.write(
            `${strategy.padEnd(10)} ${m.wallMs.toFixed(0).padStart(7)}  ${na(m.bytesDown, String).padStart(6)}  ${na(m.bytesUp, String).padStart(4)}  ` +
              `${na(m.clientCpuMs, (x) => x.toFixed(0)).padStart(13)}  ${na(m.peakRssBytes, (x) => (x / 1048576).toFixed(1)).padStart(12)}  ${String(m.objectsReceived).padStart(7)}  ${String(m.filesCheckedOut).padStart(5)}\n`,
          );
          for (const n of m.notes) process.stdout.write(`  ${n}\n`);
        } catch (err) {
          process.stderr.write(`ocilab: ${strategy}: ${(err as Error).message}\n`);
          process.exitCode = 1;
        }
      }
      process.stdout.write('server CPU: n/a here (measured only when the server runs in this process, e.g. in scenarios)\n');
    });
  return cmd;
}
