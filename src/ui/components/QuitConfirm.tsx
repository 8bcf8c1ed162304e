import { Box, Text, useInput } from 'ink';
import { useTheme } from '../theme.js';

export interface QuitConfirmProps {
  onAnswer: (quit: boolean) => void;
  interactive: boolean;
}

/** Asked only while a step runs: quitting aborts it and unwinds what the run started. */
export function QuitConfirm({ onAnswer, interactive }: QuitConfirmProps) {
  const theme = useTheme();
  useInput((input, key) => onAnswer(input === 'y' || input === 'q' || key.return), { isActive: interactive });
  return (
    <Box borderStyle="round" borderColor={theme.warn} paddingX={1} flexShrink={0}>
      <Text bold color={theme.warn}>
        ! A step is running. Quit now, stop it and clean up? <Text inverse>y</Text> yes ·{' '}
        <Text inverse>n</Text> no
      </Text>
    </Box>
  );
}
