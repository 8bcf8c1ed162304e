/**
 * The presenter side: publishes a snapshot of the run (and the talk clock) whenever either
 * changes, and every second while there are viewers. Best effort: a notes failure never
 * stops the talk (run.ts reports it on stderr and goes on).
 */
import type { RunStore } from '../store/run-store.js';
import { idleClock, startStep, startTalk, togglePause, type TalkClock } from '../present/talk-clock.js';
import { publishNotes, type NotesPublisher } from './channel.js';
import { snapshotOf } from './snapshot.js';
import { notesSocketPath } from './paths.js';

export interface PresenterNotes {
  togglePause(): void;
  paused(): boolean;
  close(): Promise<void>;
}

export async function startPresenterNotes(store: RunStore, socketPath: string, now: () => number = Date.now): Promise<PresenterNotes> {
  const publisher: NotesPublisher = await publishNotes(socketPath);
  let clock: TalkClock = idleClock;
  let lastCurrent = -1;
  let lastKey = '';
  const send = () => publisher.publish(snapshotOf(store.getState(), clock, now()));
  const onState = () => {
    const s = store.getState();
    if (s.status === 'running') clock = startTalk(clock, now());
    const step = s.steps[s.viewing];
    // The step clock follows the focused step: looking back (←) or retrying does not restart it.
    if (s.current !== lastCurrent && s.status === 'running') {
      lastCurrent = s.current;
      clock = startStep(clock, now());
    }
    // Output lines change the store often; viewers only care about these.
    const key = `${s.viewing}|${s.current}|${s.status}|${step?.status ?? ''}|${s.steps.length}`;
    if (key === lastKey) return;
    lastKey = key;
    send();
  };
  const unsubscribe = store.subscribe(onState);
  onState();
  const timer = setInterval(() => publisher.viewers() > 0 && send(), 1000);
  timer.unref();
  return {
    togglePause() {
      clock = togglePause(clock, now());
      send();
    },
    paused: () => clock.pausedSince !== undefined,
    async close() {
      clearInterval(timer);
      unsubscribe();
      send();
      await publisher.close();
    },
  };
}

/** For `run --mode present`: publish notes, or say on stderr why not and go on without them. */
export async function startNotesOrWarn(store: RunStore, socketPath = notesSocketPath()): Promise<PresenterNotes | undefined> {
  try {
    return await startPresenterNotes(store, socketPath);
  } catch (err) {
    process.stderr.write(`ocilab: speaker notes are off: ${(err as Error).message}\n`);
    return undefined;
  }
}
