/**
 * Limits checked on a scenario's text before the YAML parser sees it, so a hostile or broken
 * file costs next to nothing: a size cap, and a nesting-depth cap found by one linear scan
 * (the parser, its composer and toJS recurse per level; 2 MB of `[` took 13–21 s and 1.2 GB
 * and then overflowed the stack). Aliases are bounded separately (scenario-load.ts).
 */

/** Largest scenario file read, in bytes (real scenarios are a few tens of KiB). */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
/** Deepest nesting of mappings and sequences (block or flow) accepted. Real scenarios stay under 15. */
export const MAX_SCENARIO_DEPTH = 64;
/** Most nodes the document may stand for once every alias is expanded (a "billion laughs" guard). */
export const MAX_EXPANDED_NODES = 100_000;

export interface DepthProblem {
  /** 0-based offset into the text. */
  offset: number;
  depth: number;
}

const BLOCK_SCALAR = /(?:^|[\s:-])[|>][0-9+-]*\s*(?:#.*)?$/;

/**
 * The first place the nesting goes deeper than `max`, or undefined. One pass, linear in the
 * text: block levels from indentation and compact `- `/`? ` indicators and `key:` on a line,
 * flow levels from brackets outside quoted scalars and comments. Block scalar contents (after
 * `|` or `>`) are skipped. A guard, not a parser: on odd input it may be off by a level, which
 * the margin between MAX_SCENARIO_DEPTH and real scenarios absorbs.
 */
export function findExcessiveDepth(text: string, max = MAX_SCENARIO_DEPTH): DepthProblem | undefined {
  const indents: number[] = []; // block levels open, by column
  let flow = 0; // open [ and { (may span lines)
  let quote: '"' | "'" | undefined; // open quoted scalar inside flow (may span lines)
  let blockScalarParent: number | undefined; // skip lines indented deeper than this
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    let i = 0;
    while (i < line.length && line[i] === ' ') i++;
    const blank = i === line.length || line[i] === '#' || line[i] === '\r';
    if (blockScalarParent !== undefined && (blank || i > blockScalarParent)) {
      lineStart = lineEnd + 1;
      continue;
    }
    blockScalarParent = undefined;
    if (blank && flow === 0 && !quote) {
      lineStart = lineEnd + 1;
      continue;
    }
    if (flow === 0 && !quote) {
      while (indents.length > 0 && indents[indents.length - 1]! >= i) indents.pop();
      const indent = i;
      // compact indicators: `- - - x`, `? key`
      while ((line[i] === '-' || line[i] === '?') && (i + 1 === line.length || line[i + 1] === ' ')) {
        indents.push(i);
        i += 1;
        while (line[i] === ' ') i++;
      }
      if (/^[^\s#'"[{][^#]*?:(?:\s|$)/.test(line.slice(i)) || /^["'][^"']*["']\s*:(?:\s|$)/.test(line.slice(i))) indents.push(i);
      if (indents.length > max) return { offset: lineStart + indent, depth: indents.length };
      if (BLOCK_SCALAR.test(line)) blockScalarParent = indent;
      // a flow collection may start only where a value starts
      const value = /^(?:[^\s#'"[{][^#]*?:\s+|["'][^"']*["']\s*:\s+)?(?=[[{])/.exec(line.slice(i));
      if (!value) {
        lineStart = lineEnd + 1;
        continue;
      }
      i += value[0].length;
    }
    let prev = '['; // what precedes the current char, for where a quoted scalar may start
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (quote) {
        if (quote === '"' && c === '\\') i++;
        else if (c === quote) {
          if (quote === "'" && line[i + 1] === "'") i++;
          else quote = undefined;
        }
        continue;
      }
      if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) break;
      if ((c === '"' || c === "'") && '[{,:'.includes(prev)) quote = c;
      else if (c === '[' || c === '{') {
        flow += 1;
        if (indents.length + flow > max) return { offset: lineStart + i, depth: indents.length + flow };
      } else if ((c === ']' || c === '}') && flow > 0) flow -= 1;
      if (c !== ' ' && c !== '\t') prev = c;
      if (flow === 0 && !quote) break;
    }
    lineStart = lineEnd + 1;
  }
  return undefined;
}
