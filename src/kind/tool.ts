/**
 * One external CLI (kind, docker or podman) bound to its options: queries run (or, in
 * dry-run, answer "nothing there"), changes run and throw a ToolCommandError on failure
 * (or, in dry-run, are written to the Plan and not executed).
 */
import type { Plan } from '../kube/plan.js';
import { ToolCommandError } from './errors.js';
import { runCommand, type CommandResult, type CommandRunner } from './exec.js';

export interface ToolOptions {
  /** When set, changes are recorded here instead of executed (`--dry-run`). */
  plan?: Plan;
  /** Stands in for the spawner; defaults to runCommand. */
  runner?: CommandRunner;
  /** Environment the tool needs (e.g. KIND_EXPERIMENTAL_PROVIDER); shown in plans. */
  env?: Record<string, string>;
  /** Variables removed from the inherited environment when the tool runs (not shown in plans). */
  unsetEnv?: string[];
  signal?: AbortSignal;
  /** Default timeout for queries; changes pass their own. */
  timeoutMs?: number;
  /** One line per command run, for the live pane. */
  log?: (line: string) => void;
}

export interface CallOptions {
  input?: string;
  timeoutMs?: number;
  note?: string;
  signal?: AbortSignal;
}

export const QUERY_TIMEOUT_MS = 30_000;

export class Tool {
  constructor(
    readonly binary: string,
    readonly options: ToolOptions = {},
  ) {}

  get dryRun(): boolean {
    return this.options.plan !== undefined;
  }

  /** A read-only command. Returns undefined in dry-run (a fresh machine has nothing). */
  async query(args: string[], call: CallOptions = {}): Promise<CommandResult | undefined> {
    if (this.dryRun) return undefined;
    return this.exec(args, call, call.timeoutMs ?? this.options.timeoutMs ?? QUERY_TIMEOUT_MS);
  }

  /** A command that changes something. Throws ToolCommandError on a non-zero exit. */
  async change(args: string[], call: CallOptions = {}): Promise<CommandResult | undefined> {
    const argv = [this.binary, ...args];
    if (this.options.plan) {
      this.options.plan.command(argv, { env: this.options.env, stdin: call.input, note: call.note });
      return undefined;
    }
    const result = await this.exec(args, call, call.timeoutMs);
    if (result.exitCode !== 0) throw new ToolCommandError(result);
    return result;
  }

  /** Run regardless of dry-run (version probes for doctor). */
  async probe(args: string[], call: CallOptions = {}): Promise<CommandResult> {
    return this.exec(args, call, call.timeoutMs ?? this.options.timeoutMs ?? QUERY_TIMEOUT_MS);
  }

  private exec(args: string[], call: CallOptions, timeoutMs: number | undefined): Promise<CommandResult> {
    const argv = [this.binary, ...args];
    this.options.log?.(`$ ${argv.join(' ')}`);
    const run = this.options.runner ?? runCommand;
    const unset = Object.fromEntries((this.options.unsetEnv ?? []).map((v) => [v, undefined]));
    return run(argv, {
      env: { ...unset, ...this.options.env },
      input: call.input,
      timeoutMs,
      signal: call.signal ?? this.options.signal,
    });
  }
}

/** Throw the classified error for a query that failed for a reason other than "absent". */
export function failUnless(result: CommandResult, ok: (r: CommandResult) => boolean): void {
  if (!ok(result)) throw new ToolCommandError(result);
}
