/**
 * The shipped cosign-verify scenario on the local target:
 * - the built CLI runs it end to end (`ocilab run cosign-verify --plain`, exit 0) and prints
 *   Flux's conditions: SourceVerified True, then False/VerificationError three times with the
 *   kept revision (unsigned, wrong key, swapped layer), and the recovery;
 * - the workshop property: every step's check fails before the step and passes after it
 *   (through the Runner: runStep(i, 'check') then runStep(i, 'solve'));
 * - the real cosign verifies the artifact the scenario signed (peer; skipped without cosign
 *   on a laptop, failing under CI=true).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/all-actions.js';
import { loadScenario } from '../../src/engine/catalog.js';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import type { RunEvent } from '../../src/engine/events.js';
import { Runner } from '../../src/engine/runner.js';
import { findPeer, inCI } from '../helpers/peers.js';
import { ensureBuilt } from '../helpers/built-cli.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'dist/cli.js');

const DIGEST = 'sha256:[0-9a-f]{64}';

describe('ocilab run cosign-verify --plain (built CLI)', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('passes end to end with Flux conditions and the kept revision in its output', async () => {
    const { stdout } = await run(process.execPath, [cli, 'run', 'cosign-verify', '--plain'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 150_000,
    });
    const lines = stdout.split('\n');
    const stepLines = (id: string) => {
      const start = lines.findIndex((l) => new RegExp(`\\[\\d+/9\\] ${id} `).test(l));
      const end = lines.findIndex((l, i) => i > start && new RegExp(`\\[\\d+/9\\] ${id} passed`).test(l));
      expect(start, `step ${id} started`).toBeGreaterThanOrEqual(0);
      expect(end, `step ${id} passed`).toBeGreaterThan(start);
      return lines.slice(start, end + 1).join('\n');
    };
    expect(stdout).toMatch(/run cosign-verify passed in /);

    const flux = stepLines('flux');
    const good = new RegExp(`SourceVerified=True Succeeded: verified signature of revision (latest@${DIGEST})`).exec(flux)?.[1];
    expect(good, 'SourceVerified=True with the signed revision').toBeDefined();

    // Tamper 1 and 2: refused in Flux's words, the signed revision stays in use.
    const unsigned = stepLines('unsigned');
    expect(unsigned).toMatch(/SourceVerified=False VerificationError: failed to verify the signature using provider 'cosign': no matching signatures were found for '.*': the artifact is not signed/);
    expect(unsigned).toContain(`revision ${good}  ready False`);
    const wrongKey = stepLines('wrong-key');
    expect(wrongKey).toMatch(/SourceVerified=False VerificationError: .*does not verify with cosign\.pub/);
    expect(wrongKey).toContain(`revision ${good}  ready False`);

    // Tamper 3: the signed release's layer swapped through the registry API: a new digest nothing signed.
    const layer = stepLines('layer');
    expect(layer).toMatch(/replaced layer sha256:[0-9a-f]{64} with sha256:[0-9a-f]{64}/);
    expect(layer).toMatch(/SourceVerified=False VerificationError: failed to verify the signature using provider 'cosign': no matching signatures were found for '.*': the artifact is not signed/);
    expect(layer).toContain(`revision ${good}  ready False`);

    // Recovery: a new signed revision is served.
    const recover = stepLines('recover');
    const served = new RegExp(`revision (latest@${DIGEST})  ready True`).exec(recover)?.[1];
    expect(served).toBeDefined();
    expect(served).not.toBe(good);
    expect(recover).toContain(`SourceVerified=True Succeeded: verified signature of revision ${served}`);

    // No password in the output: the generated ones live in 0600 files only.
    expect(stdout).not.toMatch(/COSIGN_PASSWORD=(?!…)/);
  }, 180_000);
});

describe('cosign-verify workshop track: each check fails before its step and passes after it', () => {
  const cleanup = new CleanupRegistry();
  afterAll(async () => {
    await cleanup.runAll();
  });

  it('holds for every step; the real cosign verifies the signed artifact', async () => {
    const registry = buildActionRegistry();
    const scenario = loadScenario('cosign-verify', registry);
    const runner = new Runner({ scenario, registry, cleanup, mode: 'workshop' });
    const messages: Record<number, string | undefined> = {};
    const warnings: { index: number; line: string }[] = [];
    runner.on((e: RunEvent) => {
      if (e.type === 'step.end') messages[e.index] = e.message;
      if (e.type === 'output' && / Warning /.test(e.line)) warnings.push({ index: e.index, line: e.line });
    });
    runner.start();
    expect(scenario.steps.length).toBe(9);
    for (const [i, step] of scenario.steps.entries()) {
      expect(step.check?.length, `${step.id} has a check`).toBeGreaterThan(0);
      expect(step.solve?.length, `${step.id} has a solve`).toBeGreaterThan(0);
      expect(step.say && step.notes && step.show && step.hint, `${step.id} has say, notes, show and hint`).toBeTruthy();
      expect(await runner.runStep(i, 'check'), `${step.id}: check before the step`).toBe('failed');
      expect(messages[i], `${step.id}: the failed check says what is wrong`).toMatch(/^check: .{10,}/);
      expect(await runner.runStep(i, 'solve'), `${step.id}: solve then check (${messages[i]})`).toBe('skipped');
    }

    // The reconciler's Warning events are logged in the step whose reconcile raised them.
    const at = (id: string) => scenario.steps.findIndex((s) => s.id === id);
    expect(warnings.find((w) => w.line.includes('the artifact is not signed'))?.index).toBe(at('unsigned'));
    expect(warnings.find((w) => w.line.includes('does not verify with cosign.pub'))?.index).toBe(at('wrong-key'));
    expect(warnings.filter((w) => w.line.includes('the artifact is not signed')).map((w) => w.index)).toContain(at('layer'));

    const cosign = findPeer('cosign');
    if (!cosign) {
      if (inCI) throw new Error('peer tool cosign is missing under CI=true (scripts/ci/install-cosign.sh)');
      console.warn('[skip] cosign not found on PATH: the real-cosign verification of the scenario artifact is skipped');
      return;
    }
    const pub = join(runner.vars['run.workDir']!, 'keys', 'cosign.pub');
    const ref = `${runner.vars['registry.host']}/ocilab/demo:latest`;
    const { stdout } = await run(cosign, ['verify', '--key', pub, '--insecure-ignore-tlog', '--allow-http-registry', ref], { timeout: 60_000 });
    const claims = JSON.parse(stdout) as { critical: { image: { 'docker-manifest-digest': string } } }[];
    expect(claims[0]!.critical.image['docker-manifest-digest']).toBe(runner.vars['artifact.digest']);
  }, 180_000);
});
