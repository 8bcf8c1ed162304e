import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRunner } from './helpers.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

async function listen(status: number): Promise<number> {
  server = createServer((_req, res) => res.writeHead(status).end('ok'));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

async function run(steps: string) {
  const t = makeRunner(steps);
  const status = await t.runner.runAll();
  await t.cleanup.runAll();
  const end = t.events.find((e) => e.type === 'step.end');
  return { status, message: end && 'message' in end ? end.message : undefined, lines: t.lines() };
}

describe('wait action', () => {
  it('waits for a line from a named background action', async () => {
    const r = await run(`  - id: a
    title: A
    run:
      - shell: { command: "sleep 0.2; echo listening on 1234; exec sleep 30", background: true }
        as: srv
      - print: unrelated
      - wait: { output: "listening on \\\\d+", from: srv, timeout: 5s }
`);
    expect(r.status).toBe('passed');
    expect(r.lines).toContain('matched: listening on 1234');
  });

  it('defaults to the previous action and fails after its timeout when nothing matches', async () => {
    const r = await run(`  - { id: a, title: A, run: [{ shell: "echo nothing here" }, { wait: { output: "^ready", timeout: 200ms } }] }\n`);
    expect(r).toMatchObject({ status: 'failed', message: 'no output line matched /^ready/ within 200ms' });
  });

  it('still times out when garbage is collected during the wait (AbortSignal.any + AbortSignal.timeout would not, on Node 20)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collector = setInterval(gc, 40);
    try {
      const r = await run(`  - { id: a, title: A, run: [{ shell: "echo nothing here" }, { wait: { output: "^ready", timeout: 300ms } }] }\n`);
      expect(r).toMatchObject({ status: 'failed', message: 'no output line matched /^ready/ within 300ms' });
    } finally {
      clearInterval(collector);
    }
  }, 5_000);

  it('waits for a URL to answer with the wanted status', async () => {
    const port = await listen(204);
    expect((await run(`  - { id: a, title: A, run: [{ wait: { url: "http://127.0.0.1:${port}/", status: 204 } }] }\n`)).status).toBe('passed');
    const r = await run(`  - { id: a, title: A, run: [{ wait: { url: "http://127.0.0.1:${port}/", status: 200, timeout: 500ms } }] }\n`);
    expect(r).toMatchObject({ status: 'failed', message: `http://127.0.0.1:${port}/ did not answer within 500ms` });
  });

  it('waits for a TCP port, and fails on a closed one', async () => {
    const port = await listen(200);
    expect((await run(`  - { id: a, title: A, run: [{ wait: { port: ${port} } }] }\n`)).status).toBe('passed');
    await new Promise((r) => server!.close(r));
    server = undefined;
    const r = await run(`  - { id: a, title: A, run: [{ wait: { port: ${port}, timeout: 400ms } }] }\n`);
    expect(r).toMatchObject({ status: 'failed', message: `127.0.0.1:${port} did not answer within 400ms` });
  });

  it('waits for a duration', async () => {
    const started = Date.now();
    expect((await run(`  - { id: a, title: A, run: [{ wait: 150ms }] }\n`)).status).toBe('passed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
