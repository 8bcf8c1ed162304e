/**
 * Entry point that runs ocilab's Git server or registry alone in its own process, so a
 * measurement reads the server's CPU from /proc without the client's (server-processes.ts
 * starts it). `server-process git <root>` serves the repositories under root;
 * `server-process registry [dir]` a registry in memory or on a storage dir. Prints one JSON line {"url","hostPort"} when listening; stops on SIGTERM.
 */
import { startGitServer } from '../git/server/server.js';
import { formatRequest } from '../git/server/request-log.js';
import { startRegistry } from '../registry/server.js';

/** With OCILAB_SERVER_LOG=1, every request is printed after the first line, as the in-process servers log it. */
const logRequests = process.env['OCILAB_SERVER_LOG'] === '1';
const print = (line: string) => process.stdout.write(`${line}\n`);

async function main(kind: string | undefined, root: string | undefined): Promise<void> {
  let url: string;
  let close: () => Promise<void>;
  if (kind === 'git') {
    if (!root) throw new Error('usage: server-process git <root>');
    const server = await startGitServer({ root, port: 0 });
    if (logRequests) server.log.on('request', (e) => print(formatRequest(e)));
    url = server.url;
    close = () => server.stop();
  } else if (kind === 'registry') {
    const ac = new AbortController();
    // with a root: the storage directory of another registry (read by both; this one only serves)
    const registry = await startRegistry({ port: 0, signal: ac.signal, ...(root ? { dir: root } : {}) });
    if (logRequests) registry.on('request', (e) => print(`${e.method} ${e.path} ${e.status} in=${e.bytesIn} out=${e.bytesOut} ${e.durationMs}ms`));
    url = registry.url;
    close = async () => {
      ac.abort();
      await registry.close();
    };
  } else {
    throw new Error(`unknown server kind "${kind}": git or registry`);
  }
  console.log(JSON.stringify({ url, hostPort: new URL(url).host }));
  const stop = () => void close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // the parent going away ends us too
  process.stdin.on('end', stop).resume();
}

main(process.argv[2], process.argv[3]).catch((err: Error) => {
  console.error(`server-process: ${err.message}`);
  process.exit(1);
});
