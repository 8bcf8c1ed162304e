/**
 * The first frame of `ocilab run <scenario>` on a terminal: drawn at once, before the rest
 * loads, and replaced by what renders next into the same stdout (renderApp's run UI: Ink keeps
 * one instance per stdout). Run in a child process of the built CLI's modules without CI in
 * its environment: under CI, Ink writes nothing until unmount, and it reads CI when imported.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { ensureBuilt, repoRoot } from '../helpers/built-cli.js';

beforeAll(() => ensureBuilt(), 120_000);

const script = (body: string) => `
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
class Out extends EventEmitter { isTTY = true; columns = 100; rows = 30; frames = []; write = (f) => (this.frames.push(f), true); }
class In extends EventEmitter { constructor(tty) { super(); this.isTTY = tty; } setEncoding() {} setRawMode() {} resume() {} pause() {} ref() {} unref() {} read() { return null; } }
const { renderLoading } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist/ui/loading.js')).href)});
const { render, Text } = await import('ink');
const { createElement } = await import('react');
const seen = (out) => out.frames.map((f) => stripVTControlCharacters(f)).filter((f) => f.trim() !== '');
const results = {};
${body}
process.stdout.write(JSON.stringify(results));
process.exit(0);
`;

function inChild(body: string): Record<string, unknown> {
  const env = { ...process.env };
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(body)], { cwd: repoRoot, env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test('the loading frame is written when renderLoading returns, and the next render into that stdout replaces it', () => {
  const r = inChild(`
const out = new Out(); const io = { stdin: new In(true), stdout: out, stderr: new Out() };
renderLoading('hello', { color: false, ...io });
results.first = seen(out).at(-1);
const next = render(createElement(Text, null, 'the run UI'), { ...io, exitOnCtrlC: false, patchConsole: false });
await new Promise((r) => setTimeout(r, 50));
results.next = seen(out).at(-1);
next.unmount();
`);
  expect(r.first).toBe('hello\nloading the scenario, its actions and the target…\n');
  expect(r.next).toContain('the run UI');
  expect(r.next).not.toContain('loading');
});

test('no frame without a terminal on stdin (renderApp says why)', () => {
  const r = inChild(`
const out = new Out();
results.frame = renderLoading('hello', { color: false, stdin: new In(false), stdout: out, stderr: new Out() }) ?? null;
results.written = out.frames.length;
`);
  expect(r).toEqual({ frame: null, written: 0 });
});

test('close() erases the frame', () => {
  const r = inChild(`
const out = new Out();
const frame = renderLoading('hello', { color: false, stdin: new In(true), stdout: out, stderr: new Out() });
const before = out.frames.length;
frame.close();
results.after = out.frames.slice(before).join('');
`);
  expect(r.after).toContain('\u001b[2K'); // erase line
});
