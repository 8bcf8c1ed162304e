/** `ocilab doctor`: which tools and versions are present for each target, and what is missing. */
import { Command } from 'commander';
import type { TargetName } from '../engine/action.js';
import { TARGETS } from '../engine/scenario-names.js';
import { diagnose, type TargetReport } from './doctor-probes.js';
import { colorEnabled, painter } from '../plain/color.js';
import { EXIT, UsageError } from './exit-codes.js';

export function formatReport(reports: TargetReport[], color: boolean): string {
  const paint = painter(color);
  let out = '';
  for (const r of reports) {
    const state = r.ready ? paint('green', 'ready') : paint('red', `not ready: needs ${r.missing.join(', ')}`);
    out += `${paint('bold', r.target)}: ${state}\n`;
    for (const { requirement, results, satisfied } of r.requirements) {
      for (const res of results) {
        const mark = res.found ? paint('green', 'ok') : requirement.optional || satisfied ? paint('yellow', '--') : paint('red', 'NO');
        const what = res.found ? (res.version ?? 'present') : (res.detail ?? 'not found');
        const extra = res.found && res.detail ? ` (${res.detail})` : '';
        const opt = requirement.optional ? ' [optional]' : '';
        out += `  ${mark} ${res.name}: ${what}${extra}${opt}: ${requirement.why}\n`;
      }
    }
    for (const c of r.checks ?? []) {
      const mark = c.ok ? paint('green', 'ok') : c.required ? paint('red', 'NO') : paint('yellow', '--');
      out += `  ${mark} ${c.label}: ${c.detail}${c.required ? '' : ' [optional]'}\n`;
      if (!c.ok && c.fix) out += `       fix: ${c.fix}\n`;
    }
  }
  return out;
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('show which tools and versions each target needs, has, and lacks')
    .option('-t, --target <target>', `check one target (${TARGETS.join(', ')}); exit 1 unless it is ready`)
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nWithout --target every target is reported and the exit code is that of `local`.')
    .action(async (opts: { target?: string; json?: boolean }) => {
      if (opts.target !== undefined && !(TARGETS as readonly string[]).includes(opts.target)) {
        throw new UsageError(`--target must be one of ${TARGETS.join(', ')}, got "${opts.target}"`);
      }
      const targets = opts.target ? [opts.target as TargetName] : [...TARGETS];
      const reports = await diagnose(targets);
      if (opts.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
      else process.stdout.write(formatReport(reports, colorEnabled(process.stdout)));
      const decisive = reports.find((r) => r.target === (opts.target ?? 'local'))!;
      process.exitCode = decisive.ready ? EXIT.ok : EXIT.failed;
    });
}
