import { Box, Text } from 'ink';
import { bytes } from '../format.js';
import { useTheme } from '../theme.js';
import type { LogLine } from '../view-model.js';
import { wireEntries, type WireEntry } from '../wire.js';
import { Rule } from './OutputPane.js';

export interface WireViewProps {
  /** Lines in the whole log. */
  total: number;
  window: (end: number, count: number) => readonly LogLine[];
  width: number;
  height: number;
}

/** How far back the view looks for requests (the servers log one line per request). */
const LOOKBACK = 4000;

/**
 * What travels: the latest requests the Git server and the registry logged in this run,
 * side by side. Git: ref advertisement, ls-refs, fetch (want/have, packfile). OCI: HEAD or
 * GET of the manifest by tag, GET of blobs by digest.
 */
export function WireView({ total, window, width, height }: WireViewProps) {
  const theme = useTheme();
  const entries = wireEntries(window(total, Math.min(total, LOOKBACK)));
  const body = Math.max(1, height - 3);
  const colWidth = Math.floor((width - 1) / 2);
  const git = entries.filter((e) => e.side === 'git').slice(-Math.floor(body / 2));
  const oci = entries.filter((e) => e.side === 'oci').slice(-Math.floor(body / 2));
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Rule title="on the wire · from the servers' request logs" right={`${entries.length} requests`} width={width} />
      <Box flexDirection="row" height={body} overflow="hidden">
        <Side title="Git (smart HTTP, protocol v2)" entries={git} width={colWidth} />
        <Box width={1} />
        <Side title="OCI (distribution API)" entries={oci} width={colWidth} />
      </Box>
      <Text color={theme.muted} wrap="truncate">
        {'  '}latest requests · bytes = response body sent · w or Esc closes
      </Text>
    </Box>
  );
}

function Side({ title, entries, width }: { title: string; entries: readonly WireEntry[]; width: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width} flexShrink={0} overflow="hidden">
      <Text bold color={theme.heading} wrap="truncate">
        {title}
      </Text>
      {entries.length === 0 ? <Text color={theme.muted}>(no requests yet)</Text> : null}
      {entries.map((e, i) => (
        <Box key={i} flexDirection="column" flexShrink={0}>
          <Box flexShrink={0}>
            <Box flexGrow={1} flexShrink={1} overflow="hidden">
              <Text bold wrap="truncate">
                {e.what}
              </Text>
            </Box>
            <Box flexShrink={0} marginLeft={1}>
              <Text color={e.status >= 400 ? theme.error : theme.accent}>{bytes(e.bytesOut)}</Text>
            </Box>
          </Box>
          <Text color={theme.muted} wrap="truncate">
            {'  '}
            {e.request} {e.status}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
