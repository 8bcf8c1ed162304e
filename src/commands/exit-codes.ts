/** The process exit codes, documented in `ocilab --help` and docs/foundation.md. */
export const EXIT = {
  ok: 0,
  /** A step (or a doctor check) failed; also an internal error. */
  failed: 1,
  /** Bad usage or bad input, e.g. an invalid scenario file; nothing ran. */
  usage: 2,
  /** Interrupted by Ctrl-C (SIGTERM gives 143, SIGHUP 129). */
  interrupted: 130,
} as const;

/** Bad usage or input: printed without a stack, exit code 2. */
export class UsageError extends Error {}

export const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    a step failed (run), a required tool is missing (doctor)
  2    bad usage or bad input (e.g. an invalid scenario file: nothing runs)
  130  interrupted (Ctrl-C); SIGTERM gives 143, SIGHUP 129
`;
