/**
 * CPU and peak RSS of work done inside this Node process (an in-process OCI pull, say).
 *
 * - CPU: process.cpuUsage() delta, user + system. It counts every thread of this process:
 *   if the server being measured runs in the same process (the embedded registry, the Git
 *   smart-HTTP server), its CPU is in this figure too; a method that knows the server's own
 *   CPU (its counters) should report that as server CPU and subtract it here.
 * - Child processes the work spawned (the reconciler runs git): their user + system time is
 *   added to this process's cutime/cstime in /proc/self/stat once reaped, in clock ticks
 *   (10 ms). `withChildren` adds that delta; it counts every child reaped meanwhile, so no
 *   server of ours may spawn processes from this process during the measurement.
 * - Peak RSS: Linux keeps the process's high-water mark (VmHWM) for its whole life, so a
 *   later run could never report less than an earlier one. Writing "5" to
 *   /proc/self/clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0), so the value read
 *   after the work is the peak during it. Where that is not possible the figure is n/a
 *   rather than a lifetime peak passed off as a per-run one.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface InProcessUsage<T> {
  value: T;
  cpuMs: number;
  peakRssBytes: number | null;
  notes: string[];
}

function readHighWaterMark(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Reset VmHWM to the current RSS; false where the platform does not allow it. */
export function resetHighWaterMark(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

const USER_HZ = 100;

/** CPU of this process's reaped children (cutime + cstime), ms; null without /proc. */
export function reapedChildrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[13]) + Number(f[14])) * 1000) / USER_HZ;
  } catch {
    return null;
  }
}

export async function measureInProcess<T>(work: () => Promise<T>, opts: { withChildren?: boolean } = {}): Promise<InProcessUsage<T>> {
  const canReset = resetHighWaterMark();
  const children0 = opts.withChildren ? reapedChildrenCpuMs() : null;
  const cpu0 = process.cpuUsage();
  const value = await work();
  const cpu = process.cpuUsage(cpu0);
  const children1 = opts.withChildren ? reapedChildrenCpuMs() : null;
  const hwm = canReset ? readHighWaterMark() : null;
  const childMs = children0 !== null && children1 !== null ? children1 - children0 : 0;
  const childNote = opts.withChildren
    ? [children0 !== null ? 'client CPU includes reaped child processes (git) from /proc/self/stat, 10 ms ticks' : 'client CPU: child processes n/a here']
    : [];
  return {
    value,
    cpuMs: (cpu.user + cpu.system) / 1000 + childMs,
    peakRssBytes: hwm,
    notes: [
      'client CPU: process.cpuUsage delta of the ocilab process (includes any in-process server)',
      ...childNote,
      hwm !== null
        ? 'client peak RSS: VmHWM of the ocilab process after resetting it via /proc/self/clear_refs (whole Node process, heap included)'
        : 'client peak RSS: n/a (cannot reset VmHWM on this platform)',
    ],
  };
}
