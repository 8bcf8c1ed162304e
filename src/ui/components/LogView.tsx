import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import type { LogLine } from '../view-model.js';
import { tailRows } from '../wrap.js';
import { GUTTER, OutputRows } from './OutputRows.js';
import { Rule } from './OutputPane.js';

export interface LogViewProps {
  /** Lines in the whole log. */
  total: number;
  /** Lines [end - count, end) of the log: the view asks only for what it shows. */
  window: (end: number, count: number) => readonly LogLine[];
  stepTitles: string[];
  width: number;
  height: number;
  /** Lines hidden below the view; 0 follows the end (keys in src/ui/input.ts). */
  fromEnd: number;
}

/** Rows of log one page shows in a view of `height` rows. */
export const logPage = (height: number): number => Math.max(1, height - 2);

/**
 * The full log, scrollable. Scrolls by log line and renders only the rows on screen, so a
 * long log stays cheap; follows new output while at the bottom.
 */
export function LogView({ total, window, stepTitles, width, height, fromEnd }: LogViewProps) {
  const theme = useTheme();
  const body = logPage(height);
  const end = total - Math.min(fromEnd, Math.max(0, total - 1));
  // Each line is at least one row: `body` lines always fill the view.
  const visible = withStepHeadings(window(end, body), stepTitles);
  const rows = tailRows(visible, Math.max(1, width - GUTTER), body, theme.color);
  const position = total === 0 ? 'empty' : fromEnd === 0 ? `end of ${total} line${total === 1 ? '' : 's'}` : `line ${end} of ${total}`;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Rule title="full log" right={position} width={width} />
      <Box flexDirection="column" height={body} overflow="hidden">
        {total === 0 ? <Text color={theme.muted}>  (nothing logged yet)</Text> : <OutputRows rows={rows} />}
      </Box>
      <Text color={theme.muted} wrap="truncate">
        ↑↓ line · PgUp PgDn page · Home End · Esc or l closes
      </Text>
    </Box>
  );
}

/** Insert "── 2 Title" lines where the step changes, so the full log reads as a transcript. */
function withStepHeadings(lines: readonly LogLine[], titles: string[]): LogLine[] {
  const out: LogLine[] = [];
  let step = -1;
  for (const line of lines) {
    if (line.index !== step) {
      step = line.index;
      out.push({ index: step, stream: 'info', line: `── ${step + 1} ${titles[step] ?? ''}` });
    }
    out.push(line);
  }
  return out;
}
