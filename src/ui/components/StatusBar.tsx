import { Box, Text } from 'ink';
import type { Mode } from '../../engine/events.js';
import { bindingsFor } from '../keymap.js';
import { useTheme } from '../theme.js';

export interface StatusBarProps {
  mode: Mode;
}

/** One row: the keys of this mode, from the keymap (fits 80 columns). */
export function StatusBar({ mode }: StatusBarProps) {
  const theme = useTheme();
  const keys = bindingsFor(mode).filter((b) => b.short);
  return (
    <Box flexShrink={0}>
      <Text wrap="truncate">
        {keys.map((b, i) => (
          <Text key={b.command}>
            {i > 0 ? '  ' : ''}
            <Text bold color={theme.key} inverse={theme.color}>
              {b.keys.split(' ')[0]}
            </Text>{' '}
            {b.short}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
