import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import type { Row } from '../wrap.js';

/** Gutter width: info lines (the engine's own commentary, e.g. "$ git clone ...") get "›". */
export const GUTTER = 2;

/** Pre-wrapped rows, one <Text> each, truncated so a row can never wrap again. */
export function OutputRows({ rows }: { rows: Row[] }) {
  const theme = useTheme();
  return (
    <>
      {rows.map((row, i) => (
        <Box key={i} flexShrink={0}>
          <Text color={theme.info}>{row.stream === 'info' && !row.continued ? '› ' : '  '}</Text>
          <Text wrap="truncate" color={row.stream === 'stderr' ? theme.stderr : row.stream === 'info' ? theme.info : undefined}>
            {row.text}
          </Text>
        </Box>
      ))}
    </>
  );
}
