/** Where a run writes its files: disk or memory (tmpfs), read from /proc/mounts. */
import { readFileSync, realpathSync } from 'node:fs';
import type { DestinationInfo } from './types.js';

const IN_MEMORY = new Set(['tmpfs', 'ramfs']);

interface MountEntry {
  mountPoint: string;
  fsType: string;
}

/** /proc/mounts escapes space, tab, newline and backslash as octal (\040 ...). */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3) continue;
    out.push({ mountPoint: unescapeMount(fields[1]!), fsType: fields[2]! });
  }
  return out;
}

function contains(mountPoint: string, path: string): boolean {
  if (mountPoint === '/') return true;
  return path === mountPoint || path.startsWith(mountPoint + '/');
}

/** The filesystem holding `dir`: the longest matching mount point, the last one mounted wins. */
export function filesystemOf(dir: string, mountsText?: string): DestinationInfo {
  let real = dir;
  try {
    real = realpathSync(dir);
  } catch {
    // A directory that does not exist yet is judged by its path.
  }
  let text = mountsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/mounts', 'utf8');
    } catch {
      return { dir, fsType: 'unknown', mountPoint: 'unknown', inMemory: false };
    }
  }
  let best: MountEntry | undefined;
  for (const m of parseMounts(text)) {
    if (!contains(m.mountPoint, real)) continue;
    if (!best || m.mountPoint.length >= best.mountPoint.length) best = m;
  }
  if (!best) return { dir, fsType: 'unknown', mountPoint: 'unknown', inMemory: false };
  return { dir, fsType: best.fsType, mountPoint: best.mountPoint, inMemory: IN_MEMORY.has(best.fsType) };
}

/** Human form for reports: "ext4 at / (disk)" or "tmpfs at /dev/shm (memory)". */
export function describeDestination(d: DestinationInfo): string {
  if (d.fsType === 'unknown') return `${d.dir} (filesystem unknown)`;
  return `${d.dir}: ${d.fsType} at ${d.mountPoint} (${d.inMemory ? 'memory' : 'disk'})`;
}
