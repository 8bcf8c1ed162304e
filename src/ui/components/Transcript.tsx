import { Box, Static, Text } from 'ink';
import { clock, duration } from '../format.js';
import type { TranscriptItem } from '../hooks/use-transcript.js';
import { useTheme } from '../theme.js';

/** Finished steps, printed once above the live area (Ink <Static>); survives in the scrollback. */
export function Transcript({ items, indent = 0 }: { items: TranscriptItem[]; indent?: number }) {
  return (
    <Static items={items}>
      {(item) => (
        <Box key={item.key} paddingLeft={indent}>
          <TranscriptLine item={item} />
        </Box>
      )}
    </Static>
  );
}

export function TranscriptLine({ item }: { item: TranscriptItem }) {
  const theme = useTheme();
  if (item.kind === 'run') {
    // Left with q before the end: "stopped", in the interrupted style, not a red "failed".
    const stopped = item.stoppedBefore;
    const mark = item.status === 'passed' ? theme.status.passed : stopped ? theme.status.interrupted : theme.status.failed;
    return (
      <Text bold color={mark.color}>
        {mark.mark} run {stopped ? `stopped before step ${stopped.index + 1}/${stopped.total}` : item.status}
        {item.elapsedMs !== undefined ? ` in ${clock(item.elapsedMs)}` : ''}
      </Text>
    );
  }
  const style = theme.status[item.status];
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold color={style.color}>
          {style.mark} {item.status.padEnd(7)}
        </Text>{' '}
        {item.index + 1}/{item.total} {item.title}
        {item.durationMs !== undefined ? <Text color={theme.muted}> · {duration(item.durationMs)}</Text> : null}
      </Text>
      {item.message ? (
        <Text color={item.status === 'failed' ? theme.error : theme.muted}>
          {'          '}
          {item.message.split('\n')[0]}
        </Text>
      ) : null}
    </Box>
  );
}
