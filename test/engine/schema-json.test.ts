import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/actions.js';
import { loadCatalog } from '../../src/engine/catalog.js';
import { formatDuration, parseDuration } from '../../src/engine/duration.js';
import { interpolate } from '../../src/engine/interpolate.js';
import { scenarioJsonSchemaText } from '../../src/engine/scenario-json-schema.js';

describe('scenarios/schema.json', () => {
  it('is the current output of the zod definition (run `npm run schema` when this fails)', () => {
    const committed = readFileSync(new URL('../../scenarios/schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(scenarioJsonSchemaText(buildActionRegistry()));
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
