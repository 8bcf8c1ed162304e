/** Lifecycle of the embedded registry: ports, request log, stats, abort, crash safety, tamper, actions, CLI. */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { builtCli, ensureBuilt, repoRoot } from '../helpers/built-cli.js';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import type { ActionContext, ReportedMeasurement } from '../../src/engine/action-definition.js';
import { registryActions, runningRegistry } from '../../src/registry/actions.js';
import { PortInUseError, startRegistry, type RegistryHandle, type RequestEvent } from '../../src/registry/server.js';
import { tamperStoredBlob } from '../../src/registry/tamper.js';
import { pushBlob, sha256 } from './client.js';
import { rawRequest } from './raw-http.js';
import { actionContext } from '../helpers/action-context.js';

/**
 * Resolves once the registry has logged `n` more requests: it emits 'request' when a response
 * has closed, which can be just after the client already has the body.
 */
function requestsLogged(reg: RegistryHandle, n: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const on = (): void => {
      if (++seen < n) return;
      reg.off('request', on);
      resolve();
    };
    reg.on('request', on);
  });
}

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'ocilab-server-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('startRegistry', () => {
  it('refuses a busy port with a clear error', async () => {
    const first = await startRegistry();
    try {
      const second = startRegistry({ port: first.port });
      await expect(second).rejects.toBeInstanceOf(PortInUseError);
      await expect(second).rejects.toThrow(`127.0.0.1:${first.port} is already in use`);
    } finally {
      await first.close();
    }
  });

  it('emits a request event per request and keeps running totals', async () => {
    const reg = await startRegistry();
    const events: RequestEvent[] = [];
    reg.on('request', (e) => events.push(e));
    try {
      const logged = requestsLogged(reg, 3);
      const blob = Buffer.alloc(300_000, 7);
      const d = await pushBlob(reg.url, 'stats/app', blob);
      const res = await fetch(`${reg.url}/v2/stats/app/blobs/${d}`);
      expect((await res.arrayBuffer()).byteLength).toBe(blob.length);
      await fetch(`${reg.url}/v2/stats/app/blobs/${sha256('missing')}`);
      await logged;
      expect(events.map((e) => [e.method, e.status])).toEqual([
        ['POST', 201],
        ['GET', 200],
        ['GET', 404],
      ]);
      expect(events[0]).toMatchObject({ bytesIn: blob.length, path: `/v2/stats/app/blobs/uploads/?digest=${d}` });
      expect(events[1]).toMatchObject({ bytesOut: blob.length, bytesIn: 0 });
      expect(events[2]!.error).toBe('BLOB_UNKNOWN');
      expect(events.every((e) => e.durationMs >= 0)).toBe(true);
      expect(reg.stats.requests).toBe(3);
      expect(reg.stats.bytesIn).toBe(blob.length);
      expect(reg.stats.bytesOut).toBe(blob.length + events[2]!.bytesOut);
      reg.resetStats();
      expect(reg.stats).toEqual({ requests: 0, bytesIn: 0, bytesOut: 0 });
    } finally {
      await reg.close();
    }
  });

  it('closes when its signal aborts', async () => {
    const controller = new AbortController();
    const reg = await startRegistry({ signal: controller.signal });
    expect((await fetch(`${reg.url}/v2/`)).status).toBe(200);
    controller.abort();
    await reg.close(); // idempotent: waits for the abort-triggered close
    await expect(fetch(`${reg.url}/v2/`)).rejects.toThrow();
  });

  it('never shows a partial upload after a crash: the store reopens without it', async () => {
    const dir = join(work, 'store');
    const reg = await startRegistry({ dir });
    const post = await fetch(`${reg.url}/v2/crash/app/blobs/uploads/`, { method: 'POST' });
    const loc = post.headers.get('location')!;
    await fetch(reg.url + loc, { method: 'PATCH', body: 'half of a blob' });
    // What a crash leaves behind: the upload file on disk, no registry to finish it.
    expect(await readdir(join(dir, 'uploads'))).toHaveLength(1);
    await writeFile(join(dir, 'uploads', 'left-by-a-crash'), 'junk');
    const blobsBefore = await readdir(join(dir, 'blobs'));
    expect(blobsBefore).toEqual([]);
    await reg.close();
    const again = await startRegistry({ dir });
    try {
      expect(await readdir(join(dir, 'uploads'))).toEqual([]);
      expect((await fetch(`${again.url}/v2/crash/app/blobs/${sha256('half of a blob')}`, { method: 'HEAD' })).status).toBe(404);
      expect((await fetch(again.url + loc)).status).toBe(404);
    } finally {
      await again.close();
    }
  });

  it('keeps disk content across restarts', async () => {
    const dir = join(work, 'store');
    const reg = await startRegistry({ dir });
    const d = await pushBlob(reg.url, 'persist/app', 'kept');
    await reg.close();
    const again = await startRegistry({ dir });
    try {
      expect(await (await fetch(`${again.url}/v2/persist/app/blobs/${d}`)).text()).toBe('kept');
    } finally {
      await again.close();
    }
  });
});

describe('tamperStoredBlob', () => {
  it('changes stored bytes in place so they no longer match their digest', async () => {
    const dir = join(work, 'store');
    const reg = await startRegistry({ dir });
    try {
      const original = Buffer.from('layer bytes that Flux will verify');
      const d = await pushBlob(reg.url, 'tamper/app', original);
      const t = await tamperStoredBlob(dir, d);
      expect(t.offset).toBe(original.length - 1);
      expect(t.after).toBe(t.before ^ 0xff);
      const served = Buffer.from(await (await fetch(`${reg.url}/v2/tamper/app/blobs/${d}`)).arrayBuffer());
      expect(served.length).toBe(original.length);
      expect(served.equals(original)).toBe(false);
      expect(sha256(served)).not.toBe(d); // what a verifying client (Flux, ocilab's client) catches
    } finally {
      await reg.close();
    }
  });

  it('says clearly when the blob is not in that storage', async () => {
    await mkdir(join(work, 'empty'));
    await expect(tamperStoredBlob(join(work, 'empty'), sha256('x'))).rejects.toThrow(/no such blob in registry storage/);
    await expect(tamperStoredBlob(join(work, 'empty'), 'sha256:nope')).rejects.toThrow(/is not a valid sha256 digest/);
  });
});

describe('registry actions', () => {
  const context = (cleanup: CleanupRegistry): ActionContext => actionContext(work, { cleanup }).ctx;
  const action = (name: string) => registryActions.find((a) => a.name === name)!;

  it('registry.start sets the vars and registers cleanup; registry.stop stops it', async () => {
    const cleanup = new CleanupRegistry();
    const ctx = context(cleanup);
    expect(await action('registry.start').run(action('registry.start').args.parse({}), ctx)).toEqual({ ok: true });
    expect(ctx.vars['registry.url']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ctx.vars['registry.host']).toBe(ctx.vars['registry.url']!.slice('http://'.length));
    expect(ctx.vars['registry.dir']).toBe(join(work, 'registry'));
    expect(cleanup.size).toBe(1);
    expect((await fetch(`${ctx.vars['registry.url']}/v2/`)).status).toBe(200);
    const d = await pushBlob(ctx.vars['registry.url']!, 'act/app', 'blob for tamper');
    expect(await action('registry.tamper').run({ digest: d }, ctx)).toEqual({ ok: true });
    expect((await action('registry.start').run({}, ctx)).ok).toBe(false); // one per run
    expect(await action('registry.stop').run({}, ctx)).toEqual({ ok: true });
    expect(cleanup.size).toBe(0);
    await expect(fetch(`${ctx.vars['registry.url']}/v2/`)).rejects.toThrow();
    expect((await action('registry.stop').run({}, ctx)).ok).toBe(false);
  });

  it('registry.stats reports bytes served as measurements and can reset the counters', async () => {
    const cleanup = new CleanupRegistry();
    const reports: ReportedMeasurement[] = [];
    const ctx = { ...context(cleanup), report: (m: ReportedMeasurement) => reports.push(m) };
    await action('registry.start').run({ memory: true }, ctx);
    try {
      const d = await pushBlob(ctx.vars['registry.url']!, 'stats/app', Buffer.alloc(1000, 1));
      expect(await action('registry.stats').run({ reset: true }, ctx)).toEqual({ ok: true });
      expect(ctx.vars['registry.bytes_in']).toBe('1000');
      const logged = requestsLogged(runningRegistry(ctx)!, 1);
      await (await fetch(`${ctx.vars['registry.url']}/v2/stats/app/blobs/${d}`)).arrayBuffer();
      await logged;
      await action('registry.stats').run({ method: 'oci pull' }, ctx);
      expect(ctx.vars['registry.requests']).toBe('1');
      expect(reports).toEqual([
        expect.objectContaining({ method: 'oci pull', metric: 'bytes_down', value: 1000 }),
        expect.objectContaining({ method: 'oci pull', metric: 'requests', value: 1 }),
      ]);
    } finally {
      await cleanup.runAll();
    }
  });

  it('the cleanup registry stops a registry the scenario never stopped', async () => {
    const cleanup = new CleanupRegistry();
    const ctx = context(cleanup);
    await action('registry.start').run({ memory: true }, ctx);
    expect(await cleanup.runAll()).toEqual([]);
    await expect(fetch(`${ctx.vars['registry.url']}/v2/`)).rejects.toThrow();
  });

  it('reports a busy port as a failed step with the reason', async () => {
    const other = await startRegistry();
    try {
      const result = await action('registry.start').run({ port: other.port, memory: true }, context(new CleanupRegistry()));
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/already in use/);
    } finally {
      await other.close();
    }
  });

  it('rejects unknown arguments at load time', () => {
    expect(() => action('registry.start').args.parse({ prot: 5000 })).toThrow();
  });
});

describe('ocilab registry serve', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('prints the URL, logs requests, survives a malformed request, and on SIGINT prints its totals and exits 130', async () => {
    const child = spawn(process.execPath, [builtCli, 'registry', 'serve', '--port', '0'], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${lines.join('\n')}${stderr}`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) resolve(m[1]!);
      });
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(url).port);
    // issue #16: this request made the registry exit 1 (TypeError: Invalid URL at the handler).
    const malformed = await rawRequest(port, `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(malformed.status).toBe(400);
    expect((await fetch(`${url}/v2/`)).status).toBe(200);
    const digest = await pushBlob(url, 'cli/app', 'still here');
    expect(await (await fetch(`${url}/v2/cli/app/blobs/${digest}`)).text()).toBe('still here');
    await expect.poll(() => lines.filter((l) => /^(GET|POST)\s/.test(l)).length).toBe(4);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toBe('');
    expect(lines.some((l) => /GET\s+200 \/v2\//.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^registry stopped: 4 requests, 10 bytes in, \d+ bytes out$/);
  }, 60_000);
});
