/**
 * `${name}` in action arguments, replaced at run time from the run's vars and params.
 *
 * Rules (documented in docs/foundation.md):
 * - a name that is a run variable or param is replaced by its value;
 * - `$${name}` is a literal `${name}`;
 * - an unknown name containing a dot (`${registry.url}`) is an error: it is meant for
 *   ocilab (bash cannot expand dotted names), so a typo fails loudly;
 * - other unknown names (`${HOME}`) are left alone for the shell to expand.
 * Display text (a step's show, say, notes, hints) uses interpolateKnown: nothing throws there.
 */
const REF = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

export class InterpolationError extends Error {}

export function interpolateString(text: string, vars: Record<string, string>): string {
  return text.replace(REF, (whole, escape: string, name: string) => {
    if (escape) return whole.slice(1);
    if (Object.hasOwn(vars, name)) return vars[name]!;
    if (name.includes('.')) {
      throw new InterpolationError(`unknown variable \${${name}} (set so far: ${Object.keys(vars).sort().join(', ') || 'none'})`);
    }
    return whole;
  });
}

/**
 * For text shown to people: names known so far are replaced, `$${name}` is `${name}`, and
 * any other name (not set yet, or a typo) stays as written. Never throws.
 */
export function interpolateKnown(text: string, vars: Record<string, string>): string {
  return text.replace(REF, (whole, escape: string, name: string) => {
    if (escape) return whole.slice(1);
    return Object.hasOwn(vars, name) ? vars[name]! : whole;
  });
}

/** The variable names `text` refers to (`${name}`; an escaped `$${name}` included: it never changes, so it costs nothing extra). */
export function referencedNames(text: string): string[] {
  return [...text.matchAll(REF)].map((m) => m[2]!);
}

/** The names `text` refers to that interpolation replaces (`${name}`; an escaped `$${name}` left out). */
export function interpolatedNames(text: string): string[] {
  return [...text.matchAll(REF)].filter((m) => !m[1]).map((m) => m[2]!);
}

/** Interpolate every string inside `value` (arrays and plain objects walked), returning a copy. */
export function interpolate<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') return interpolateString(value, vars) as T;
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, vars);
    return out as T;
  }
  return value;
}
