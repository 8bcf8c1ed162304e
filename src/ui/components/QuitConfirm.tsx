import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';

/** Asked only while a step runs: quitting aborts it and unwinds what the run started. */
export function QuitConfirm() {
  const theme = useTheme();
  return (
    <Box borderStyle="round" borderColor={theme.warn} paddingX={1} flexShrink={0}>
      <Text bold color={theme.warn} wrap="truncate-end">
        ! A step is running. Quit now, stop it and clean up? <Text inverse>y</Text> yes · <Text inverse>n</Text> no
      </Text>
    </Box>
  );
}
