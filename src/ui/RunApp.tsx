/**
 * The root of the run UI: reads the store through selectors, owns the overlays and the
 * keys, and is the one place that exits. Views below it get plain props.
 */
import ansiEscapes from 'ansi-escapes';
import { useApp, useInput, useStdin, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { MainScreen, type Overlay } from './components/MainScreen.js';
import { Summary } from './components/Summary.js';
import { Transcript } from './components/Transcript.js';
import { useRunSelector } from './hooks/use-run-selector.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useThrottledSelector } from './hooks/use-throttled-selector.js';
import { useTranscript } from './hooks/use-transcript.js';
import { commandFor, type Command } from './keymap.js';
import {
  exitCode,
  isFinished,
  sameFields,
  sameRows,
  selectFullLog,
  selectHeader,
  selectMeasurements,
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
}

export function RunApp({ store, onExit, now }: RunAppProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { write } = useStdout();
  const { columns, rows } = useTerminalSize();
  const interactive = isRawModeSupported === true;

  const header = useRunSelector(store, selectHeader, sameFields);
  const steps = useRunSelector(store, selectSteps, sameRows);
  const measurements = useRunSelector(store, selectMeasurements, sameRows);
  const stateLabel = useRunSelector(store, selectStateLabel);
  const status = useRunSelector(store, (s) => s.status);
  const busy = useRunSelector(store, (s) => s.busy);
  const viewing = header.index;

  // Output re-renders at most every LOG_FLUSH_MS, however fast lines arrive.
  const tail = useThrottledSelector(store, (s) => s.steps[viewing]?.tail, [viewing]);
  const totalLines = useThrottledSelector(store, totalLogLength, []);
  const lines = useMemo<LogLine[]>(
    () => (tail ?? []).map((l) => ({ index: viewing, stream: l.stream, line: l.line })),
    [tail, viewing],
  );
  const allLines = useCallback(() => selectFullLog(store.getState()), [store, totalLines]);

  const transcript = useTranscript(store);
  const [staticKey, setStaticKey] = useState(0);
  const [overlay, setOverlay] = useState<Overlay>('none');
  const [quitting, setQuitting] = useState<'quit' | 'interrupt' | null>(null);
  const [exitWith, setExitWith] = useState<number | null>(null);

  // Leave once the run has ended after a quit: the store's abort unwinds the step first.
  useEffect(() => {
    if (quitting && isFinished(status) && !busy && exitWith === null) {
      // A quit on an ended run keeps its status (0 or 1); otherwise the run ends interrupted (130).
      setExitWith(exitCode(status));
    }
  }, [quitting, status, busy, exitWith]);
  useEffect(() => {
    if (exitWith === null) return;
    onExit(exitWith);
    exit();
  }, [exitWith, exit, onExit]);

  const quit = (kind: 'quit' | 'interrupt') => {
    setOverlay('none');
    setQuitting(kind);
    store.getState().quit();
  };

  const run = (command: Command) => {
    const actions = store.getState();
    switch (command) {
      case 'next':
        if (!busy) void settle(actions.next());
        return;
      case 'back':
        actions.back();
        return;
      case 'retry':
        if (!busy) void settle(actions.retry());
        return;
      case 'skip':
        if (!busy) void settle(actions.skip());
        return;
      case 'check':
        if (!busy) void settle(actions.check());
        return;
      case 'goto':
        if (!busy) setOverlay('goto');
        return;
      case 'log':
        setOverlay('log');
        return;
      case 'help':
        setOverlay('help');
        return;
      case 'redraw':
        write(ansiEscapes.clearTerminal);
        setStaticKey((k) => k + 1);
        return;
      case 'quit':
        if (busy) setOverlay('quit');
        else quit('quit');
        return;
      case 'interrupt':
        quit('interrupt');
        return;
    }
  };

  useInput(
    (input, key) => {
      const command = commandFor(header.mode, input, key);
      // Ctrl-C and Ctrl-L work everywhere; other keys belong to the open overlay.
      if (command === 'interrupt' || command === 'redraw') return run(command);
      if (overlay === 'help') {
        if (key.escape || input === '?' || input === 'q') setOverlay('none');
        return;
      }
      if (overlay !== 'none' || quitting) return;
      if (command) run(command);
    },
    { isActive: interactive && exitWith === null },
  );

  const onGoto = (index: number) => {
    setOverlay('none');
    const { current, goto } = store.getState();
    void settle(goto(index, { catchUp: index > current }));
  };

  if (exitWith !== null) {
    return (
      <>
        <Transcript key={staticKey} items={transcript} />
        <Summary steps={steps} status={status} header={header} />
      </>
    );
  }
  return (
    <>
      <Transcript key={staticKey} items={transcript} />
      <MainScreen
        columns={columns}
        rows={rows}
        header={header}
        steps={steps}
        viewing={viewing}
        lines={lines}
        totalLines={totalLines}
        allLines={allLines}
        measurements={measurements}
        overlay={quitting ? 'none' : overlay}
        state={quitting ? 'stopping: cleaning up…' : stateLabel}
        interactive={interactive}
        onCloseOverlay={() => setOverlay('none')}
        onGoto={onGoto}
        onQuitAnswer={(yes) => (yes ? quit('quit') : setOverlay('none'))}
        now={now}
      />
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
