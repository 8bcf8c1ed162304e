import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import { measurementValue } from '../format.js';
import { useTheme } from '../theme.js';
import type { Measurement } from '../view-model.js';
import { Rule } from './OutputPane.js';

export interface MeasurementsPanelProps {
  measurements: readonly Measurement[];
  width: number;
  /** Rows available including the title rule; the newest measurements are kept. */
  height: number;
}

const HEADINGS = ['what', 'metric', 'value', 'how'] as const;

/**
 * The measurements slot: a plain table for now (method, metric, value, how it was taken).
 * Richer views (bars, comparisons) replace the body and keep these props.
 */
export function MeasurementsPanel({ measurements, width, height }: MeasurementsPanelProps) {
  const theme = useTheme();
  const shown = measurements.slice(-Math.max(0, height - 2));
  const cells = shown.map((m) => [m.method, m.metric, measurementValue(m), m.method_note ?? '']);
  const widths = HEADINGS.map((h, col) => Math.max(stringWidth(h), ...cells.map((row) => stringWidth(row[col]!))));
  return (
    <Box flexDirection="column" flexShrink={0} height={height} overflow="hidden">
      <Rule title="measurements" right={shown.length < measurements.length ? `last ${shown.length} of ${measurements.length}` : undefined} width={width} />
      <TableRow cells={[...HEADINGS]} widths={widths} bold />
      {cells.map((row, i) => (
        <TableRow key={i} cells={row} widths={widths} />
      ))}
      {measurements.length === 0 ? <Text color={theme.muted}>  (nothing measured yet)</Text> : null}
    </Box>
  );
}

function TableRow({ cells, widths, bold }: { cells: string[]; widths: number[]; bold?: boolean }) {
  return (
    <Box flexShrink={0}>
      {cells.map((cell, col) => (
        <Box
          key={col}
          width={widths[col]! + (col === 0 ? 4 : 2)}
          flexShrink={col === cells.length - 1 ? 1 : 0}
          justifyContent={col === 2 ? 'flex-end' : 'flex-start'}
          paddingRight={col === 2 ? 2 : 0}
          paddingLeft={col === 0 ? 2 : 0}
        >
          <Text bold={bold} wrap="truncate">
            {cell}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
