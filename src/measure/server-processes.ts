/**
 * Start ocilab's Git server or registry as a separate process (server-process.ts) behind a
 * counting proxy: bytes and requests from the proxy, server CPU from the process's /proc.
 * Keeping servers out of the measuring process keeps client and server CPU apart.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';
import { proxyMeter } from './traffic.js';
import type { TrafficMeter } from './types.js';

export interface MeteredServer {
  /** Through the proxy: what clients use. */
  url: string;
  hostPort: string;
  pid: number;
  meter: TrafficMeter;
  stop(): Promise<void>;
}

function entry(): { file: string; execArgs: string[] } {
  const url = new URL(import.meta.url);
  const ts = url.pathname.endsWith('.ts');
  const file = fileURLToPath(new URL(`./server-process.${ts ? 'ts' : 'js'}`, url));
  // from sources (tsx, vitest) the entry is TypeScript and needs the tsx loader
  return { file, execArgs: ts ? ['--import', 'tsx'] : [] };
}

/** A server process without a proxy: clients talk to it directly. */
export interface ServerProcess {
  /** Where it listens (127.0.0.1:port). */
  hostPort: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Start ocilab's Git server (serving `root`) or registry (in memory, or on the storage dir
 * `root`) alone in a child process; resolves once it listens.
 */
export async function spawnServerProcess(
  kind: 'git' | 'registry',
  root?: string,
  signal?: AbortSignal,
  /** Each request the server logs, formatted as the in-process server logs it. */
  onRequest?: (line: string) => void,
): Promise<ServerProcess> {
  const { file, execArgs } = entry();
  const env = onRequest ? { ...process.env, OCILAB_SERVER_LOG: '1' } : process.env;
  const child = spawn(process.execPath, [...execArgs, file, kind, ...(root ? [root] : [])], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const stopChild = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // 'close': exited and its stdout drained, so no request line arrives after stop()
    const gone = new Promise((r) => child.once('close', r));
    child.kill('SIGTERM');
    await gone;
  };
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.once('line', (first) => {
        if (onRequest) rl.on('line', onRequest);
        resolve(first);
      });
      child.once('exit', (code) => reject(new Error(`the ${kind} server process exited with ${code} before listening`)));
      signal?.addEventListener('abort', () => reject(new Error(`starting the ${kind} server was aborted`)), { once: true });
    });
    const { hostPort, url } = JSON.parse(line) as { hostPort: string; url: string };
    return { hostPort, url, pid: child.pid!, stop: stopChild };
  } catch (err) {
    await stopChild();
    throw err;
  }
}

/** A server process behind a counting proxy (bytes, requests) with its CPU from /proc. */
export async function startServerProcess(kind: 'git' | 'registry', root?: string, signal?: AbortSignal): Promise<MeteredServer> {
  const server = await spawnServerProcess(kind, root, signal);
  let proxy: CountingProxy;
  try {
    proxy = await startCountingProxy({ targetHost: '127.0.0.1', targetPort: Number(server.hostPort.split(':')[1]) });
  } catch (err) {
    await server.stop();
    throw err;
  }
  const p = proxy;
  return {
    url: `http://${p.hostPort}`,
    hostPort: p.hostPort,
    pid: server.pid,
    meter: proxyMeter(p, { serverPid: server.pid }),
    stop: async () => {
      await p.close();
      await server.stop();
    },
  };
}
