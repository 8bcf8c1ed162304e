import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import type { StepView } from '../view-model.js';
import { StepList } from './StepList.js';

export interface GotoPickerProps {
  steps: StepView[];
  selected: number;
  typed: string;
  height: number;
}

/** The step index (keys in src/ui/input.ts): ↑/↓ or a step number, Enter goes, Esc cancels. */
export function GotoPicker({ steps, selected, typed, height }: GotoPickerProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1} height={height} overflow="hidden">
      <Text bold color={theme.heading}>
        Go to step{typed ? ` ${typed}` : ''}
      </Text>
      <StepList steps={steps} viewing={selected} height={Math.max(1, height - 4)} />
      <Text color={theme.muted} wrap="truncate">
        ↑↓ or a number, Enter goes (earlier steps are caught up by their solve), Esc cancels
      </Text>
    </Box>
  );
}
