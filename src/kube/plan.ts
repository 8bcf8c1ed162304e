/**
 * A dry-run plan: the ordered list of what ocilab would do to the machine and the cluster.
 * When a Plan is handed to the kind/docker wrappers or the kube client, they record each
 * change here instead of executing it, so `--dry-run` prints exactly what a real run
 * would do and a golden test of a scenario's plan is a string comparison.
 *
 * Read-only queries (inspect, list, get) are not recorded and, in dry-run, are answered
 * as on a fresh machine (nothing exists), which keeps plans deterministic.
 */
import { stringify } from 'yaml';

export type PlanStep =
  | {
      kind: 'command';
      /** argv[0] is the tool (docker, podman, kind); no shell is ever involved. */
      argv: string[];
      /** Environment variables the command needs beyond the inherited ones. */
      env?: Record<string, string>;
      /** Text fed on stdin (e.g. a hosts.toml written with `cp /dev/stdin`). */
      stdin?: string;
      note?: string;
    }
  | {
      kind: 'apply';
      /** The object as YAML, exactly as it would be sent with server-side apply. */
      yaml: string;
      note?: string;
    }
  | {
      /** A scenario action the engine did not call in dry-run (it acts inside ocilab, not on the target). */
      kind: 'action';
      display: string;
      note?: string;
    }
  | {
      kind: 'request';
      /** A non-apply API request (reconcile annotation, delete), e.g. PATCH /apis/... */
      method: string;
      path: string;
      body?: string;
      note?: string;
    };

export class Plan {
  readonly steps: PlanStep[] = [];

  command(argv: readonly string[], extra: { env?: Record<string, string>; stdin?: string; note?: string } = {}): void {
    const step: PlanStep = { kind: 'command', argv: [...argv] };
    if (extra.env && Object.keys(extra.env).length > 0) step.env = { ...extra.env };
    if (extra.stdin !== undefined) step.stdin = extra.stdin;
    if (extra.note) step.note = extra.note;
    this.steps.push(step);
  }

  apply(object: unknown, note?: string): void {
    const yaml = typeof object === 'string' ? object : stringify(redactSecret(object), { lineWidth: 0 });
    this.steps.push(note ? { kind: 'apply', yaml, note } : { kind: 'apply', yaml });
  }

  request(method: string, path: string, body?: string, note?: string): void {
    const step: PlanStep = { kind: 'request', method, path };
    if (body !== undefined) step.body = body;
    if (note) step.note = note;
    this.steps.push(step);
  }

  action(display: string, note?: string): void {
    this.steps.push(note ? { kind: 'action', display, note } : { kind: 'action', display });
  }

  /** Human-readable rendering for `--dry-run` output and golden files. */
  toText(): string {
    return this.steps.map(renderStep).join('\n');
  }
}

/**
 * Plans are printed and may be saved as golden files: a Secret's values are replaced by
 * their size, except public keys (`*.pub`, what Flux reads for cosign), which are not secret.
 */
export function redactSecret(object: unknown): unknown {
  const o = object as { kind?: string; data?: Record<string, string>; stringData?: Record<string, string> };
  if (o?.kind !== 'Secret') return object;
  const redact = (values: Record<string, string> | undefined, base64: boolean) =>
    values &&
    Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, k.endsWith('.pub') ? v : `<redacted: ${base64 ? Buffer.from(v, 'base64').length : Buffer.byteLength(v)} bytes>`]),
    );
  const copy: Record<string, unknown> = { ...o };
  if (o.data) copy.data = redact(o.data, true);
  if (o.stringData) copy.stringData = redact(o.stringData, false);
  return copy;
}

/** Quote an argument the way a reader would paste it into a POSIX shell. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function renderStep(step: PlanStep): string {
  const note = step.note ? `# ${step.note}\n` : '';
  switch (step.kind) {
    case 'command': {
      const env = Object.entries(step.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)} `).join('');
      const cmd = `$ ${env}${step.argv.map(shellQuote).join(' ')}`;
      const stdin = step.stdin !== undefined ? `\n  <<stdin\n${indent(step.stdin.replace(/\n$/, ''))}\n  stdin` : '';
      return `${note}${cmd}${stdin}`;
    }
    case 'apply':
      return `${note}apply (server-side, fieldManager ocilab):\n${indent(step.yaml.trimEnd())}`;
    case 'action':
      return `${note}action ${step.display}`;
    case 'request':
      return `${note}${step.method} ${step.path}${step.body !== undefined ? `\n${indent(step.body)}` : ''}`;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
}
