/**
 * The errors of loading a scenario, in a module of their own: the CLI's entry point maps them
 * to exit code 2 without importing the YAML parser and the schema (src/engine/scenario-load.ts
 * and catalog.ts, which throw them, re-export them).
 */

export interface LocatedProblem {
  file: string;
  line: number;
  col: number;
  field: string;
  message: string;
}

export class ScenarioLoadError extends Error {
  constructor(readonly problems: LocatedProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ScenarioLoadError';
  }
}

export function formatProblem(p: LocatedProblem): string {
  return p.field ? `${p.file}:${p.line}:${p.col}: ${p.field}: ${p.message}` : `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** `ocilab run <ref>`: neither a shipped scenario nor a file. */
export class UnknownScenarioError extends Error {}
