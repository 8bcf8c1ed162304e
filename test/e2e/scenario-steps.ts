/**
 * What the e2e tests expect of a shipped scenario, read from its YAML at run time (others
 * add steps to scenarios/git-vs-oci.yaml: no step count or title is hard-coded in a test).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/built-cli.js';

export interface ScenarioStep {
  id: string;
  title: string;
  say?: string;
  notes?: string;
}

export interface ScenarioFacts {
  title: string;
  steps: ScenarioStep[];
}

export function scenarioFacts(id: string): ScenarioFacts {
  const doc = parse(readFileSync(join(repoRoot, 'scenarios', `${id}.yaml`), 'utf8')) as ScenarioFacts;
  return { title: doc.title, steps: doc.steps.map(({ id: stepId, title, say, notes }) => ({ id: stepId, title, say, notes })) };
}
