/** `ocilab list`: the shipped scenarios (title, targets, budget), or with --actions the registered actions. */
import { Command } from 'commander';
import { loadActionRegistry } from './load-all-actions.js';
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
      // the actions of a scenario are checked when it runs. The build validated the shipped
      // files (catalog-index.ts); when they are not exactly those, they are loaded here.
      const { shippedScenarioFiles } = await import('../engine/scenario-files.js');
      const { indexedRows, listRow } = await import('../engine/catalog-index.js');
      let rows = indexedRows(shippedScenarioFiles());
      let invalid = 0;
      if (!rows) {
        rows = [];
        const { loadCatalog } = await import('../engine/catalog.js');
        for (const entry of loadCatalog(undefined)) {
          if ('error' in entry) {
            invalid++;
            process.stderr.write(`ocilab: invalid shipped scenario:\n${entry.error.message}\n`);
            continue;
          }
          rows.push(listRow(entry.scenario));
        }
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
