import { Box, measureElement, Text, type DOMElement } from 'ink';
import { useLayoutEffect, useRef, useState } from 'react';
import { useTheme } from '../theme.js';
import { Markdown } from './Markdown.js';

/** How the narration fits its pane, as measured after layout: all its rows, and the rows on screen. */
export interface NarrationFit {
  rows: number;
  visible: number;
}

/** Rows of the narration below the pane when it is scrolled to the top (0: it all fits). */
export const hiddenRows = (fit: NarrationFit): number => Math.max(0, fit.rows - fit.visible);

export interface NarrationPaneProps {
  source: string;
  /** Rows scrolled past at the top (keys in src/ui/input.ts); clamped to what is hidden. */
  offset: number;
  /** Told when the fit changes, so the keys know how far the narration can scroll. */
  onFit?: (fit: NarrationFit) => void;
}

/**
 * The step's narration, in whatever rows the step body leaves it. Never cut silently: when
 * it does not fit, the last row says so (`↓ more` below, `↑ more` above once scrolled) and
 * the keys scroll it. The Markdown keeps its natural height inside a clipping viewport and
 * moves up by the offset (a negative top margin), so a scrolled paragraph keeps its wrapping.
 */
export function NarrationPane({ source, offset, onFit }: NarrationPaneProps) {
  const theme = useTheme();
  const viewport = useRef<DOMElement>(null);
  const content = useRef<DOMElement>(null);
  const [fit, setFit] = useState<NarrationFit>({ rows: 0, visible: 0 });
  const reported = useRef<NarrationFit | undefined>(undefined);
  // A layout effect: Ink has laid the tree out by then, and the keys learn the fit before the
  // next key can arrive (a passive effect ran one render late, and the first key was lost).
  useLayoutEffect(() => {
    if (!viewport.current || !content.current) return;
    const visible = measureElement(viewport.current).height;
    // A viewport squeezed to no rows (only the marker fits) lays its content out as 0 rows:
    // keep the rows measured before, or the marker would go and come back every render.
    const rows = visible === 0 && fit.rows > 0 ? fit.rows : measureElement(content.current).height;
    const next = { rows, visible };
    if (rows !== fit.rows || visible !== fit.visible) setFit(next);
    if (rows !== reported.current?.rows || visible !== reported.current.visible) {
      reported.current = next;
      onFit?.(next);
    }
  });
  const hidden = hiddenRows(fit);
  const top = Math.max(0, Math.min(offset, hidden));
  const marks = [top > 0 ? '↑ more' : '', top < hidden ? '↓ more' : ''].filter(Boolean).join(' · ');
  return (
    <Box flexDirection="column" flexShrink={1} overflow="hidden" minHeight={hidden > 0 ? 1 : 0}>
      <Box ref={viewport} flexDirection="column" flexShrink={1} overflow="hidden">
        <Box ref={content} flexDirection="column" flexShrink={0} marginTop={-top}>
          <Markdown source={source} />
        </Box>
      </Box>
      {hidden > 0 ? (
        <Box flexShrink={0}>
          <Text color={theme.muted} wrap="truncate-end">
            <Text bold color={theme.accent}>
              {marks}
            </Text>{' '}
            (↑ ↓ scroll the narration)
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
