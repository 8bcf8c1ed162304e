import { Box, Text } from 'ink';
import { duration } from '../format.js';
import { useTheme } from '../theme.js';
import type { StepView } from '../view-model.js';
import { wrapLine } from '../wrap.js';

/** A long failure message is clipped here; the full text is in the log (`l`). */
const MESSAGE_ROWS = 3;

/** What happened to the step on screen: mark, word, time, and for a failure the message and a way out. */
export function StepResult({ step, width }: { step: StepView; width: number }) {
  const theme = useTheme();
  if (step.status === 'pending' || step.status === 'running') return null;
  const style = theme.status[step.status];
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Text wrap="truncate-end">
        <Text bold color={style.color}>
          {style.mark} {step.status}
        </Text>
        {step.durationMs !== undefined ? <Text color={theme.muted}> in {duration(step.durationMs)}</Text> : null}
        {step.message && step.status !== 'failed' ? <Text>: {step.message}</Text> : null}
      </Text>
      {step.status === 'failed' ? (
        <Box flexDirection="column" paddingLeft={2}>
          {step.message ? (
            <Box height={messageRows(step.message, width - 2)} overflow="hidden">
              <Text color={theme.error}>{step.message}</Text>
            </Box>
          ) : null}
          <Text color={theme.muted}>r retry · s skip (runs solve) · l full log</Text>
        </Box>
      ) : null}
    </Box>
  );
}

function messageRows(message: string, width: number): number {
  const rows = message.split('\n').flatMap((line) => wrapLine(line, Math.max(1, width), false)).length;
  return Math.min(MESSAGE_ROWS, rows);
}
