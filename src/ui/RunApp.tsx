/**
 * The root of the run UI: reads the store through selectors, owns the overlays and the
 * keys, and is the one place that exits. Views below it get plain props.
 */
import ansiEscapes from 'ansi-escapes';
import { Box, useApp, useInput, useStdin, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { logPage } from './components/LogView.js';
import { MainScreen, type StepNarrationFit } from './components/MainScreen.js';
import { hiddenRows } from './components/NarrationPane.js';
import { Summary } from './components/Summary.js';
import { Transcript } from './components/Transcript.js';
import { useRunSelector } from './hooks/use-run-selector.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useThrottledSelector } from './hooks/use-throttled-selector.js';
import { useTour } from './hooks/use-tour.js';
import { useTranscript } from './hooks/use-transcript.js';
import { useTyping, type TypingSettings } from './hooks/use-typing.js';
import { typingKeyFor } from './keymap.js';
import { initialUiState, reduceKey, splitKeys, type Effect, type UiState } from './input.js';
import { frameBox, planLayout } from './layout.js';
import { useTheme } from './theme.js';
import {
  exitCode,
  isFinished,
  sameFields,
  sameRows,
  selectLogWindow,
  selectHeader,
  selectMeasurements,
  selectSamples,
  selectStateLabel,
  selectSteps,
  totalLogLength,
  type RunSource,
} from './run-source.js';
import type { LogLine } from './view-model.js';

export interface RunAppProps {
  store: RunSource;
  /** Called once with the process exit code, just before the app unmounts. */
  onExit: (code: number) => void;
  /** Fixed clock for tests. */
  now?: number;
  /** Present mode: the pause key (.) toggles the talk timer (src/notes/presenter.ts). */
  onPause?: () => void;
  /** Present mode: the text `f` prints above the UI for step `index` (src/record/fallback.ts). */
  fallbackText?: (index: number) => string;
  /** Present mode: type each step's `show` command out before it runs (src/present/typing.ts). */
  typing?: TypingSettings;
}

export function RunApp({ store, onExit, now, onPause, fallbackText, typing: typingSettings }: RunAppProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { write } = useStdout();
  const terminal = useTerminalSize();
  // The projector theme caps the frame's width and centres it; the default uses the whole terminal.
  const box = frameBox(terminal.columns, terminal.rows, useTheme().name === 'projector');
  const { rows } = terminal;
  const columns = box.width;
  const interactive = isRawModeSupported === true;

  const header = useRunSelector(store, selectHeader, sameFields);
  const steps = useRunSelector(store, selectSteps, sameRows);
  const measurements = useRunSelector(store, selectMeasurements, sameRows);
  const stateLabel = useRunSelector(store, selectStateLabel);
  const status = useRunSelector(store, (s) => s.status);
  const busy = useRunSelector(store, (s) => s.busy);
  const mode = useRunSelector(store, (s) => s.mode);
  const notice = useRunSelector(store, (s) => s.notice);
  const focused = useRunSelector(store, (s) => s.current);
  const tour = useTour(store, interactive && mode === 'tour' && !isFinished(status));
  const typing = useTyping(mode === 'present' && interactive ? typingSettings : undefined, () => void settle(store.getState().next()));
  const viewing = header.index;

  // Output re-renders at most every LOG_FLUSH_MS, however fast lines arrive.
  // ...and at once when the step's status changes: its last lines show with its ✓ or ✗.
  const tail = useThrottledSelector(store, (s) => s.steps[viewing]?.tail, [viewing], undefined, (s) => s.steps[viewing]?.status);
  const totalLines = useThrottledSelector(store, totalLogLength, []);
  // Runs of a comparison arrive one by one; the bars follow at most every LOG_FLUSH_MS.
  const measured = useThrottledSelector(store, (s) => s.measurements, []);
  const samples = useMemo(() => selectSamples({ measurements: measured }), [measured]);
  const lines = useMemo<LogLine[]>(
    () => (tail ?? []).map((l) => ({ index: viewing, stream: l.stream, line: l.line })),
    [tail, viewing],
  );
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const logWindow = useCallback((end: number, count: number) => selectLogWindow(store.getState(), end, count), [store, totalLines]);

  const transcript = useTranscript(store);
  const [staticKey, setStaticKey] = useState(0);
  const [exitWith, setExitWith] = useState<number | null>(null);
  // Present mode: the talk timer (on the notes screen) is paused; the header says so too.
  const [talkPaused, setTalkPaused] = useState(false);
  // UI state lives in a ref so each key acts on the state left by the previous key, even
  // before React has re-rendered; `rerender` shows it.
  const uiRef = useRef<UiState>(initialUiState);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const ui = uiRef.current;
  // How the shown narration fits, as the view measured it: how far the scroll keys may go.
  const narrationFit = useRef<StepNarrationFit | undefined>(undefined);
  const onNarrationFit = useCallback((fit: StepNarrationFit) => {
    narrationFit.current = fit;
  }, []);
  // Another step on screen shows its narration from the top; coming back to this one too.
  useEffect(() => {
    if (uiRef.current.narration.step === viewing) return;
    uiRef.current = { ...uiRef.current, narration: { step: viewing, offset: 0 } };
    rerender();
  }, [viewing]);

  // Leave once the run has ended after a quit (the store's abort unwinds the step first);
  // the exit code is the run's: 0 passed, 1 failed (or ended early by q), 130 interrupted.
  const quitting = ui.quitting;
  useEffect(() => {
    if (quitting && isFinished(status) && !busy && exitWith === null) setExitWith(exitCode(status));
  }, [quitting, status, busy, exitWith]);
  useEffect(() => {
    if (exitWith === null) return;
    onExit(exitWith);
    exit();
  }, [exitWith, exit, onExit]);

  const apply = (effect: Effect) => {
    const actions = store.getState();
    switch (effect.kind) {
      case 'next': {
        // Present mode types the step's command out first; the typing hook runs it when typed.
        const step = actions.steps[actions.current];
        if (actions.viewing === actions.current && step?.status === 'pending' && step.show && !typing.typed(actions.current)) {
          return typing.begin(actions.current, step.show);
        }
        // One step; tour mode's countdown (useTour) then carries on by itself.
        return void settle(actions.next());
      }
      case 'hint':
        return actions.hint?.();
      case 'pause':
        // Tour: the countdown to the next step; present: the talk timer the notes screen shows.
        if (mode === 'tour') return tour.togglePause();
        if (!onPause) return;
        onPause();
        return setTalkPaused((p) => !p);
      case 'back':
        return actions.back();
      case 'retry':
        return void settle(actions.retry());
      case 'skip':
        return void settle(actions.skip());
      case 'check':
        return void settle(actions.check());
      case 'goto':
        return void settle(actions.goto(effect.index, { catchUp: effect.index > actions.current }));
      case 'fallback':
        // Printed above the live area (Ink's stdout.write), so it stays on screen as the talk goes on.
        return void (fallbackText && write(fallbackText(actions.viewing)));
      case 'redraw':
        write(ansiEscapes.clearTerminal);
        return setStaticKey((k) => k + 1);
      case 'quit':
        // q with nothing running ends the run (status from its steps); Ctrl-C or a confirmed q
        // while a step runs interrupts it (130).
        if (effect.how === 'quit' && !actions.busy && !isFinished(actions.status)) return actions.end();
        return actions.quit();
    }
  };

  const layout = planLayout({ columns, rows, steps: steps.length, measurements: measurements.length, prompt: 0, gap: box.gap });
  useInput(
    (input, key) => {
      for (const [ch, k] of splitKeys(input, key)) {
        // While a command is being typed, keys go to the typing (Ctrl-C still interrupts).
        if (typing.active) {
          const interrupt = k.ctrl && ch === 'c';
          if (!interrupt) {
            typing.key(typingKeyFor(ch, k));
            continue;
          }
          typing.cancel();
        }
        const s = store.getState();
        const result = reduceKey(uiRef.current, ch, k, {
          mode: s.mode,
          busy: s.busy,
          steps: s.steps.length,
          viewing: s.viewing,
          logLines: totalLogLength(s),
          logPage: logPage(layout.bodyHeight),
          ...(narrationFit.current?.step === s.viewing
            ? { narration: { hidden: hiddenRows(narrationFit.current), visible: narrationFit.current.visible } }
            : {}),
        });
        if (result.ui !== uiRef.current) {
          uiRef.current = result.ui;
          rerender();
        }
        if (result.effect) apply(result.effect);
      }
    },
    { isActive: interactive && exitWith === null },
  );

  // The command line of a step not yet typed is empty (with a cursor) until → types it.
  const typed = typing.current
    ? { index: typing.current.index, text: typing.current.text }
    : mode === 'present' && interactive && typingSettings && steps[focused]?.status === 'pending' && !typing.typed(focused)
      ? { index: focused, text: '' }
      : undefined;

  if (exitWith !== null) {
    return (
      <>
        <Transcript key={staticKey} items={transcript} indent={box.left} />
        <Box paddingLeft={box.left}>
          <Summary steps={steps} status={status} header={header} />
        </Box>
      </>
    );
  }
  return (
    <>
      <Transcript key={staticKey} items={transcript} indent={box.left} />
      <Box paddingLeft={box.left} flexShrink={0}>
        <MainScreen
          gap={box.gap}
          columns={columns}
          rows={rows}
          header={header}
          steps={steps}
          viewing={viewing}
          lines={lines}
          totalLines={totalLines}
          logWindow={logWindow}
          measurements={measurements}
          samples={samples}
          ui={ui}
          state={quitting ? 'stopping: cleaning up…' : `${talkPaused ? '‖ timer paused · ' : ''}${typing.label(steps.length) ?? tour.label ?? stateLabel}`}
          notice={notice}
          now={now}
          typed={typed}
          onNarrationFit={onNarrationFit}
          {...(mode === 'present' ? { typingHelp: { mode: interactive ? typingSettings?.mode : undefined } } : {})}
        />
      </Box>
    </>
  );
}

/** Store actions may return promises; a rejection is the runner's to report, never a crash here. */
function settle(result: unknown): Promise<void> {
  return Promise.resolve(result).then(
    () => undefined,
    () => undefined,
  );
}
