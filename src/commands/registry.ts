/** `ocilab registry serve`: run the embedded OCI registry alone, logging each request. */
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { onInterrupt } from '../process/shutdown.js';
import { issueRegistryTls } from '../registry/issue-tls.js';
import { REGISTRY_TIMEOUTS, startRegistry, type RegistryTimeouts, type RegistryTls, type RequestEvent } from '../registry/server.js';
import { EXIT, UsageError } from './exit-codes.js';

const DEFAULT_PORT = 5001; // not 5000: macOS AirPlay Receiver holds it

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`"${value}" is not a port (0-65535)`);
  return n;
}

/** Seconds (decimals allowed) → ms; `0` only where `zero` says it means "no limit". */
function parseSeconds(zero: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (!zero && n === 0)) {
      throw new InvalidArgumentError(`"${value}" is not a number of seconds${zero ? ' (0: no limit)' : ' above 0'}`);
    }
    return Math.round(n * 1000);
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function formatRequest(e: RequestEvent): string {
  const err = e.error ? ` ${e.error}` : '';
  return `${e.method.padEnd(6)} ${e.status} ${e.path}  in=${e.bytesIn} out=${e.bytesOut} ${e.durationMs}ms${err}`;
}

export function registryCommand(): Command {
  const cmd = new Command('registry').description('the embedded OCI registry (distribution-spec 1.1)');
  cmd
    .command('serve')
    .description('run the embedded OCI registry until Ctrl-C')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', parsePort, DEFAULT_PORT)
    .option('-d, --dir <dir>', 'storage directory (default: in memory, gone when stopped)')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('-q, --quiet', 'do not log requests')
    .option('--tls <dir>', 'serve HTTPS with a throwaway CA and server certificate for 127.0.0.1/::1/localhost, written to <dir> (ca.crt, tls.crt, tls.key 0600); clients trust <dir>/ca.crt')
    .option('--allowed-host <name>', 'also answer requests whose Host header is this name (repeatable); IP addresses and localhost always are, any other name gets 403 (DNS rebinding)', collect)
    .addOption(new Option('--headers-timeout <s>', 'seconds a client has to send its request headers').argParser(parseSeconds(false)).default(REGISTRY_TIMEOUTS.headersMs, String(REGISTRY_TIMEOUTS.headersMs / 1000)))
    .addOption(
      new Option('--idle-timeout <s>', 'close a connection whose request body (or response) stalls this many seconds; 0: never')
        .argParser(parseSeconds(true))
        .default(REGISTRY_TIMEOUTS.idleMs, String(REGISTRY_TIMEOUTS.idleMs / 1000)),
    )
    .addOption(
      new Option('--request-timeout <s>', 'seconds a whole request (headers and body) may take; 0: no limit, so a slow but moving large push is never cut')
        .argParser(parseSeconds(true))
        .default(REGISTRY_TIMEOUTS.requestMs, '0'),
    )
    .option('--tls-client-auth', 'with --tls: mutual TLS, require a client certificate signed by the throwaway CA; writes one to <dir> (client.crt, client.key 0600)')
    .action(async (opts: ServeOptions) => {
      const controller = new AbortController();
      let registry;
      try {
        if (opts.tlsClientAuth && opts.tls === undefined) throw new UsageError('--tls-client-auth needs --tls <dir> (the client certificate is issued by that throwaway CA)');
        let tls: RegistryTls | undefined;
        if (opts.tls !== undefined) {
          // The certificate names what clients may call the registry: the bound host and the --allowed-host names.
          const hosts = [...(opts.host !== '127.0.0.1' ? [opts.host] : []), ...(opts.allowedHost ?? [])];
          ({ tls } = await issueRegistryTls({ dir: opts.tls, clientAuth: opts.tlsClientAuth === true, ...(hosts.length > 0 ? { hosts } : {}) }));
        }
        const timeouts: RegistryTimeouts = { ...REGISTRY_TIMEOUTS, headersMs: opts.headersTimeout, idleMs: opts.idleTimeout, requestMs: opts.requestTimeout };
        registry = await startRegistry({
          dir: opts.dir,
          host: opts.host,
          port: opts.port,
          signal: controller.signal,
          allowedHosts: opts.allowedHost ?? [],
          timeouts,
          ...(tls ? { tls } : {}),
        });
      } catch (err) {
        console.error(`ocilab registry: ${(err as Error).message}`);
        process.exitCode = err instanceof UsageError ? EXIT.usage : EXIT.failed;
        return;
      }
      if (!opts.quiet) registry.on('request', (e) => console.log(formatRequest(e)));
      console.log(`registry listening on ${registry.url} (storage: ${registry.location})`);
      if (opts.tls !== undefined) {
        const ca = join(resolve(opts.tls), 'ca.crt');
        console.log(`HTTPS; trust the CA ${ca}: ocilab artifact … --ca-file ${ca}, or SSL_CERT_FILE=${ca} crane …`);
        if (opts.tlsClientAuth) {
          const dir = resolve(opts.tls);
          console.log(`mutual TLS: clients must present a certificate from that CA, e.g. ${join(dir, 'client.crt')} with ${join(dir, 'client.key')} (curl --cacert ca.crt --cert client.crt --key client.key; a Flux certSecretRef Secret with tls.crt, tls.key, ca.crt)`);
        }
      } else {
        console.log(`push with e.g.: crane push image.tar ${registry.hostPort}/demo:latest   (plain HTTP)`);
      }
      const running = registry;
      let stopping: Promise<void> | undefined;
      // Once, whoever asks first: the CLI's shutdown (which then exits 130 / 143) or our own signal listener.
      const stop = () =>
        (stopping ??= (async () => {
          const { requests, bytesIn, bytesOut } = running.stats;
          controller.abort();
          await running.close();
          console.log(`registry stopped: ${requests} requests, ${bytesIn} bytes in, ${bytesOut} bytes out`);
        })());
      const offInterrupt = onInterrupt(stop);
      await new Promise<void>((resolve) => {
        const done = () => {
          process.off('SIGINT', done);
          process.off('SIGTERM', done);
          resolve();
        };
        process.on('SIGINT', done);
        process.on('SIGTERM', done);
      });
      await stop();
      offInterrupt();
    });
  return cmd;
}

interface ServeOptions {
  port: number;
  dir?: string;
  host: string;
  quiet?: boolean;
  tls?: string;
  tlsClientAuth?: boolean;
  allowedHost?: string[];
  headersTimeout: number;
  idleTimeout: number;
  requestTimeout: number;
}
