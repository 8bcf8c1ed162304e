import { Box, Text } from 'ink';
import type { Mode, StepStatus } from '../../engine/events.js';
import { bindingsFor } from '../keymap.js';
import { useTheme } from '../theme.js';

const ORDER: StepStatus[] = ['pending', 'running', 'passed', 'failed', 'skipped'];

/** Every key with what it does, and the legend of step marks. Any key closes it. */
export function HelpOverlay({ mode, height }: { mode: Mode; height: number }) {
  const theme = useTheme();
  const keys = bindingsFor(mode);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1} height={height} overflow="hidden">
      <Text bold color={theme.heading}>
        Keys ({mode} mode)
      </Text>
      {keys.map((b) => (
        <Box key={b.command}>
          <Box width={12} flexShrink={0}>
            <Text bold color={theme.key}>
              {b.keys}
            </Text>
          </Box>
          <Text wrap="truncate-end">{b.help}</Text>
        </Box>
      ))}
      <Box marginTop={1}>
        <Text wrap="truncate-end">
          <Text bold>Marks</Text>
          {ORDER.map((s) => (
            <Text key={s}>
              {'  '}
              <Text bold color={theme.status[s].color}>
                {theme.status[s].mark}
              </Text>{' '}
              {theme.status[s].word}
            </Text>
          ))}
        </Text>
      </Box>
      <Text color={theme.muted}>Esc or ? closes this help.</Text>
    </Box>
  );
}
