import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { publishNotes, subscribeNotes, type ViewerEvent } from '../../src/notes/channel.js';
import { ensureNotesDir, notesDir, notesSocketPath } from '../../src/notes/paths.js';
import type { NotesSnapshot } from '../../src/notes/snapshot.js';
import { notesLines } from '../../src/notes/view.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function socketIn(): string {
  const base = mkdtempSync(join(tmpdir(), 'ocilab-notes-'));
  dirs.push(base);
  return notesSocketPath({ XDG_RUNTIME_DIR: base });
}

const snap = (index: number, over: Partial<NotesSnapshot> = {}): NotesSnapshot => ({
  scenario: 'Hello',
  index,
  count: 3,
  title: `Step ${index + 1}`,
  notes: 'Point at the timer.',
  nextTitle: `Step ${index + 2}`,
  status: 'pending',
  paused: false,
  elapsedMs: 61_000,
  stepElapsedMs: 5_000,
  budgetMs: 120_000,
  stepBudgetMs: 20_000,
  sentAt: 1_000_000,
  ended: false,
  ...over,
});

function until<T>(get: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => {
      const v = get();
      if (v !== undefined) return resolve(v);
      if (Date.now() > end) return reject(new Error('timed out'));
      setTimeout(poll, 10);
    };
    poll();
  });
}

describe('notes channel', () => {
  it('uses XDG_RUNTIME_DIR, else the temp dir, in a per-user directory', () => {
    expect(notesDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toMatch(/^\/run\/user\/1000\/ocilab-\d+$/);
    expect(notesDir({})).toContain(tmpdir());
  });

  it('a viewer started first waits, then follows; several viewers get every snapshot; 0700 dir, 0600 socket', async () => {
    const path = socketIn();
    const ctl = new AbortController();
    const a: ViewerEvent[] = [];
    const b: ViewerEvent[] = [];
    const doneA = subscribeNotes(path, (e) => a.push(e), ctl.signal, 20);
    await new Promise((r) => setTimeout(r, 60)); // no presenter yet: a keeps retrying
    expect(a.filter((e) => e.kind === 'snapshot')).toEqual([]);
    const pub = await publishNotes(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    pub.publish(snapshot0);
    const doneB = subscribeNotes(path, (e) => b.push(e), ctl.signal, 20);
    // a late viewer gets the last snapshot on connect
    await until(() => (b.some((e) => e.kind === 'snapshot') ? true : undefined));
    await until(() => (a.some((e) => e.kind === 'snapshot') ? true : undefined));
    await until(() => (pub.viewers() === 2 ? true : undefined));
    pub.publish(snap(1));
    const titles = (evs: ViewerEvent[]) => evs.flatMap((e) => (e.kind === 'snapshot' ? [e.snapshot.title] : []));
    await until(() => (titles(a).includes('Step 2') && titles(b).includes('Step 2') ? true : undefined));
    expect(titles(b)).toEqual(['Step 1', 'Step 2']);
    // a second presenter is refused while the first one lives
    await expect(publishNotes(path)).rejects.toThrow(/already publishes notes/);
    await pub.close();
    await until(() => (a.some((e) => e.kind === 'waiting') ? true : undefined));
    ctl.abort();
    await Promise.all([doneA, doneB]);
  });

  it('replaces a stale socket left by a crashed presenter', async () => {
    const path = socketIn();
    ensureNotesDir(dirname(path));
    writeFileSync(path, ''); // what a crash leaves: a path nobody answers on
    const again = await publishNotes(path);
    await again.close();
  });
});

const snapshot0 = snap(0);

describe('notes view', () => {
  it('shows notes, next title, talk and step time against budgets, PAUSED', () => {
    const lines = notesLines(snap(0), 1_000_000 + 2_000, 80, false);
    expect(lines[1]).toBe('Step 1/3 · Step 1');
    expect(lines).toContain('Point at the timer.');
    expect(lines).toContain('Next: Step 2');
    expect(lines).toContain('Talk 01:03 / 02:00   00:57 left');
    expect(lines).toContain('Step 00:07 / 00:20   00:13 left');
    const paused = notesLines(snap(0, { paused: true, stepElapsedMs: 25_000 }), 1_000_000 + 60_000, 80, false);
    expect(paused[1]).toContain('[PAUSED]');
    expect(paused).toContain('Talk 01:01 / 02:00   00:59 left'); // the timer does not move while paused
    expect(paused).toContain('Step 00:25 / 00:20   OVER by 00:05');
    expect(notesLines(undefined, 0, 80, true).join('\n')).toContain('Waiting for a presentation');
  });
});
