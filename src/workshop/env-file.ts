/**
 * The env file a learner sources in their own terminal, so the commands the workshop
 * prints work by copy-paste: the run's registry, Git server and work dir, and an `ocilab`
 * shell function pointing at this very CLI.
 */
import { writeFileAtomic } from '../process/write-file-atomic.js';

/** Run variable → environment variable written to the file. */
export const ENV_VARS: [string, string][] = [
  ['registry.host', 'OCILAB_REGISTRY'],
  ['registry.url', 'OCILAB_REGISTRY_URL'],
  ['git.url', 'OCILAB_GIT_URL'],
  ['git.repo.url', 'OCILAB_GIT_REPO'],
  ['run.workDir', 'OCILAB_WORKDIR'],
  ['workshop.keys', 'OCILAB_KEYS'],
];

/** POSIX single-quoting. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function renderEnvFile(vars: Record<string, string>, cli: string | undefined, scenarioId: string): string {
  const lines = [`# ocilab ${scenarioId}: source this file in your terminal (bash/zsh). Written at each start.`];
  for (const [name, env] of ENV_VARS) {
    if (vars[name] !== undefined) lines.push(`export ${env}=${shellQuote(vars[name])}`);
  }
  if (cli) lines.push(`ocilab() { ${shellQuote(process.execPath)} ${shellQuote(cli)} "$@"; }`);
  return `${lines.join('\n')}\n`;
}

export function writeEnvFile(file: string, vars: Record<string, string>, cli: string | undefined, scenarioId: string): string[] {
  writeFileAtomic(file, renderEnvFile(vars, cli, scenarioId));
  return ENV_VARS.filter(([name]) => vars[name] !== undefined).map(([name, env]) => `${env}=${vars[name]}`);
}
