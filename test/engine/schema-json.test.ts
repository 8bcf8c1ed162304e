import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/actions.js';
import { loadCatalog } from '../../src/engine/catalog.js';
import { formatDuration, parseDuration } from '../../src/engine/duration.js';
import { interpolate } from '../../src/engine/interpolate.js';
import { scenarioJsonSchema, scenarioJsonSchemaText } from '../../src/engine/scenario-json-schema.js';

describe('scenarios/schema.json', () => {
  it('is the current output of the zod definition (run `npm run schema` when this fails)', () => {
    const committed = readFileSync(new URL('../../scenarios/schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(scenarioJsonSchemaText(buildActionRegistry()));
  });

  it('describes every argument of every action (editors show it on hover)', () => {
    const schema = scenarioJsonSchema(buildActionRegistry()) as { $defs: { Action: { anyOf: { properties: Record<string, unknown> }[] } } };
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      for (const k of ['anyOf', 'oneOf', 'allOf']) for (const o of (n[k] as unknown[] | undefined) ?? []) walk(o, path);
      for (const [name, prop] of Object.entries((n.properties as Record<string, unknown> | undefined) ?? {})) {
        if (typeof (prop as { description?: unknown }).description !== 'string') missing.push(`${path}.${name}`);
        walk(prop, `${path}.${name}`);
      }
      walk(n.items, `${path}[]`);
      walk(n.additionalProperties, `${path}{}`);
    };
    const options = schema.$defs.Action.anyOf;
    for (const option of options) for (const [name, args] of Object.entries(option.properties)) walk(args, name);
    expect(missing).toEqual([]);
    expect(options.length).toBe(buildActionRegistry().names().length);
  });

  it('lists every registered action', () => {
    const text = scenarioJsonSchemaText(buildActionRegistry());
    for (const name of buildActionRegistry().names()) expect(text).toContain(`"${name}"`);
  });
});

describe('shipped scenarios', () => {
  it('all load without errors', () => {
    const catalog = loadCatalog(buildActionRegistry());
    expect(catalog.map((e) => ('error' in e ? e.error.message : 'ok'))).toEqual(catalog.map(() => 'ok'));
    expect(catalog.length).toBeGreaterThan(0);
  });
});

describe('durations and interpolation', () => {
  it.each([
    ['90s', 90_000],
    ['25m', 1_500_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['25 minutes', undefined],
    ['', undefined],
  ])('parseDuration(%j) = %j', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([
    [850, '850ms'],
    [4200, '4.2s'],
    [42_000, '42s'],
    [65_000, '1m 05s'],
    [120_000, '2m'],
    [5_400_000, '1h 30m'],
  ])('formatDuration(%j) = %j', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('interpolates nested strings and leaves other values alone', () => {
    expect(interpolate({ a: ['${x}', 1, true], b: { c: 'pre-${x}-post' } }, { x: 'v' })).toEqual({ a: ['v', 1, true], b: { c: 'pre-v-post' } });
  });
});
