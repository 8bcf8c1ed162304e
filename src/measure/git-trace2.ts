/**
 * Phases of a git command from its trace2 event stream (GIT_TRACE2_EVENT=<file>):
 * startup (our spawn → git's process start, i.e. wrappers and exec), fetch (git start →
 * checkout start: refs, negotiation, pack transfer, index-pack, connectivity check) and
 * checkout (the unpack_trees region → git exit: writing files and the index).
 */
import type { Phase } from './types.js';

interface Trace2Event {
  event: string;
  sid: string;
  time?: string;
  t_abs?: number;
  category?: string;
  label?: string;
}

function parseLines(text: string): Trace2Event[] {
  const out: Trace2Event[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Trace2Event);
    } catch {
      // a partial last line from an abort; ignore
    }
  }
  return out;
}

const epochMs = (iso: string) => Date.parse(iso) + Number(/\.\d{3}(\d{3})Z$/.exec(iso)?.[1] ?? 0) / 1000;

/**
 * @param spawnEpochMs when Node spawned the wrapper (performance.timeOrigin + performance.now()).
 * Returns [] when the trace has no top-level start/exit (git too old, trace not written).
 */
export function phasesFromTrace2(text: string, spawnEpochMs: number): Phase[] {
  const events = parseLines(text);
  const top = events.find((e) => e.event === 'start' && !e.sid.includes('/'));
  if (!top?.time) return [];
  const mine = events.filter((e) => e.sid === top.sid);
  const exit = mine.find((e) => e.event === 'exit');
  if (!exit?.time) return [];
  const processStart = epochMs(top.time) - (top.t_abs ?? 0) * 1000;
  const exitAt = epochMs(exit.time);
  const checkout = mine.find((e) => e.event === 'region_enter' && e.category === 'unpack_trees' && e.label === 'unpack_trees');
  const checkoutAt = checkout?.time ? epochMs(checkout.time) : exitAt;
  const phases: Phase[] = [
    { name: 'startup', ms: Math.max(0, processStart - spawnEpochMs) },
    { name: 'fetch', ms: checkoutAt - processStart },
  ];
  if (checkout) phases.push({ name: 'checkout', ms: exitAt - checkoutAt });
  return phases;
}

/** Add phases of several processes run one after the other, by name. */
export function sumPhases(lists: Phase[][]): Phase[] {
  const total = new Map<string, number>();
  for (const list of lists) for (const p of list) total.set(p.name, (total.get(p.name) ?? 0) + p.ms);
  return [...total].map(([name, ms]) => ({ name, ms }));
}
