/** `ocilab list`: the shipped scenarios (title, targets, budget), or with --actions the registered actions. */
import { Command } from 'commander';
import { loadActionRegistry } from './action-registry.js';
import { EXIT } from './exit-codes.js';

export function listCommand(): Command {
  return new Command('list')
    .description('list the shipped scenarios with their title, targets and duration budget')
    .option('--actions', 'list the actions scenario steps can use instead')
    .option('--json', 'machine-readable output')
    .action(async (opts: { actions?: boolean; json?: boolean }) => {
      const out = (text: string) => process.stdout.write(text);
      if (opts.actions) {
        const actions = (await loadActionRegistry()).all().map((a) => ({ name: a.name, description: a.description }));
        if (opts.json) out(`${JSON.stringify(actions, null, 2)}\n`);
        else for (const a of actions) out(`${a.name}\n  ${a.description}\n`);
        return;
      }
      // Titles, targets and step counts need no action registry (every area's code, ~1 s):
      // the actions of a scenario are checked when it runs.
      const { loadCatalog } = await import('../engine/catalog.js');
      const catalog = loadCatalog(undefined);
      let invalid = 0;
      const rows = [];
      for (const entry of catalog) {
        if ('error' in entry) {
          invalid++;
          process.stderr.write(`ocilab: invalid shipped scenario:\n${entry.error.message}\n`);
          continue;
        }
        const s = entry.scenario;
        rows.push({ id: s.id, title: s.title, summary: s.summary, targets: s.targets, budget: s.budget, steps: s.steps.length });
      }
      if (opts.json) out(`${JSON.stringify(rows, null, 2)}\n`);
      else {
        for (const r of rows) {
          out(`${r.id}\n  ${r.title}\n  targets: ${r.targets.join(', ')}; budget ${r.budget}; ${r.steps} steps\n  ${r.summary}\n`);
        }
      }
      if (invalid > 0) process.exitCode = EXIT.usage;
    });
}
