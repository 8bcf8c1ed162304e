/**
 * CPU time of a server process we did not write (docker-registry, git daemon, lighttpd),
 * read from /proc, for server CPU deltas around a run:
 * - its threads: the first field of /proc/<pid>/task/<tid>/schedstat (nanoseconds on CPU),
 *   summed over live threads; a thread that exited between two readings takes its time
 *   with it, so deltas are a lower bound (Go servers keep their threads);
 * - its waited-for children (CGI: git http-backend, upload-pack): cutime + cstime from
 *   /proc/<pid>/stat, in clock ticks (USER_HZ, 100 on Linux: 10 ms resolution).
 * Returns null where /proc is not readable (not Linux, other user's process).
 */
import { readdirSync, readFileSync } from 'node:fs';

const USER_HZ = 100;

export function processCpuMs(pid: number): number | null {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // thread exited while we looked
      }
    }
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after ") ": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17) → indexes 11..14 here
    const childTicks = Number(fields[13]) + Number(fields[14]);
    return ns / 1e6 + (childTicks * 1000) / USER_HZ;
  } catch {
    return null;
  }
}
