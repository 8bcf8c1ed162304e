import { Box, Text, useApp, useInput, useStdin, type Key } from 'ink';
import { useEffect, useReducer, useRef, useState } from 'react';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { splitKeys } from '../input.js';
import { frameBox } from '../layout.js';
import { useTheme } from '../theme.js';
import { window } from './StepList.js';

export interface ScenarioChoice {
  id: string;
  title: string;
  summary?: string;
}

export interface ScenarioPickerProps {
  scenarios: ScenarioChoice[];
  /** Id the cursor starts on (the run's default scenario, so Enter runs it); else the first. */
  initial?: string;
  onPick: (id: string | undefined) => void;
}

/** Shown when ocilab starts without a scenario: ↑/↓ (or a number), Enter runs, q/Esc leaves. */
export function ScenarioPicker({ scenarios, initial, onPick }: ScenarioPickerProps) {
  const theme = useTheme();
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { columns, rows } = useTerminalSize();
  // The projector theme's frame: capped at 100 columns, centred (as the run's live area).
  const box = frameBox(columns, rows, theme.name === 'projector');
  // A ref, so keys typed faster than a re-render (↓ ↓ Enter) act on the latest selection.
  const selectedRef = useRef(Math.max(0, scenarios.findIndex((s) => s.id === initial)));
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const select = (i: number) => {
    selectedRef.current = Math.max(0, Math.min(scenarios.length - 1, i));
    rerender();
  };
  const selected = selectedRef.current;
  const [picked, setPicked] = useState<{ id: string | undefined } | null>(null);
  // Render nothing, then exit: the picker leaves no frame behind for the run UI that follows.
  useEffect(() => {
    if (!picked) return;
    onPick(picked.id);
    exit();
  }, [picked, onPick, exit]);
  const done = (id: string | undefined) => setPicked((p) => p ?? { id });
  useInput(
    (burst, burstKey) => {
      for (const [input, key] of splitKeys(burst, burstKey)) onKey(input, key);
    },
    { isActive: isRawModeSupported === true && picked === null },
  );
  function onKey(input: string, key: Key) {
    if (key.escape || input === 'q' || (key.ctrl && input === 'c')) return done(undefined);
    if (key.return || input === ' ' || key.rightArrow) return done(scenarios[selectedRef.current]?.id);
    if (key.upArrow || input === 'k') select(selectedRef.current - 1);
    else if (key.downArrow || input === 'j') select(selectedRef.current + 1);
    else if (/^[1-9]$/.test(input) && Number(input) <= scenarios.length) select(Number(input) - 1);
  }
  if (picked) return null;
  // Two rows per scenario (title, summary), plus title and key rows; stay under rows - 1.
  const fit = Math.max(1, Math.floor((rows - 1 - 4) / 2));
  const { first, last } = window(scenarios.length, selected, fit);
  return (
    <Box flexDirection="column" paddingX={1} marginLeft={box.left} width={box.left > 0 ? box.width : undefined}>
      <Text bold color={theme.heading}>
        ocilab: pick a scenario
      </Text>
      <Box flexDirection="column" marginY={1}>
        {scenarios.length === 0 ? <Text color={theme.warn}>No scenarios found.</Text> : null}
        {scenarios.slice(first, last + 1).map((s, i) => {
          const index = first + i;
          const on = index === selected;
          return (
            <Box key={s.id} flexDirection="column">
              <Text bold={on} color={on ? theme.accent : undefined} wrap="truncate-end">
                {on ? '› ' : '  '}
                {index + 1}. {s.title} <Text color={theme.muted}>({s.id})</Text>
              </Text>
              <Text color={theme.muted} wrap="truncate-end">
                {'     '}
                {s.summary ?? ''}
              </Text>
            </Box>
          );
        })}
      </Box>
      <Text color={theme.muted}>↑↓ or a number · Enter runs · q leaves</Text>
    </Box>
  );
}
