/**
 * Start a real CNCF distribution registry (docker-registry 2.8 from Debian, or `registry` v3
 * built from its Go module) on 127.0.0.1:<free port> with storage in a temp dir; stop it and
 * remove the dir afterwards. Optional token auth points it at a token server of the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findPeer } from '../helpers/peers.js';

export type RegistryFlavour = 'docker-registry' | 'registry';

export interface RunningRegistry {
  flavour: RegistryFlavour;
  /** "127.0.0.1:<port>" */
  host: string;
  url: string;
  dir: string;
  stop(): Promise<void>;
  /** Everything the registry printed, for failure messages. */
  output(): string;
}

export interface TokenAuthConfig {
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate bundle the registry trusts for token signatures. */
  rootCertBundle: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startRegistry(flavour: RegistryFlavour, opts: { token?: TokenAuthConfig; deleteEnabled?: boolean } = {}): Promise<RunningRegistry> {
  const bin = findPeer(flavour);
  if (!bin) throw new Error(`${flavour} is not installed (scripts/ci/install-oci.sh)`);
  const dir = await mkdtemp(join(tmpdir(), `ocilab-${flavour}-`));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const auth = opts.token
    ? `auth:\n  token:\n    realm: ${opts.token.realm}\n    service: ${opts.token.service}\n    issuer: ${opts.token.issuer}\n    rootcertbundle: ${opts.token.rootCertBundle}\n`
    : '';
  const config = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: ${opts.deleteEnabled ?? true}
http:
  addr: ${host}
${auth}`;
  await writeFile(join(dir, 'config.yml'), config);
  let out = '';
  const child: ChildProcess = spawn(bin, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OTEL_TRACES_EXPORTER: 'none' } });
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  let exited = false;
  // If the test process dies without calling stop(), do not leave a registry behind.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => {
    exited = true;
    process.off('exit', killOnExit);
  });
  const stop = async (): Promise<void> => {
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(3000).then(() => child.kill('SIGKILL'))]);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`${flavour} exited at start-up:\n${out}`);
    }
    try {
      const res = await fetch(`http://${host}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${flavour} did not answer on ${host} within 15 s:\n${out}`);
    }
    await sleep(50);
  }
  return { flavour, host, url: `http://${host}`, dir, stop, output: () => out };
}
