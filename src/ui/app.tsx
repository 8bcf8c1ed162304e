/**
 * Entry points the CLI calls: renderApp runs the interactive UI over a run store and
 * resolves with the exit code; renderPicker asks which scenario to run. JSX stays here:
 * callers pass plain objects.
 */
import { render } from 'ink';
import type { TargetName } from '../engine/action-definition.js';
import type { Mode } from '../engine/events.js';
import type { RunStore } from '../store/run-store.js';
import { ScenarioPicker, type ScenarioChoice } from './components/ScenarioPicker.js';
import type { TypingSettings } from './hooks/use-typing.js';
import { RunApp } from './RunApp.js';
import { colorWanted, createTheme, ThemeContext, type ThemeName } from './theme.js';

export type { ScenarioChoice };

export interface RenderOptions {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Colour on or off (the CLI decides from --no-color); default: NO_COLOR / FORCE_COLOR / TERM=dumb. */
  color?: boolean;
  /** projector: high contrast, no grey, width capped at 100 columns and centred. */
  theme?: ThemeName;
}

export interface PickerOptions extends RenderOptions {
  /** Id of the scenario the cursor starts on (the run's default); else the first. */
  initial?: string;
}

/** What the CLI passes to renderApp (the foundation's contract), plus optional streams for tests. */
export interface RenderAppOptions extends RenderOptions {
  mode?: Mode;
  target?: TargetName;
  /** 0-based index of the step the run starts from (earlier steps already fast-forwarded). */
  fromStep?: number;
  /** Present mode: called by the pause key (b or .). */
  onPause?: () => void;
  /** Present mode: what `f` prints for a step (the rehearsal recording's segment). */
  fallbackText?: (index: number) => string;
  /** Present mode: type each step's command before it runs (undefined: off). */
  typing?: TypingSettings;
}

/** Exit code when the UI cannot run (stdin is not a terminal). */
export const EXIT_NO_TTY = 2;

function streams(opts: RenderOptions) {
  return {
    stdin: opts.stdin ?? process.stdin,
    stdout: opts.stdout ?? process.stdout,
    stderr: opts.stderr ?? process.stderr,
  };
}

/** Keys need raw mode, which needs a terminal on stdin (Ink pitfall #5). */
function needsTerminal(stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream): boolean {
  if (stdin.isTTY) return false;
  stderr.write('ocilab: the interactive UI needs a terminal on stdin; use --plain for pipes and CI\n');
  return true;
}

/**
 * Render the run UI until the user quits; resolves 0 (run passed), 1 (failed), 130
 * (interrupted) or 2 (no terminal). The store's quit() aborts the run; the caller unwinds
 * its cleanup registry after this resolves.
 */
export async function renderApp(store: RunStore, opts: RenderAppOptions = {}): Promise<number> {
  const io = streams(opts);
  if (needsTerminal(io.stdin, io.stderr)) return EXIT_NO_TTY;
  let code = 1;
  const theme = createTheme(opts.color ?? colorWanted(), opts.theme);
  const instance = render(
    <ThemeContext.Provider value={theme}>
      <RunApp store={store} onExit={(c) => (code = c)} {...(opts.onPause ? { onPause: opts.onPause } : {})} {...(opts.fallbackText ? { fallbackText: opts.fallbackText } : {})} {...(opts.typing ? { typing: opts.typing } : {})} />
    </ThemeContext.Provider>,
    { ...io, exitOnCtrlC: false, patchConsole: true },
  );
  // --from-step: earlier steps are caught up by their solve, on screen (the store runs them).
  const { current, goto } = store.getState();
  if (opts.fromStep !== undefined && opts.fromStep > current) void goto(opts.fromStep, { catchUp: true }).catch(() => undefined);
  await instance.waitUntilExit();
  return code;
}

/** Ask which scenario to run; resolves its id, or undefined when the user leaves. */
export async function renderPicker(scenarios: ScenarioChoice[], opts: PickerOptions = {}): Promise<string | undefined> {
  const io = streams(opts);
  if (needsTerminal(io.stdin, io.stderr)) return undefined;
  let picked: string | undefined;
  const theme = createTheme(opts.color ?? colorWanted(), opts.theme);
  const instance = render(
    <ThemeContext.Provider value={theme}>
      <ScenarioPicker scenarios={scenarios} {...(opts.initial !== undefined ? { initial: opts.initial } : {})} onPick={(id) => (picked = id)} />
    </ThemeContext.Provider>,
    { ...io, exitOnCtrlC: false, patchConsole: true },
  );
  await instance.waitUntilExit();
  instance.cleanup();
  return picked;
}
