/**
 * A parser for the Prometheus text exposition format (version 0.0.4), as controller-runtime
 * serves it on :8080/metrics: `# HELP`, `# TYPE`, and `name{label="value",...} value [ts]`
 * lines, with \\, \" and \n escapes in label values and NaN/+Inf/-Inf values.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface Exposition {
  samples: Sample[];
  /** metric family → counter | gauge | histogram | summary | untyped */
  types: Record<string, string>;
  help: Record<string, string>;
}

export class ExpositionParseError extends Error {
  constructor(line: number, problem: string, text: string) {
    super(`metrics line ${line}: ${problem}: ${text.slice(0, 120)}`);
    this.name = 'ExpositionParseError';
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

export function parseExposition(text: string): Exposition {
  const out: Exposition = { samples: [], types: {}, help: {} };
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(.*)$/.exec(line);
      if (m) (m[1] === 'TYPE' ? out.types : out.help)[m[2]!] = m[3]!;
      return;
    }
    out.samples.push(parseSample(line, i + 1));
  });
  return out;
}

function parseSample(line: string, lineNo: number): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new ExpositionParseError(lineNo, 'expected a metric name', line);
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      while (line[pos] === ' ' || line[pos] === ',') pos++;
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const key = NAME.exec(line.slice(pos))?.[0];
      if (!key) throw new ExpositionParseError(lineNo, 'expected a label name', line);
      pos += key.length;
      if (line[pos] !== '=' || line[pos + 1] !== '"') throw new ExpositionParseError(lineNo, `expected ="..." after ${key}`, line);
      pos += 2;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) throw new ExpositionParseError(lineNo, 'unterminated label value', line);
        pos++;
        if (c === '"') break;
        if (c === '\\') {
          const e = line[pos++];
          value += e === 'n' ? '\n' : (e ?? '');
        } else value += c;
      }
      labels[key] = value;
    }
  }
  const rest = line.slice(pos).trim().split(/\s+/);
  const value = parseValue(rest[0]);
  if (value === undefined) throw new ExpositionParseError(lineNo, 'expected a sample value', line);
  const sample: Sample = { name, labels, value };
  if (rest[1] !== undefined) sample.timestampMs = Number(rest[1]);
  return sample;
}

function parseValue(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

export interface Histogram {
  count: number;
  sum: number;
  /** Cumulative buckets in ascending `le`, the last being +Inf. */
  buckets: { le: number; count: number }[];
}

/** One histogram series (family `name`, labels matching `match` exactly on the given keys). */
export function histogram(exp: Exposition, name: string, match: Record<string, string>): Histogram | undefined {
  const matches = (s: Sample) => Object.entries(match).every(([k, v]) => s.labels[k] === v);
  const count = exp.samples.find((s) => s.name === `${name}_count` && matches(s));
  const sum = exp.samples.find((s) => s.name === `${name}_sum` && matches(s));
  if (!count || !sum) return undefined;
  const buckets = exp.samples
    .filter((s) => s.name === `${name}_bucket` && matches(s))
    .map((s) => ({ le: parseValue(s.labels.le) ?? NaN, count: s.value }))
    .sort((a, b) => a.le - b.le);
  return { count: count.value, sum: sum.value, buckets };
}

/** Difference of two readings of the same histogram (what happened between them). */
export function histogramDelta(before: Histogram | undefined, after: Histogram): Histogram {
  if (!before) return after;
  return {
    count: after.count - before.count,
    sum: after.sum - before.sum,
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (before.buckets.find((x) => x.le === b.le)?.count ?? 0) })),
  };
}
