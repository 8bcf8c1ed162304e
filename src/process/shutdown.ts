/**
 * The process-wide cleanup registry and its wiring to the process: Ctrl-C (SIGINT), SIGTERM,
 * SIGHUP, an uncaught error or a normal exit unwind it, restore the terminal, and exit with
 * 128 + signal number (130 for Ctrl-C). A second Ctrl-C while unwinding forces the exit.
 */
import { appCleanup, sweepTempDirs } from './cleanup.js';

/** The registry the CLI unwinds; commands and actions register with it (or get it via ctx.cleanup). */
export { appCleanup };

const SIGNAL_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type HandledSignal = keyof typeof SIGNAL_CODES;

type InterruptHandler = (signal: HandledSignal) => void | Promise<void>;
const interruptHandlers = new Set<InterruptHandler>();

/** Called first on a signal (e.g. runner.abort()), awaited up to 3 s before the unwinding. */
export function onInterrupt(handler: InterruptHandler): () => void {
  interruptHandlers.add(handler);
  return () => interruptHandlers.delete(handler);
}

type BrokenPipeHandler = () => number;
const brokenPipeHandlers = new Set<BrokenPipeHandler>();

/**
 * While work is under way whose result the exit code must report (a run), `handler` gives
 * that code when stdout/stderr breaks (`ocilab run x --plain | head`): the run's code when
 * it ended, 1 otherwise. The newest handler wins; without one, process.exitCode or 0.
 */
export function onBrokenPipe(handler: BrokenPipeHandler): () => void {
  brokenPipeHandlers.add(handler);
  return () => brokenPipeHandlers.delete(handler);
}

let restored = false;

/** Leave raw mode and show the cursor, whatever a view left behind (once per process). */
export function restoreTerminal(): void {
  if (restored) return;
  restored = true;
  try {
    if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
    if (process.stdout.isTTY) process.stdout.write('\x1b[?25h');
  } catch {
    // The terminal may already be gone (SIGHUP); nothing to restore then.
  }
}

let unwinding: Promise<void> | undefined;
/** The terminal or the reader of our output is gone: write nothing more. */
let streamsBroken = false;
/** Set by the first signal (or a broken pipe): its code wins over whatever the command returns. */
let signalExitCode: number | undefined;

/** Unwind the registry (once), restore the terminal, then exit with `code` (or the signal's code). */
export async function exitAfterCleanup(code: number): Promise<never> {
  unwinding ??= (async () => {
    const hadWork = appCleanup.size > 0 || signalExitCode !== undefined;
    const errors = await appCleanup.runAll();
    if (!streamsBroken) for (const err of errors) process.stderr.write(`ocilab: ${err.message}\n`);
    // writes an interrupted action still had in flight land now; then remove their dirs again.
    // Nothing registered and no signal (`--version`, a verb that finished): nothing in flight.
    if (hadWork) await new Promise((r) => setTimeout(r, 50)); // ref: the process must wait for it
    sweepTempDirs();
    restoreTerminal();
  })();
  await unwinding;
  process.exit(signalExitCode ?? code);
}

let installed = false;

export function installShutdownHandlers(): void {
  if (installed) return;
  installed = true;
  let interrupted = false;
  for (const signal of Object.keys(SIGNAL_CODES) as HandledSignal[]) {
    process.on(signal, () => {
      const code = SIGNAL_CODES[signal];
      if (interrupted) {
        // Second signal: stop waiting, kill what is left synchronously.
        appCleanup.runAllSync();
        restoreTerminal();
        process.exit(code);
      }
      interrupted = true;
      signalExitCode = code;
      void (async () => {
        const settle = Promise.allSettled([...interruptHandlers].map(async (h) => h(signal)));
        await Promise.race([settle, new Promise((r) => setTimeout(r, 3000).unref())]);
        await exitAfterCleanup(code);
      })();
    });
  }
  // `ocilab run x --plain | head`: the reader went away. Stop quietly, unwind, and exit with
  // the run's code — 1 when it had not finished (a cut-off run must not claim success).
  // Any other error on the terminal's streams (EIO, ENXIO: the terminal window was closed,
  // the tmux pane killed) is a hangup: nothing may be written any more — writing would fail
  // again and an error loop would starve the event loop — so unwind and exit 129.
  const terminalGone = (err: NodeJS.ErrnoException) => {
    if (streamsBroken) return;
    streamsBroken = true;
    if (signalExitCode === undefined) {
      if (err.code === 'EPIPE') {
        const handler = [...brokenPipeHandlers].at(-1);
        signalExitCode = handler ? handler() : typeof process.exitCode === 'number' ? process.exitCode : 0;
      } else {
        signalExitCode = SIGNAL_CODES.SIGHUP;
      }
    }
    void exitAfterCleanup(signalExitCode);
  };
  for (const stream of [process.stdout, process.stderr, process.stdin]) {
    stream.on('error', terminalGone);
  }
  const crash = (err: unknown) => {
    if (!streamsBroken) {
      try {
        process.stderr.write(`ocilab: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      } catch {
        streamsBroken = true;
      }
    }
    void exitAfterCleanup(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  // Whatever exits without unwinding (process.exit from a library): last-chance kills.
  process.on('exit', () => {
    appCleanup.runAllSync();
    sweepTempDirs();
    restoreTerminal();
  });
}
