import { Box, Text } from 'ink';
import { stoppedBefore, type RunStatusLike } from '../run-source.js';
import { useTheme } from '../theme.js';
import type { HeaderView, StepView } from '../view-model.js';

/** The last frame left on the terminal after exit: one line, the transcript is above it. */
export function Summary({ steps, status, header }: { steps: StepView[]; status: RunStatusLike; header: HeaderView }) {
  const theme = useTheme();
  const count = (s: StepView['status']) => steps.filter((step) => step.status === s).length;
  const marks = steps.map((step) => theme.status[step.status].mark).join('');
  const stopped = stoppedBefore(status, steps);
  const outcome = stopped !== undefined ? `stopped before step ${stopped + 1}` : status;
  return (
    <Box>
      <Text>
        <Text bold>{header.scenarioTitle}</Text>: {outcome} · {marks} · {count('passed')} passed, {count('failed')} failed,{' '}
        {count('skipped')} skipped, {count('pending')} not run
      </Text>
    </Box>
  );
}
