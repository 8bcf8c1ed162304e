/** The variables every run has from its start, before any action sets one (the runner sets them). */
export const BUILTIN_VARS: Readonly<Record<string, string>> = {
  target: 'The run\'s target: local, kind or cluster.',
  'scenario.dir': 'The directory of the scenario file.',
  'run.workDir': 'The run\'s temporary work directory (removed when the run ends); `shell` runs there.',
};
