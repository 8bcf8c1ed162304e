import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import type { Chart, ChartBar } from '../measure-bars.js';
import { Rule } from './OutputPane.js';

export interface BarsViewProps {
  charts: readonly Chart[];
  width: number;
  height: number;
}

const LABEL = 14;
const VALUE = 10;
const SPREAD = 5;

/** Medians of the comparison as bars, four metrics in a grid; geometry from src/ui/measure-bars.ts. */
export function BarsView({ charts, width, height }: BarsViewProps) {
  const theme = useTheme();
  const runs = Math.max(0, ...charts.flatMap((c) => c.bars.map((b) => b.runs)));
  const colWidth = Math.floor((width - 1) / 2);
  const rows = [charts.slice(0, 2), charts.slice(2, 4)];
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Rule title="measurements · medians" right={runs ? `${runs} runs each · ± = spread (max−min)/2` : undefined} width={width} />
      {charts.length === 0 ? (
        <Text color={theme.muted}>  (no comparison yet: the side-by-side step fills this in)</Text>
      ) : (
        rows.map((pair, r) => (
          <Box key={r} flexDirection="row" flexShrink={0} marginTop={r === 0 ? 0 : 1}>
            {pair.map((chart, i) => (
              <Box key={chart.title} width={colWidth} marginRight={i === 0 ? 1 : 0} flexDirection="column" flexShrink={0}>
                <Text bold color={theme.heading} wrap="truncate">
                  {chart.title}
                </Text>
                {chart.bars.map((b) => (
                  <BarRow key={b.methodId} bar={b} width={colWidth} />
                ))}
              </Box>
            ))}
          </Box>
        ))
      )}
      <Text color={theme.muted} wrap="truncate">
        {'  '}█ git   ▓ oci   shorter is cheaper · b or Esc closes
      </Text>
    </Box>
  );
}

function BarRow({ bar, width }: { bar: ChartBar; width: number }) {
  const theme = useTheme();
  const room = Math.max(1, width - LABEL - VALUE - SPREAD - 2);
  const cells = bar.value === null ? 0 : Math.max(bar.value > 0 ? 1 : 0, Math.round(bar.fraction * room));
  const glyph = bar.kind === 'git' ? '█' : '▓';
  return (
    <Box flexShrink={0} height={1}>
      <Box width={LABEL} flexShrink={0}>
        <Text wrap="truncate">{bar.short}</Text>
      </Box>
      <Box width={room} flexShrink={0}>
        <Text color={bar.kind === 'git' ? theme.warn : theme.accent}>{glyph.repeat(cells)}</Text>
      </Box>
      <Box width={VALUE + 1} flexShrink={0} justifyContent="flex-end">
        <Text bold>{bar.formatted}</Text>
      </Box>
      <Box width={SPREAD + 1} flexShrink={0} justifyContent="flex-end">
        <Text color={theme.muted}>{bar.spread}</Text>
      </Box>
    </Box>
  );
}
