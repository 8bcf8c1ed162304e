#!/usr/bin/env node
/**
 * `npm run bench:cli`: how fast ocilab's commands answer, as a user runs them (whole
 * processes of the built CLI, start-up included), each beside a bare `node -e 0` measured in
 * the same run. Median of 5 per row, min–max, and the ratio of the median to node's median.
 *
 * Rows: --version and help; list; artifact push|pull|tag|list and cosign sign|verify against
 * an embedded registry this script starts on 127.0.0.1 (port 0); `registry serve` until it says
 * it is listening; `run hello` in tmux 100x30 until the first frame shows (capture-pane polled),
 * and until the run UI does. cosign sign also shows its time without the scrypt derivation of
 * the key (cosign's N=65536, r=8, p=1, measured alone), which is the password's cost by design.
 *
 * Bounded: 5 runs per row (RUNS=n to change, at most 20), about a minute on an idle 2-core machine.
 * `--only <text>` keeps the rows whose command contains the text (and `node -e 0`), e.g.
 * `npm run bench:cli -- --only list` for `ocilab list` and `ocilab artifact list`.
 * Loopback only. Prints a Markdown table with the load average before and after.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const RUNS = Math.min(20, Math.max(1, Number(process.env.RUNS ?? 5) || 5));
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;
if (onlyAt > 0 && !ONLY) {
  process.stderr.write('bench:cli: --only needs a text, e.g. --only list\n');
  process.exit(2);
}
/** Whether the row labelled `label` is measured (all without --only). */
const wanted = (label) => ONLY === undefined || label === '`node -e 0`' || label.includes(ONLY);
const env = { ...process.env, NO_COLOR: '1' };
delete env.CI;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = () => Number(process.hrtime.bigint()) / 1e6;

/** Wall time of one whole process; throws when it fails. */
function timed(argv, opts = {}) {
  const t0 = ms();
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...env, ...opts.env }, cwd: opts.cwd ?? root, encoding: 'utf8' });
  const t = ms() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return { t, stdout: r.stdout };
}

/** Starts `argv`, resolves when stdout matches `ready` (its time), then stops it with SIGINT. */
function untilReady(argv, ready) {
  return new Promise((resolve, reject) => {
    const t0 = ms();
    const child = spawn(argv[0], argv.slice(1), { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let t;
    child.stdout.on('data', (d) => {
      out += d;
      if (t === undefined && ready.test(out)) {
        t = ms() - t0;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('close', () => (t === undefined ? reject(new Error(`${argv.join(' ')} never printed ${ready}: ${out}`)) : resolve({ t, out })));
  });
}

const rows = [];
async function row(label, measure, note = '') {
  if (!wanted(label)) return [];
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(await measure());
  rows.push({ label, samples, note });
  process.stderr.write(`  ${label}: ${samples.map((x) => x.toFixed(0)).join(' ')} ms\n`);
  return samples;
}

/** `run hello` in a tmux pane: ms until anything shows, and until the run UI (its step line) does. */
async function firstFrames(session) {
  const capture = () => spawnSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }).stdout ?? '';
  const command = `exec env -u CI NO_COLOR=1 ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} run hello`;
  const t0 = ms();
  spawnSync('tmux', ['respawn-pane', '-k', '-t', session, command]);
  let first;
  for (;;) {
    const text = capture();
    const t = ms() - t0;
    if (first === undefined && text.trim() !== '') first = t;
    if (/step 1\/\d+ · target local/.test(text)) return { first: first ?? t, app: t };
    if (t > 30_000) throw new Error(`run hello showed no run UI in 30 s:\n${text}`);
    await sleep(5);
  }
}

async function main() {
  spawnSync(process.execPath, [join(root, 'scripts/build-if-stale.mjs')], { stdio: 'inherit' });
  const before = loadavg();
  const work = mkdtempSync(join(tmpdir(), 'ocilab-bench-cli-'));
  const registry = spawn(process.execPath, [cli, 'registry', 'serve', '--port', '0', '--quiet'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const session = `ocilab-bench-cli-${process.pid}`;
  try {
    const host = await new Promise((resolve, reject) => {
      let out = '';
      registry.stdout.on('data', (d) => {
        out += d;
        const m = /listening on http:\/\/(127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]);
      });
      registry.on('exit', () => reject(new Error(`the registry stopped: ${out}`)));
    });
    const content = join(work, 'content');
    mkdirSync(content);
    writeFileSync(join(content, 'app.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n');
    const url = `oci://${host}/bench/demo`;
    const ocilab = (...args) => [process.execPath, cli, ...args];
    const push = ocilab('artifact', 'push', `${url}:v1`, '--path', content, '--source', 'bench', '--revision', 'main@sha1:0', '--reproducible', '-o', 'json');
    const { digest } = JSON.parse(timed(push).stdout);
    const keyEnv = { COSIGN_PASSWORD: 'bench-password' };
    timed(ocilab('cosign', 'generate-key-pair', '--dir', work), { env: keyEnv });
    const signed = `${host}/bench/demo@${digest}`;
    // verify measured without the sign row (--only 'cosign verify'): sign once, unmeasured
    if (wanted('`ocilab cosign verify`') && !wanted('`ocilab cosign sign`')) timed(ocilab('cosign', 'sign', '--key', join(work, 'cosign.key'), signed), { env: keyEnv });

    process.stderr.write(`bench:cli: ${RUNS} runs per row (ms)\n`);
    const node = await row('`node -e 0`', () => timed([process.execPath, '-e', '0']).t);
    await row('`ocilab --version`', () => timed(ocilab('--version')).t);
    await row('`ocilab --help`', () => timed(ocilab('--help')).t);
    await row('`ocilab artifact --help`', () => timed(ocilab('artifact', '--help')).t);
    await row('`ocilab run --help`', () => timed(ocilab('run', '--help')).t);
    await row('`ocilab cosign verify --help`', () => timed(ocilab('cosign', 'verify', '--help')).t);
    await row('`ocilab list`', () => timed(ocilab('list')).t);
    await row('`ocilab artifact push` (one file)', () => timed(push).t);
    let n = 0;
    await row('`ocilab artifact pull` (one file)', () => timed(ocilab('artifact', 'pull', `${url}:v1`, '-o', join(work, `pulled-${n++}`))).t);
    await row('`ocilab artifact tag`', () => timed(ocilab('artifact', 'tag', `${url}:v1`, '--tag', 'v2')).t);
    await row('`ocilab artifact list`', () => timed(ocilab('artifact', 'list', url)).t);
    const scrypt = [];
    for (let i = 0; i < (wanted("`ocilab cosign sign`") ? RUNS : 0); i++) {
      const code = "const {scrypt}=require('node:crypto');const t=performance.now();scrypt('p',Buffer.alloc(32),32,{N:65536,r:8,p:1,maxmem:256*1024*1024},()=>console.log(performance.now()-t))";
      scrypt.push(Number(timed([process.execPath, '-e', code]).stdout));
    }
    const scryptMs = median(scrypt);
    const sign = await row('`ocilab cosign sign`', () => timed(ocilab('cosign', 'sign', '--key', join(work, 'cosign.key'), signed), { env: keyEnv }).t);
    if (sign.length > 0) rows.push({ label: '`ocilab cosign sign` without scrypt', samples: sign.map((t) => t - scryptMs), note: `scrypt alone: ${scryptMs.toFixed(0)} ms` });
    await row('`ocilab cosign verify`', () => timed(ocilab('cosign', 'verify', '--key', join(work, 'cosign.pub'), signed)).t);
    await row('`ocilab registry serve`: ready', async () => (await untilReady(ocilab('registry', 'serve', '--port', '0'), /registry listening on/)).t);

    const tmux = !wanted('`ocilab run hello`: first frame') ? { status: -1 } : spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '100', '-y', '30', 'sleep 600']);
    if (tmux.status === 0) {
      spawnSync('tmux', ['set-option', '-t', session, 'remain-on-exit', 'on']);
      const frames = [];
      for (let i = 0; i < RUNS; i++) {
        frames.push(await firstFrames(session));
        spawnSync('tmux', ['send-keys', '-t', session, 'q']);
        await sleep(300);
      }
      rows.push({ label: '`ocilab run hello`: first frame (tmux 100x30)', samples: frames.map((f) => f.first), note: '' });
      rows.push({ label: '`ocilab run hello`: run UI shown', samples: frames.map((f) => f.app), note: 'not a goal; for reference' });
    } else if (wanted('`ocilab run hello`: first frame')) {
      process.stderr.write('bench:cli: tmux not available, no first-frame rows\n');
    }

    const base = median(node);
    const after = loadavg();
    const fmt = (x) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
    console.log(`| command | median | min–max | × node -e 0 |`);
    console.log(`|---|---:|---:|---:|`);
    for (const r of rows) {
      const m = median(r.samples);
      console.log(`| ${r.label}${r.note ? ` (${r.note})` : ''} | ${fmt(m)} ms | ${fmt(Math.min(...r.samples))}–${fmt(Math.max(...r.samples))} | ${(m / base).toFixed(1)} |`);
    }
    console.log(`\n${RUNS} runs per row, Node ${process.version}; load average ${before.map((x) => x.toFixed(2)).join(', ')} before, ${after.map((x) => x.toFixed(2)).join(', ')} after.`);
  } finally {
    spawnSync('tmux', ['kill-session', '-t', session], { stdio: 'ignore' });
    registry.kill('SIGINT');
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
