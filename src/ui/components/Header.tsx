import { Box, Text } from 'ink';
import { clock } from '../format.js';
import { useNow } from '../hooks/use-now.js';
import { useTheme } from '../theme.js';
import type { HeaderView } from '../view-model.js';

export interface HeaderProps {
  header: HeaderView;
  /** Fixed "now" for tests and recordings; the clock ticks by itself otherwise. */
  now?: number;
  /** What the run is doing / what → will do, right of the step position. */
  state?: string;
}

/** Two rows: scenario and clock; step position, target and mode. */
export function Header({ header, now, state }: HeaderProps) {
  const theme = useTheme();
  const { index, total, target, mode } = header;
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Box justifyContent="space-between">
        <Text bold color={theme.heading} wrap="truncate">
          {header.scenarioTitle}
        </Text>
        <Box flexShrink={0} marginLeft={1}>
          <Elapsed header={header} now={now} />
        </Box>
      </Box>
      <Box justifyContent="space-between">
        <Text wrap="truncate">
          <Text bold>
            step {Math.min(index + 1, total)}/{total}
          </Text>
          <Text color={theme.muted}> · </Text>target <Text bold>{target}</Text>
          <Text color={theme.muted}> · </Text>mode <Text bold>{mode}</Text>
        </Text>
        {state ? (
          <Box flexShrink={0} marginLeft={1}>
            <Text bold color={theme.accent}>
              {state}
            </Text>
          </Box>
        ) : null}
      </Box>
    </Box>
  );
}

/** Elapsed against budget; its own component so only it re-renders every second. */
function Elapsed({ header, now: fixedNow }: HeaderProps) {
  const theme = useTheme();
  const ticking = fixedNow === undefined && header.startedAt !== undefined && header.endedAt === undefined;
  const liveNow = useNow(ticking);
  if (header.startedAt === undefined) return <Text color={theme.muted}>not started</Text>;
  const end = header.endedAt ?? fixedNow ?? liveNow;
  const elapsed = end - header.startedAt;
  if (header.budgetMs === undefined) return <Text>⏱ {clock(elapsed)}</Text>;
  const over = elapsed > header.budgetMs;
  return (
    <Text color={over ? theme.warn : undefined} bold={over}>
      ⏱ {clock(elapsed)} / {clock(header.budgetMs)}
      {over ? ' ! over budget' : ''}
    </Text>
  );
}
