import { Box, measureElement, Text, type DOMElement } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { UiState } from '../input.js';
import { planLayout } from '../layout.js';
import { useTheme } from '../theme.js';
import type { HeaderView, LogLine, Measurement, StepView } from '../view-model.js';
import { chartsFor, fleetTableFrom } from '../measure-bars.js';
import type { LiveSample } from '../../measure/live.js';
import type { TypingMode } from '../../present/typing.js';
import { BarsView } from './BarsView.js';
import { GotoPicker } from './GotoPicker.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { LogView } from './LogView.js';
import { NarrationPane, type NarrationFit } from './NarrationPane.js';
import { MeasurementsPanel } from './MeasurementsPanel.js';
import { OutputPane, Rule } from './OutputPane.js';
import { QuitConfirm } from './QuitConfirm.js';
import { StatusBar } from './StatusBar.js';
import { StepList } from './StepList.js';
import { StepResult } from './StepResult.js';
import { WireView } from './WireView.js';

/**
 * The step's visible command, as a prompt line (readable without colour: the "$ " says it).
 * While present mode types it, only the typed part shows, followed by a block cursor.
 */
function Command({ command, cursor }: { command: string; cursor?: boolean }) {
  const theme = useTheme();
  return (
    <Box flexShrink={0}>
      <Text bold color={theme.code} wrap={cursor ? 'truncate-start' : 'truncate-end'}>
        {/* A `show: |` block ends in a newline; it is not a row of the command. */}
        $ {command.replace(/\n+$/, '')}
        {cursor ? '█' : ''}
      </Text>
    </Box>
  );
}

/** Present mode's typing: what the command line of step `index` shows instead of the whole command. */
export interface TypedCommand {
  index: number;
  text: string;
}

/** How the narration of step `step` (0-based) fits its pane. */
export type StepNarrationFit = NarrationFit & { step: number };

export interface MainScreenProps {
  columns: number;
  rows: number;
  header: HeaderView;
  steps: StepView[];
  /** Index of the step on screen. */
  viewing: number;
  /** Output of the step on screen. */
  lines: readonly LogLine[];
  /** Lines in the whole run's log. */
  totalLines: number;
  /** Lines [end - count, end) of the whole run's log; read only while the full-log view is open. */
  logWindow: (end: number, count: number) => readonly LogLine[];
  measurements: readonly Measurement[];
  /** Per-run samples of comparisons, as measured (the live bars). */
  samples?: readonly LiveSample[];
  /** Overlays, picker and scroll positions (src/ui/input.ts). */
  ui: UiState;
  /** Run state for the header ("▶ running 2/4", "→ runs 3/4", ...). */
  state?: string;
  /** Fixed clock for tests. */
  now?: number;
  /** One line from outside the runner (workshop: resumed where, which env file to source). */
  notice?: string;
  /** Present mode's typing effect: the part of a command typed so far. */
  typed?: TypedCommand;
  /** Empty rows after the header and above the key bar (projector theme). */
  gap?: number;
  /** Present mode: how commands are typed (mode undefined: typing off), for the help. */
  typingHelp?: { mode: TypingMode | undefined };
  /** Told how the shown step's narration fits its pane (the scroll keys need to know). */
  onNarrationFit?: (fit: StepNarrationFit) => void;
}

/** The whole live area; exactly `rows - 1` tall so the terminal never scrolls it. */
export function MainScreen(props: MainScreenProps) {
  const { columns, rows, header, steps, viewing, ui } = props;
  const overlay = ui.quitting ? 'none' : ui.overlay;
  const layout = planLayout({
    columns,
    rows,
    steps: steps.length,
    measurements: props.measurements.length,
    prompt: overlay === 'quit' ? 3 : 0,
    gap: props.gap ?? 0,
  });
  const spacer = props.gap ? <Box height={props.gap} flexShrink={0} /> : null;

  let body;
  if (overlay === 'help') {
    body = <HelpOverlay mode={header.mode} height={layout.bodyHeight} {...(props.typingHelp ? { typing: props.typingHelp } : {})} />;
  } else if (overlay === 'goto') {
    body = (
      <GotoPicker steps={steps} selected={ui.gotoSelected} typed={ui.gotoTyped} height={layout.bodyHeight} />
    );
  } else if (overlay === 'log') {
    body = (
      <LogView
        total={props.totalLines}
        window={props.logWindow}
        stepTitles={steps.map((s) => s.title)}
        width={columns}
        height={layout.bodyHeight}
        fromEnd={ui.logFromEnd}
      />
    );
  } else if (overlay === 'bars') {
    body = <BarsView charts={chartsFor(props.measurements, props.samples ?? [])} fleet={fleetTableFrom(props.measurements)} width={columns} height={layout.bodyHeight} />;
  } else if (overlay === 'wire') {
    body = <WireView total={props.totalLines} window={props.logWindow} width={columns} height={layout.bodyHeight} />;
  } else {
    const stepList = <StepList steps={steps} viewing={viewing} height={layout.stepsHeight} />;
    const main = (
      <Box flexDirection="column" width={layout.mainWidth} height={layout.mainHeight + layout.measurementsHeight}>
        <StepBody
          step={steps[viewing]}
          index={viewing}
          width={layout.mainWidth}
          height={layout.mainHeight}
          minOutput={layout.minOutput}
          lines={props.lines}
          totalLines={props.totalLines}
          notice={props.notice}
          typed={props.typed?.index === viewing ? props.typed.text : undefined}
          narrationOffset={ui.narration.step === viewing ? ui.narration.offset : 0}
          onNarrationFit={props.onNarrationFit}
        />
        {layout.measurementsHeight > 0 ? (
          <MeasurementsPanel measurements={props.measurements} width={layout.mainWidth} height={layout.measurementsHeight} />
        ) : null}
      </Box>
    );
    body = layout.wide ? (
      <Box flexDirection="row" height={layout.bodyHeight}>
        <Box width={layout.stepsWidth} flexShrink={0} marginRight={1} flexDirection="column">
          {stepList}
        </Box>
        {main}
      </Box>
    ) : (
      <Box flexDirection="column" height={layout.bodyHeight}>
        {stepList}
        {main}
      </Box>
    );
  }

  return (
    <Box flexDirection="column" width={columns} height={layout.frameHeight} overflow="hidden">
      <Header header={header} now={props.now} state={props.state} />
      {spacer}
      <Box flexDirection="column" height={layout.bodyHeight} overflow="hidden">
        {body}
      </Box>
      {overlay === 'quit' ? <QuitConfirm /> : null}
      {spacer}
      <StatusBar mode={header.mode} />
    </Box>
  );
}

interface StepBodyProps {
  step: StepView | undefined;
  index: number;
  width: number;
  height: number;
  minOutput: number;
  lines: readonly LogLine[];
  totalLines: number;
  notice?: string;
  /** The command as typed so far (present mode's typing effect); undefined shows it whole. */
  typed?: string;
  /** Narration rows scrolled past (0 for a step just shown). */
  narrationOffset: number;
  onNarrationFit?: (fit: StepNarrationFit) => void;
}

/**
 * Narration, result and output of one step. Narration takes what it needs and shrinks
 * when long (clipped, saying `↓ more`, scrollable); the output pane gets the rest but never
 * less than `minOutput`. The pane's rows are measured after layout and the log is sliced
 * to exactly that.
 */
function StepBody({ step, index, width, height, minOutput, lines, totalLines, notice, typed, narrationOffset, onNarrationFit }: StepBodyProps) {
  const theme = useTheme();
  const outputRef = useRef<DOMElement>(null);
  const [outputRows, setOutputRows] = useState(minOutput);
  useEffect(() => {
    if (!outputRef.current) return;
    const measured = measureElement(outputRef.current).height;
    if (measured !== outputRows) setOutputRows(measured);
  });
  if (!step) {
    return (
      <Box height={height}>
        <Text color={theme.muted}>(no steps)</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Rule title={`${index + 1} ${step.title}`} width={width} />
      {notice ? (
        <Box flexShrink={0}>
          <Text color={theme.accent ?? theme.warn} wrap="wrap">
            » {notice}
          </Text>
        </Box>
      ) : null}
      {step.narration ? (
        <NarrationPane
          key={index}
          source={step.narration}
          offset={narrationOffset}
          {...(onNarrationFit ? { onFit: (fit: NarrationFit) => onNarrationFit({ ...fit, step: index }) } : {})}
        />
      ) : null}
      {step.command ? typed !== undefined ? <Command command={typed} cursor /> : <Command command={step.command} /> : null}
      <StepResult step={step} width={width} />
      {/* One row each, never squeezed (a squeezed row is overwritten, see Markdown.tsx). */}
      {step.hints?.map((hint, i) => (
        <Box key={i} flexShrink={0}>
          <Text color={theme.warn} wrap="truncate-end">
            hint {i + 1}: {hint}
          </Text>
        </Box>
      ))}
      <Box ref={outputRef} flexGrow={1} flexShrink={0} flexBasis={0} minHeight={minOutput} overflow="hidden">
        <OutputPane lines={lines} width={width} height={Math.max(0, outputRows - 1)} totalLines={totalLines} />
      </Box>
    </Box>
  );
}
