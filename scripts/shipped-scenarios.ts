/** The shipped scenario files (scenarios/*.yaml) as docs/actions.md takes its examples from them, in name order. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ScenarioSource } from '../src/engine/action-docs.js';

export function shippedScenarioSources(): ScenarioSource[] {
  const dir = fileURLToPath(new URL('../scenarios/', import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ path: `scenarios/${f}`, text: readFileSync(`${dir}${f}`, 'utf8') }));
}
