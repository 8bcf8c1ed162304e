/**
 * One request through the real `git http-backend` (CGI), with the body streamed both
 * ways and the CPU of the spawned tree measured (see ../rusage.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GitInstall } from '../git-binary.js';
import { httpBackendPath } from '../git-binary.js';
import { spawnWithUsage, killTree } from '../rusage.js';
import type { RepoRequest } from './paths.js';

export interface BackendOutcome {
  status: number;
  cpuMs?: number;
  /** Protocol v2 command of a POST body (ls-refs, fetch), when readable. */
  command?: string;
  /** Last stderr line from git when something went wrong. */
  error?: string;
}

/** What the server allows writers to do (GitServerOptions). */
export interface PushPolicy {
  /** receive-pack served at all. */
  push: boolean;
  /** Forced (non-fast-forward) updates and deletions of branches accepted. */
  allowNonFastForward: boolean;
}

/**
 * Server-side config every served repo gets, without touching the repos themselves. Given
 * through GIT_CONFIG_COUNT, it outranks the repository's own config, so a served repo
 * cannot turn the refusals off.
 */
export function serverConfig(policy: PushPolicy): [string, string][] {
  return [
    ['http.receivepack', String(policy.push)], // read-only unless asked (the server also refuses before spawning)
    ['receive.denyNonFastForwards', String(!policy.allowNonFastForward)], // `push -f` cannot replace history
    ['receive.denyDeletes', String(!policy.allowNonFastForward)], // nor delete a branch
    ['uploadpack.allowFilter', 'true'], // partial clone (sparse strategy)
    ['uploadpack.allowAnySHA1InWant', 'true'], // lazy blob fetches of a partial clone
  ];
}

const READ_ONLY: PushPolicy = { push: false, allowNonFastForward: false };

export function backendEnv(
  git: GitInstall,
  root: string,
  req: IncomingMessage,
  target: RepoRequest,
  query: string,
  policy: PushPolicy = READ_ONLY,
): NodeJS.ProcessEnv {
  const config = serverConfig(policy);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: target.pathInfo,
    QUERY_STRING: query,
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    GIT_CONFIG_COUNT: String(config.length),
  };
  config.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  const enc = req.headers['content-encoding'];
  if (enc) env.HTTP_CONTENT_ENCODING = enc;
  const proto = req.headers['git-protocol'];
  if (typeof proto === 'string') {
    env.GIT_PROTOCOL = proto; // protocol v2: "version=2"
    env.HTTP_GIT_PROTOCOL = proto;
  }
  return env;
}

export function runHttpBackend(
  git: GitInstall,
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  target: RepoRequest,
  query: string,
  policy: PushPolicy = READ_ONLY,
): Promise<BackendOutcome> {
  const { child, done } = spawnWithUsage(httpBackendPath(git), [], {
    env: backendEnv(git, root, req, target, query, policy),
    stdio: ['pipe', 'pipe', 'pipe'],
    want: 'cpu',
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString('utf8')));
  child.stdin!.on('error', () => undefined); // backend may exit before reading everything
  req.pipe(child.stdin!);
  let command: string | undefined;
  if (req.method === 'POST' && !req.headers['content-encoding']) {
    // v2 bodies start with "0014command=ls-refs" or "0011command=fetch"; listening after pipe() loses nothing
    req.once('data', (chunk: Buffer) => {
      command = /command=([a-z-]+)/.exec(chunk.subarray(0, 64).toString('latin1'))?.[1];
    });
  }
  const clientGone = () => {
    if (!res.writableFinished) killTree(child); // client went away
  };
  res.on('close', clientGone);
  // a request body cut short never ends the backend's stdin: it would wait for it forever
  req.on('close', () => {
    if (!req.complete) killTree(child);
  });
  // the client may have gone while the request waited to get here ('close' already fired)
  if (res.destroyed || req.destroyed || res.closed) clientGone();

  let head = Buffer.alloc(0);
  let status = 200;
  let headersSent = false;
  let badHeaders: string | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    if (badHeaders !== undefined) return;
    if (headersSent) {
      if (!res.write(chunk)) {
        child.stdout!.pause();
        res.once('drain', () => child.stdout!.resume());
      }
      return;
    }
    head = Buffer.concat([head, chunk]);
    const split = findHeaderEnd(head);
    if (!split) return;
    const headers = parseCgiHeaders(head.subarray(0, split.at).toString('latin1'));
    try {
      res.writeHead(headers.status, headers.headers);
    } catch (err) {
      // Not HTTP (a status or header Node refuses): answer 502 below, not a crash in this event handler.
      badHeaders = (err as Error).message;
      killTree(child);
      return;
    }
    status = headers.status;
    headersSent = true;
    const rest = head.subarray(split.at + split.len);
    if (rest.length > 0) res.write(rest);
  });

  return done.then(({ code, usage }) => {
    const error = badHeaders ? `git http-backend answered headers that are not HTTP: ${badHeaders}` : stderr.join('').trim().split('\n').filter(Boolean).pop();
    if (!headersSent) {
      status = badHeaders ? 502 : 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(`git http-backend failed (${code === null ? 'killed' : `exit ${code}`}): ${error ?? 'no output'}\n`);
    } else if (code !== 0 && status < 400) {
      // Died in the middle of a successful answer (killed, out of memory): the body is cut
      // short, so the connection is cut too; ending the chunked body cleanly would make a
      // truncated answer look complete.
      res.destroy();
    } else {
      res.end();
    }
    return {
      status,
      command,
      cpuMs: usage ? usage.userMs + usage.sysMs : undefined,
      error: code !== 0 || status >= 400 ? (error ?? `http-backend exit ${code}`) : undefined,
    };
  });
}

function findHeaderEnd(buf: Buffer): { at: number; len: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { at: crlf, len: 4 };
  if (lf >= 0) return { at: lf, len: 2 };
  return undefined;
}

export function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}
