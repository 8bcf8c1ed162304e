/** `ocilab registry serve`: run the embedded OCI registry alone, logging each request. */
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { issueRegistryTls } from '../registry/issue-tls.js';
import { startRegistry, type RegistryTls, type RequestEvent } from '../registry/server.js';

const DEFAULT_PORT = 5001; // not 5000: macOS AirPlay Receiver holds it

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`"${value}" is not a port (0-65535)`);
  return n;
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
    .option('--tls-client-auth', 'with --tls: mutual TLS, require a client certificate signed by the throwaway CA; writes one to <dir> (client.crt, client.key 0600)')
    .action(async (opts: { port: number; dir?: string; host: string; quiet?: boolean; tls?: string; tlsClientAuth?: boolean }) => {
      const controller = new AbortController();
      let registry;
      try {
        if (opts.tlsClientAuth && opts.tls === undefined) throw new Error('--tls-client-auth needs --tls <dir> (the client certificate is issued by that throwaway CA)');
        let tls: RegistryTls | undefined;
        if (opts.tls !== undefined) {
          ({ tls } = await issueRegistryTls({ dir: opts.tls, clientAuth: opts.tlsClientAuth === true, ...(opts.host !== '127.0.0.1' ? { hosts: [opts.host] } : {}) }));
        }
        registry = await startRegistry({ dir: opts.dir, host: opts.host, port: opts.port, signal: controller.signal, ...(tls ? { tls } : {}) });
      } catch (err) {
        console.error(`ocilab registry: ${(err as Error).message}`);
        process.exitCode = 1;
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
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      const { requests, bytesIn, bytesOut } = registry.stats;
      controller.abort();
      await registry.close();
      console.log(`registry stopped: ${requests} requests, ${bytesIn} bytes in, ${bytesOut} bytes out`);
    });
  return cmd;
}
