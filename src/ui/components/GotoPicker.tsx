import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { useTheme } from '../theme.js';
import type { StepView } from '../view-model.js';
import { StepList } from './StepList.js';

export interface GotoPickerProps {
  steps: StepView[];
  initial: number;
  height: number;
  onPick: (index: number) => void;
  onCancel: () => void;
  interactive: boolean;
}

/** The step index: ↑/↓ (or a step number) then Enter; Esc cancels. */
export function GotoPicker({ steps, initial, height, onPick, onCancel, interactive }: GotoPickerProps) {
  const theme = useTheme();
  const [selected, setSelected] = useState(initial);
  const [typed, setTyped] = useState('');
  useInput(
    (input, key) => {
      if (key.escape || input === 'g' || input === 'q') return onCancel();
      if (key.return) return onPick(typed ? clamp(Number(typed) - 1, steps.length) : selected);
      if (key.upArrow || input === 'k') setSelected((s) => Math.max(0, s - 1));
      else if (key.downArrow || input === 'j') setSelected((s) => Math.min(steps.length - 1, s + 1));
      else if (/^[0-9]$/.test(input)) {
        const next = (typed + input).slice(-3);
        setTyped(next);
        setSelected(clamp(Number(next) - 1, steps.length));
      } else if (key.backspace || key.delete) setTyped((t) => t.slice(0, -1));
    },
    { isActive: interactive },
  );
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1} height={height} overflow="hidden">
      <Text bold color={theme.heading}>
        Go to step{typed ? ` ${typed}` : ''}
      </Text>
      <StepList steps={steps} viewing={selected} height={Math.max(1, height - 4)} />
      <Text color={theme.muted} wrap="truncate">
        ↑↓ or a number, Enter goes, Esc cancels
      </Text>
    </Box>
  );
}

function clamp(i: number, total: number): number {
  return Math.max(0, Math.min(total - 1, Number.isFinite(i) ? i : 0));
}
