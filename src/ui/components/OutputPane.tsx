import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import { useTheme } from '../theme.js';
import type { LogLine } from '../view-model.js';
import { tailRows } from '../wrap.js';
import { GUTTER, OutputRows } from './OutputRows.js';

export interface OutputPaneProps {
  lines: readonly LogLine[];
  width: number;
  /** Rows for output, excluding the title row. */
  height: number;
  /** How many lines the full log has, for the "l: full log" hint. */
  totalLines: number;
}

/** The bounded live pane: a title rule and the last `height` wrapped rows of the step's output. */
export function OutputPane({ lines, width, height, totalLines }: OutputPaneProps) {
  const theme = useTheme();
  const rows = tailRows(lines, Math.max(1, width - GUTTER), Math.max(0, height), theme.color);
  const hidden = lines.length > 0 && rows.length >= height;
  return (
    <Box flexDirection="column" flexShrink={0} height={height + 1} overflow="hidden">
      <Rule title="output" right={hidden || totalLines > lines.length ? `l: full log (${totalLines} ${totalLines === 1 ? 'line' : 'lines'})` : undefined} width={width} />
      {lines.length === 0 ? <Text color={theme.muted}>  (no output yet)</Text> : <OutputRows rows={rows} />}
    </Box>
  );
}

/** A section title drawn as a rule: "── title ──────── right ──", exactly `width` columns. */
export function Rule({ title, right, width }: { title: string; right?: string; width: number }) {
  const theme = useTheme();
  const tail = right ? ` ${right} ──` : '';
  const fill = Math.max(1, width - stringWidth(`── ${title} `) - stringWidth(tail));
  return (
    <Box flexShrink={0} width={width} height={1} overflow="hidden">
      <Text wrap="truncate-end">
        <Text color={theme.muted}>── </Text>
        <Text bold>{title}</Text>
        <Text color={theme.muted}>
          {' '}
          {'─'.repeat(fill)}
          {tail}
        </Text>
      </Text>
    </Box>
  );
}
