/**
 * The interactive password prompt, driven in a real terminal (tmux): the question shows,
 * typed characters do not, and the key decrypts with what was typed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPrivateKey } from '../../src/cosign/keys.js';
import { peer } from '../helpers/peers.js';

const tmux = peer('tmux', 'apt-get install tmux (.ci/run installs it)');
const root = resolve(import.meta.dirname, '../..');

describe.skipIf(!tmux)('password prompt in a terminal', () => {
  const session = `ocilab-cosign-prompt-${process.pid}`;
  let dir = '';
  afterAll(async () => {
    try {
      execFileSync(tmux!, ['kill-session', '-t', session], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const screen = () => execFileSync(tmux!, ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
  async function waitFor(text: string | RegExp): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = screen();
      if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${text}; screen:\n${s}`);
      await sleep(100);
    }
  }

  it('asks twice without echo and writes a key that opens with the typed password', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocilab-cosign-prompt-'));
    const cmd = `env -u COSIGN_PASSWORD ${join(root, 'node_modules/.bin/tsx')} ${join(root, 'test/cosign/fixtures/cosign-cli.ts')} generate-key-pair --dir ${dir}; echo EXIT=$?; sleep 60`;
    execFileSync(tmux!, ['new-session', '-d', '-s', session, '-x', '120', '-y', '20', cmd]);
    await waitFor('Enter password for private key:');
    execFileSync(tmux!, ['send-keys', '-t', session, 'typed-Secret-42', 'Enter']);
    await waitFor('Enter password for private key again:');
    execFileSync(tmux!, ['send-keys', '-t', session, 'typed-Secret-42', 'Enter']);
    const s = await waitFor(/EXIT=\d/);
    expect(s).toContain('EXIT=0');
    expect(s).toContain(`Private key written to ${join(dir, 'cosign.key')}`);
    expect(s).not.toContain('typed-Secret-42');
    const key = await loadPrivateKey(join(dir, 'cosign.key'), Buffer.from('typed-Secret-42'));
    expect(key.asymmetricKeyType).toBe('ec');
  }, 60_000);
});
