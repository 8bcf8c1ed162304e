import { Box, Text } from 'ink';
import type { Mode, StepStatus } from '../../engine/events.js';
import type { TypingMode } from '../../present/typing.js';
import { bindingsFor, typingHeading, typingHelp } from '../keymap.js';
import { useTheme } from '../theme.js';

const ORDER: StepStatus[] = ['pending', 'running', 'passed', 'failed', 'skipped'];
const KEY_COLUMN = 12;

export interface HelpOverlayProps {
  mode: Mode;
  height: number;
  /** Present mode: how commands are typed (mode undefined: typing off). */
  typing?: { mode: TypingMode | undefined };
}

/**
 * Every key of this mode with what it does (from the key map, src/ui/keymap.ts), in present
 * mode the keys while a command is being typed, and the legend of step marks. Framed when
 * it fits; when the screen is too short for the frame (80x24 in present mode), unframed,
 * so no key is ever cut off. Esc or ? closes it.
 */
export function HelpOverlay({ mode, height, typing }: HelpOverlayProps) {
  const theme = useTheme();
  const keys = bindingsFor(mode);
  const typed = typing ? typingHelp(typing.mode) : [];
  // Title, keys, [blank, typing heading, typing keys], blank, marks. Blank rows go first
  // when rows are short, then the frame, then the title.
  const content = 1 + keys.length + (typing ? 2 + typed.length : 0) + 2;
  const framed = content + 2 <= height;
  const gap = content <= height ? 1 : 0;
  // Shorter still (present mode typing on key at 80x24): the title goes, its "Esc or ? closes" joins the marks.
  const titled = content - 2 <= height;
  const closes = <Text color={theme.muted}> · Esc or ? closes{titled ? ' this help' : ''}</Text>;
  const row = (k: string, help: string, key: string) => (
    <Box key={key} flexShrink={0}>
      <Box width={KEY_COLUMN} flexShrink={0}>
        <Text bold color={theme.key}>
          {k}
        </Text>
      </Box>
      <Text wrap="truncate-end">{help}</Text>
    </Box>
  );
  return (
    <Box
      flexDirection="column"
      {...(framed ? { borderStyle: 'round' as const, borderColor: theme.accent, paddingX: 1 } : {})}
      height={height}
      overflow="hidden"
    >
      {titled ? (
        <Box flexShrink={0}>
          <Text wrap="truncate-end">
            <Text bold color={theme.heading}>
              Keys ({mode} mode)
            </Text>
            {closes}
          </Text>
        </Box>
      ) : null}
      {keys.map((b) => row(b.keys, b.help, b.command))}
      {typing ? (
        <Box flexDirection="column" flexShrink={0} marginTop={gap}>
          <Box flexShrink={0}>
            <Text bold wrap="truncate-end">
              {typingHeading(typing.mode)}
            </Text>
          </Box>
          {typed.map((t) => row(t.keys, t.help, `typing ${t.keys}`))}
        </Box>
      ) : null}
      <Box marginTop={gap} flexShrink={0}>
        <Text wrap="truncate-end">
          <Text bold>Marks</Text>
          {ORDER.map((s) => (
            <Text key={s}>
              {'  '}
              <Text bold color={theme.status[s].color}>
                {theme.status[s].mark}
              </Text>{' '}
              {theme.status[s].word}
            </Text>
          ))}
          {titled ? null : closes}
        </Text>
      </Box>
    </Box>
  );
}
