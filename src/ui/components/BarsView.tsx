import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import type { Chart, ChartBar, FleetTableRow } from '../measure-bars.js';
import { Rule } from './OutputPane.js';

export interface BarsViewProps {
  charts: readonly Chart[];
  /** measure.fleet's figures: a table of its own under the charts (or alone). */
  fleet?: readonly FleetTableRow[];
  width: number;
  height: number;
}

const LABEL = 13;
const VALUE = 8;
const TAIL = 5;
/** The bar itself never gets fewer cells than this; the min–max column goes first. */
const MIN_ROOM = 8;

/**
 * The comparison as bars, two metrics per row and as many rows as fit, growing run by run while it is
 * measured: the bar is the median of the runs so far, `│` marks the fastest run and `░`
 * reaches the slowest. Geometry from src/ui/measure-bars.ts; rows are cut to the height.
 */
export function BarsView({ charts, fleet = [], width, height }: BarsViewProps) {
  const theme = useTheme();
  // charts nobody measured (server CPU with in-process servers) are left out
  const measured = charts.filter((c) => c.bars.some((b) => b.value !== null));
  const all = measured.flatMap((c) => c.bars);
  const planned = Math.max(0, ...all.map((b) => b.of));
  const done = all.length > 0 && all.every((b) => b.complete);
  const current = Math.min(planned, Math.min(...all.map((b) => b.runs)) + 1);
  const colWidth = Math.floor((width - 1) / 2);
  const fixed = LABEL + 1 + 1 + VALUE + 1 + TAIL;
  /** Per chart: the min–max column when the bar keeps MIN_ROOM cells beside it, and the bar's cells. */
  const geometry = (chart: Chart) => {
    const widest = Math.max(0, ...chart.bars.map((b) => b.range?.length ?? 0));
    const rangeWidth = widest > 0 && colWidth - fixed - widest - 1 >= MIN_ROOM ? widest : 0;
    return { rangeWidth, room: Math.max(1, colWidth - fixed - (rangeWidth ? rangeWidth + 1 : 0)) };
  };
  // rows of two charts, as many as fit whole (title + a bar per method + a gap); at least one, cut
  const bars = Math.max(1, ...measured.map((c) => c.bars.length));
  const fleetLines = fleet.length ? fleet.length + 2 : 0;
  const available = height - 3 - fleetLines;
  const fit = Math.floor((available + 1) / (bars + 2));
  const rows = Array.from({ length: Math.max(1, Math.min(Math.ceil(measured.length / 2), fit)) }, (_, r) => measured.slice(r * 2, r * 2 + 2));
  const perChart = fit >= 1 ? bars : Math.max(1, available - 1);
  const title = all.length === 0 ? 'measurements' : done ? `measurements · ${planned} run${planned === 1 ? '' : 's'} each` : `measurements · live · run ${current}/${planned}`;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Rule title={title} right={all.length ? '± = spread (max−min)/2' : undefined} width={width} />
      {measured.length === 0 ? (
        fleet.length ? null : <Text color={theme.muted}>  (no comparison yet: the side-by-side step fills this in, run by run)</Text>
      ) : (
        rows.map((pair, r) => (
          <Box key={r} flexDirection="row" flexShrink={0} marginTop={r === 0 ? 0 : 1}>
            {pair.map((chart, i) => {
              const cut = chart.bars.length > perChart;
              const shown = cut ? chart.bars.slice(0, perChart - 1) : chart.bars;
              const { rangeWidth, room } = geometry(chart);
              return (
                <Box key={chart.title} width={colWidth} marginRight={i === 0 ? 1 : 0} flexDirection="column" flexShrink={0}>
                  <Text bold color={theme.heading} wrap="truncate">
                    {chart.title}
                  </Text>
                  {shown.map((b) => (
                    <BarRow key={b.methodId} bar={b} room={room} rangeWidth={rangeWidth} />
                  ))}
                  {cut ? (
                    <Text color={theme.muted} wrap="truncate">
                      {`  +${chart.bars.length - shown.length} more (l: full log)`}
                    </Text>
                  ) : null}
                </Box>
              );
            })}
          </Box>
        ))
      )}
      {fleet.length ? <FleetTable rows={fleet} /> : null}
      {measured.length > 0 ? (
        <Text color={theme.muted} wrap="truncate">
          {'  '}
          {clientLegend(all)}
        </Text>
      ) : null}
      <Text color={theme.muted} wrap="truncate">
        {'  '}█ git ▓ oci · bar = median, │ fastest run, ░ to slowest · shorter is cheaper · b closes
      </Text>
    </Box>
  );
}

/** Which client each row used, in a few words: "clients: █ git CLI process · ▓ node process, …". */
export function clientLegend(bars: readonly Pick<ChartBar, 'kind' | 'client' | 'short'>[]): string {
  const seen = new Map<string, string[]>();
  for (const b of bars) {
    const key = `${b.kind === 'git' ? '█' : '▓'} ${b.client || 'client not said'}`;
    const shorts = seen.get(key) ?? [];
    if (!shorts.includes(b.short)) shorts.push(b.short);
    seen.set(key, shorts);
  }
  // one client per transport: name it; several: say which rows each one measured
  const perTransport = new Map<string, number>();
  for (const k of seen.keys()) perTransport.set(k[0]!, (perTransport.get(k[0]!) ?? 0) + 1);
  const parts = [...seen.entries()].map(([k, shorts]) => ((perTransport.get(k[0]!) ?? 0) > 1 ? `${k} (${shorts.join(', ')})` : k));
  return `clients: ${parts.join(' · ')}`;
}

/** The bar's cells: the median solid, a tick where the fastest run ends, light cells up to the slowest. */
export function barCells(bar: Pick<ChartBar, 'value' | 'fraction' | 'minFraction' | 'maxFraction'>, room: number): { solid: string[]; tail: number } {
  const median = bar.value === null ? 0 : Math.max(bar.value > 0 ? 1 : 0, Math.round(bar.fraction * room));
  const max = bar.maxFraction === undefined ? median : Math.max(median, Math.round(bar.maxFraction * room));
  const min = bar.minFraction === undefined ? 0 : Math.round(bar.minFraction * room);
  const solid = Array.from({ length: median }, (_, i) => (min > 0 && min < median && i === min ? '│' : 'x'));
  return { solid, tail: Math.min(room, max) - median };
}

function BarRow({ bar, room, rangeWidth }: { bar: ChartBar; room: number; rangeWidth: number }) {
  const theme = useTheme();
  const glyph = bar.kind === 'git' ? '█' : '▓';
  const { solid, tail } = barCells(bar, room);
  return (
    <Box flexShrink={0} height={1}>
      <Box width={LABEL + 1} flexShrink={0}>
        <Text wrap="truncate">{bar.short}</Text>
      </Box>
      <Box width={room} flexShrink={0}>
        <Text color={bar.kind === 'git' ? theme.warn : theme.accent}>{solid.map((c) => (c === 'x' ? glyph : c)).join('')}</Text>
        <Text color={theme.muted}>{'░'.repeat(tail)}</Text>
      </Box>
      <Box width={VALUE + 1} flexShrink={0} justifyContent="flex-end">
        <Text bold wrap="truncate">
          {bar.formatted}
        </Text>
      </Box>
      {rangeWidth > 0 ? (
        <Box width={rangeWidth + 1} flexShrink={0} justifyContent="flex-end">
          <Text color={theme.muted} wrap="truncate">
            {bar.range ?? ''}
          </Text>
        </Box>
      ) : null}
      <Box width={TAIL + 1} flexShrink={0} justifyContent="flex-end">
        <Text color={theme.muted}>{bar.complete ? bar.spread : `${bar.runs}/${bar.of}`}</Text>
      </Box>
    </Box>
  );
}

/** The columns of the fleet table: figure, measured, projected, measured ÷ projected. */
export function fleetTableLines(rows: readonly FleetTableRow[]): string[] {
  const cells = [['', 'figure', 'measured', 'projected', 'ratio'], ...rows.map((r) => [r.kind === 'git' ? '█ git' : '▓ oci', r.figure, r.measured, r.projected, r.ratio])];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ').trimEnd());
}

function FleetTable({ rows }: { rows: readonly FleetTableRow[] }) {
  const theme = useTheme();
  const [head, ...body] = fleetTableLines(rows);
  return (
    <Box flexDirection="column" flexShrink={0} marginTop={1}>
      <Text bold color={theme.heading} wrap="truncate">
        fleet: measured vs projected
      </Text>
      <Text color={theme.muted} wrap="truncate">{`  ${head}`}</Text>
      {body.map((l, i) => (
        <Text key={i} wrap="truncate">{`  ${l}`}</Text>
      ))}
    </Box>
  );
}
