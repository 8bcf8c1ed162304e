/**
 * Narration Markdown rendered with Ink: marked's lexer gives the tokens, this file maps
 * them to <Text>/<Box>. Headings, emphasis, inline and block code, lists, quotes, links
 * and rules; anything else falls back to its raw text rather than disappearing.
 */
import { Box, Text, Transform } from 'ink';
import { lexer, type Token, type Tokens } from 'marked';
import { useMemo, type ReactNode } from 'react';
import { useTheme, type Theme } from '../theme.js';

export interface MarkdownProps {
  source: string;
}

/**
 * The narration keeps its natural height (flexShrink 0): the caller's box clips it
 * (overflow hidden). Were it allowed to shrink, Yoga would shrink its blocks, not the text
 * in them: a paragraph given fewer rows than it wraps to still prints every row, and the
 * next block (the blank row between blocks) lands on one of them, overwriting its first
 * column ("ocal reconciler" for "local reconciler" in a 100x30 talk).
 */
export function Markdown({ source }: MarkdownProps) {
  const theme = useTheme();
  const tokens = useMemo(() => lexer(source), [source]);
  return (
    <Box flexDirection="column" flexShrink={0}>
      {blocks(tokens, theme)}
    </Box>
  );
}

/**
 * Ink wraps text keeping the space it breaks at, so continuation rows start with one;
 * prose rows drop it (after any leading style codes). Code blocks are not passed here.
 */
const WRAP_SPACE = /^((?:\u001B\[[0-9;]*m)*) /;
function dropWrapSpace(line: string, index: number): string {
  return index === 0 ? line : line.replace(WRAP_SPACE, '$1');
}

function blocks(tokens: Token[], theme: Theme): ReactNode[] {
  const out: ReactNode[] = [];
  tokens.forEach((token, i) => {
    // A blank line between blocks reads better on a projector; none after the last one.
    if (token.type === 'space') {
      if (i > 0 && i < tokens.length - 1) out.push(<Text key={i}> </Text>);
      return;
    }
    const node = block(token, theme, i);
    if (node !== null) out.push(node);
  });
  return out;
}

function block(token: Token, theme: Theme, key: number): ReactNode {
  const t = token as Tokens.Generic;
  switch (t.type) {
    case 'space':
    case 'def':
      return null;
    case 'heading': {
      const h = token as Tokens.Heading;
      return (
        <Transform key={key} transform={dropWrapSpace}>
          <Text bold underline={h.depth <= 2} color={theme.heading}>
            {inline(h.tokens, theme)}
          </Text>
        </Transform>
      );
    }
    case 'paragraph':
      return (
        <Transform key={key} transform={dropWrapSpace}>
          <Text>{inline((token as Tokens.Paragraph).tokens, theme)}</Text>
        </Transform>
      );
    case 'text': {
      const text = token as Tokens.Text;
      return (
        <Transform key={key} transform={dropWrapSpace}>
          <Text>{text.tokens ? inline(text.tokens, theme) : text.text}</Text>
        </Transform>
      );
    }
    case 'code':
      return (
        <Box key={key} paddingLeft={2}>
          <Text color={theme.code}>{(token as Tokens.Code).text}</Text>
        </Box>
      );
    case 'list':
      return <List key={key} list={token as Tokens.List} theme={theme} />;
    case 'blockquote':
      return (
        <Box key={key} flexDirection="row">
          <Box flexShrink={0}>
            <Text color={theme.muted}>│ </Text>
          </Box>
          <Box flexDirection="column" flexShrink={1}>{blocks((token as Tokens.Blockquote).tokens, theme)}</Box>
        </Box>
      );
    case 'hr':
      return (
        <Text key={key} color={theme.muted}>
          ────────
        </Text>
      );
    default:
      return <Text key={key}>{t.text ?? t.raw}</Text>;
  }
}

function List({ list, theme }: { list: Tokens.List; theme: Theme }) {
  const start = typeof list.start === 'number' ? list.start : 1;
  return (
    <Box flexDirection="column">
      {list.items.map((item, i) => {
        const bullet = item.task ? (item.checked ? '[x]' : '[ ]') : list.ordered ? `${start + i}.` : '•';
        return (
          <Box key={i} flexDirection="row">
            {/* The bullet never shrinks: a shrunk bullet gave its column to the item's text, which
                then wrapped one column too wide and lost its last character to the pane's edge. */}
            <Box flexShrink={0}>
              <Text color={theme.accent}>{bullet} </Text>
            </Box>
            <Box flexDirection="column" flexShrink={1}>
              {blocks(item.tokens.filter((tk) => tk.type !== 'checkbox'), theme)}
            </Box>
          </Box>
        );
      })}
    </Box>
  );
}

function inline(tokens: Token[] | undefined, theme: Theme): ReactNode[] {
  return (tokens ?? []).map((token, key) => {
    const t = token as Tokens.Generic;
    switch (t.type) {
      case 'strong':
        return (
          <Text key={key} bold>
            {inline(t.tokens, theme)}
          </Text>
        );
      case 'em':
        return (
          <Text key={key} italic>
            {inline(t.tokens, theme)}
          </Text>
        );
      case 'del':
        return (
          <Text key={key} strikethrough>
            {inline(t.tokens, theme)}
          </Text>
        );
      case 'codespan':
        // Backticks stay visible: inline code must read as code without colour too.
        return (
          <Text key={key} color={theme.code}>
            `{(token as Tokens.Codespan).text}`
          </Text>
        );
      case 'link': {
        const link = token as Tokens.Link;
        const label = link.text;
        return (
          <Text key={key} underline color={theme.accent}>
            {inline(link.tokens, theme)}
            {label === link.href || link.href.startsWith('mailto:') ? '' : ` <${link.href}>`}
          </Text>
        );
      }
      case 'br':
        return <Text key={key}>{'\n'}</Text>;
      case 'text':
        // A soft line break is a space in Markdown: the paragraph re-wraps to the pane width.
        return <Text key={key}>{t.tokens ? inline(t.tokens, theme) : (t.text as string).replace(/\n/g, ' ')}</Text>;
      case 'escape':
        return <Text key={key}>{t.text as string}</Text>;
      default:
        return <Text key={key}>{(t.text as string | undefined) ?? t.raw}</Text>;
    }
  });
}
