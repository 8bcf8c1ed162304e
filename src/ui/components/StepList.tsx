import { Box, Text } from 'ink';
import { duration } from '../format.js';
import { useTheme } from '../theme.js';
import type { StepView } from '../view-model.js';

export interface StepListProps {
  steps: StepView[];
  /** The step on screen (highlighted with a pointer, not only a colour). */
  viewing: number;
  /** Rows available; longer lists show a window around `viewing`. */
  height: number;
}

/** One row per step: pointer, status mark, number, title, duration. */
export function StepList({ steps, viewing, height }: StepListProps) {
  const theme = useTheme();
  const { first, last } = window(steps.length, viewing, Math.max(1, height));
  const rows = [];
  if (first > 0) {
    rows.push(
      <Text key="above" color={theme.muted}>
        {'  '}↑ {first} more
      </Text>,
    );
  }
  for (let i = first + (first > 0 ? 1 : 0); i <= last - (last < steps.length - 1 ? 1 : 0); i++) {
    rows.push(<StepRow key={steps[i]!.id + i} step={steps[i]!} n={i + 1} selected={i === viewing} />);
  }
  if (last < steps.length - 1) {
    rows.push(
      <Text key="below" color={theme.muted}>
        {'  '}↓ {steps.length - 1 - last} more
      </Text>,
    );
  }
  return (
    <Box flexDirection="column" flexShrink={0} height={Math.min(height, steps.length)}>
      {rows}
    </Box>
  );
}

function StepRow({ step, n, selected }: { step: StepView; n: number; selected: boolean }) {
  const theme = useTheme();
  const style = theme.status[step.status];
  return (
    <Box>
      <Box flexShrink={0}>
        <Text bold={selected} color={selected ? theme.accent : undefined}>
          {selected ? '›' : ' '}
        </Text>
        <Text color={style.color} bold>
          {style.mark}
        </Text>
        <Text bold={selected}> {String(n).padStart(2)} </Text>
      </Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text bold={selected} wrap="truncate-end">
          {step.title}
          {step.optional ? <Text color={theme.muted}> (optional)</Text> : null}
        </Text>
      </Box>
      {step.durationMs !== undefined ? (
        <Box flexShrink={0} marginLeft={1}>
          <Text color={theme.muted}>{duration(step.durationMs)}</Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** First and last index shown so that `viewing` stays visible in `height` rows. */
export function window(total: number, viewing: number, height: number): { first: number; last: number } {
  if (total <= height) return { first: 0, last: total - 1 };
  let first = Math.max(0, viewing - Math.floor(height / 2));
  first = Math.min(first, total - height);
  return { first, last: first + height - 1 };
}
