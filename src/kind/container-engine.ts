/**
 * The docker or podman CLI: the few container operations the kind target needs.
 * Both CLIs take the same arguments for these; where their output differs (inspect
 * JSON, info templates) the parsing copes with both.
 */
import { ToolCommandError, classifyFailure } from './errors.js';
import type { CommandResult } from './exec.js';
import { Tool, failUnless, type CallOptions, type ToolOptions } from './tool.js';

export type EngineName = 'docker' | 'podman';

/** Label put on every container ocilab creates; cleanup removes exactly these. */
export const MANAGED_LABEL = 'io.ocilab.managed';

export interface ContainerInfo {
  name: string;
  image: string;
  running: boolean;
  labels: Record<string, string>;
  /** Names of the networks the container is attached to. */
  networks: string[];
  /** Published ports: "5000/tcp" → host bindings, e.g. [{hostIp: "127.0.0.1", hostPort: "5001"}]. */
  ports: Record<string, { hostIp: string; hostPort: string }[]>;
}

export interface EngineStatus {
  running: boolean;
  /** Server (daemon) version, when it answered. */
  serverVersion?: string;
  /** The engine's own message when it did not answer. */
  error?: string;
}

export interface RunSpec {
  name: string;
  image: string;
  /** `-p` values, e.g. "127.0.0.1:5001:5000". */
  publish?: string[];
  network?: string;
  restart?: 'always' | 'unless-stopped' | 'no';
  labels?: Record<string, string>;
  /** `-e NAME=value` (configuration only: never a secret, the command line is visible). */
  env?: Record<string, string>;
}

export class ContainerEngine {
  readonly tool: Tool;
  constructor(
    readonly name: EngineName,
    options: ToolOptions = {},
  ) {
    this.tool = new Tool(name, options);
  }

  /**
   * Is the daemon (docker) or the podman machine reachable? Always runs, even in dry-run.
   * docker: `version --format {{.Server.Version}}` fails with "Cannot connect to the Docker
   * daemon ..." on every client version (docker 20.10's `info --format` only prints a
   * template error instead). podman: `info --format {{.Version.Version}}`.
   */
  async status(call: CallOptions = {}): Promise<EngineStatus> {
    const args = this.name === 'docker' ? ['version', '--format', '{{.Server.Version}}'] : ['info', '--format', '{{.Version.Version}}'];
    const r = await this.tool.probe(args, call);
    const version = r.stdout.trim().split('\n')[0];
    if (r.exitCode === 0 && version) return { running: true, serverVersion: version };
    // The known line (e.g. "Cannot connect to the Docker daemon ...") wins over anything after it.
    const lines = (r.stderr.trim() || r.stdout.trim()).split('\n').filter(Boolean);
    const known = lines.find((l) => classifyFailure(l) !== 'unknown');
    return { running: false, error: known ?? lines.pop() ?? 'no answer' };
  }

  async clientVersion(call: CallOptions = {}): Promise<string | undefined> {
    const r = await this.tool.probe(['version', '--format', '{{.Client.Version}}'], call);
    return r.stdout.trim().split('\n')[0] || undefined;
  }

  /** The container, or undefined when there is none of that name (and in dry-run). */
  async inspect(name: string, call: CallOptions = {}): Promise<ContainerInfo | undefined> {
    const r = await this.tool.query(['container', 'inspect', name], call);
    if (!r) return undefined;
    if (r.exitCode !== 0 && classifyFailure(r.stderr) === 'no-such-container') return undefined;
    failUnless(r, (x) => x.exitCode === 0);
    return parseInspect(r.stdout, name);
  }

  async run(spec: RunSpec, call: CallOptions = {}): Promise<void> {
    const args = ['run', '-d'];
    if (spec.restart) args.push(`--restart=${spec.restart}`);
    for (const p of spec.publish ?? []) args.push('-p', p);
    if (spec.network) args.push('--network', spec.network);
    args.push('--name', spec.name);
    for (const [k, v] of Object.entries(spec.labels ?? {})) args.push('--label', `${k}=${v}`);
    for (const [k, v] of Object.entries(spec.env ?? {})) args.push('-e', `${k}=${v}`);
    args.push(spec.image);
    await this.tool.change(args, { timeoutMs: 120_000, ...call });
  }

  async start(name: string, call: CallOptions = {}): Promise<void> {
    await this.tool.change(['start', name], call);
  }

  /** `network connect`; a container already on the network counts as success. */
  async connect(network: string, container: string, call: CallOptions = {}): Promise<void> {
    try {
      await this.tool.change(['network', 'connect', network, container], call);
    } catch (err) {
      if ((err as { failure?: string }).failure === 'already-connected') return;
      throw err;
    }
  }

  /** Run a command inside a container (a change: recorded in dry-run). */
  async exec(container: string, argv: string[], call: CallOptions = {}): Promise<void> {
    const args = ['exec', ...(call.input !== undefined ? ['-i'] : []), container, ...argv];
    await this.tool.change(args, call);
  }

  /** Contents of a file inside a container, or undefined when missing (and in dry-run). */
  async readFile(container: string, path: string, call: CallOptions = {}): Promise<string | undefined> {
    const r = await this.tool.query(['exec', container, 'cat', path], call);
    if (!r) return undefined;
    if (r.exitCode === 0) return r.stdout;
    if (/No such file or directory/i.test(r.stderr)) return undefined;
    throw new ToolCommandError(r);
  }

  /** Names of all containers (running or not) carrying label key=value. */
  async listByLabel(key: string, value: string, call: CallOptions = {}): Promise<string[]> {
    const r = await this.tool.query(['ps', '-a', '--filter', `label=${key}=${value}`, '--format', '{{.Names}}'], call);
    if (!r) return [];
    failUnless(r, (x) => x.exitCode === 0);
    return lines(r);
  }

  /** `rm -f -v`: with its anonymous volumes (registry:3 declares VOLUME /var/lib/registry; `rm -f` alone left it behind). */
  async remove(name: string, call: CallOptions = {}): Promise<void> {
    await this.tool.change(['rm', '-f', '-v', name], call);
  }

  /** Names of all containers (running or not) attached to a network. */
  async containersOn(network: string, call: CallOptions = {}): Promise<string[]> {
    const r = await this.tool.query(['ps', '-a', '--filter', `network=${network}`, '--format', '{{.Names}}'], call);
    if (!r) return [];
    failUnless(r, (x) => x.exitCode === 0);
    return lines(r);
  }

  /** `network rm`; false when the network does not exist. */
  async removeNetwork(network: string, call: CallOptions = {}): Promise<boolean> {
    try {
      await this.tool.change(['network', 'rm', network], call);
      return true;
    } catch (err) {
      if (err instanceof ToolCommandError && /not found|no such network|network not known/i.test(err.message)) return false;
      throw err;
    }
  }

  /**
   * Gateway address of a network (the host as seen from kind nodes and pods on Linux,
   * where host.docker.internal does not resolve). Undefined in dry-run or when absent.
   */
  async networkGateway(network: string, call: CallOptions = {}): Promise<string | undefined> {
    const r = await this.tool.query(['network', 'inspect', network, '--format', '{{json .}}'], call);
    if (!r || r.exitCode !== 0) return undefined;
    const json = JSON.parse(r.stdout) as unknown;
    // podman 4.3 prints a one-element array even with --format '{{json .}}'; docker an object.
    const parsed = (Array.isArray(json) ? json[0] ?? {} : json) as Record<string, any>;
    // docker: IPAM.Config[].Gateway; podman: subnets[].gateway
    const configs: any[] = [...(parsed.IPAM?.Config ?? []), ...(parsed.subnets ?? [])];
    const ipv4 = configs.map((c) => c.Gateway ?? c.gateway).find((g) => typeof g === 'string' && g.includes('.'));
    return ipv4;
  }

  /** `save -o <file> <image>`: the image as a docker archive (what `kind load image-archive` reads). */
  async save(image: string, file: string, call: CallOptions = {}): Promise<void> {
    await this.tool.change(['save', '-o', file, image], { timeoutMs: 10 * 60_000, ...call });
  }

  /** `load -i <file>`: an archive `save` wrote back into the engine's store (offline, from prepare's cache). */
  async load(file: string, call: CallOptions = {}): Promise<void> {
    await this.tool.change(['load', '-i', file], { timeoutMs: 10 * 60_000, ...call });
  }

  /** Is the image in the engine's local store? (false in dry-run) */
  async hasImage(ref: string, call: CallOptions = {}): Promise<boolean> {
    const r = await this.tool.query(['image', 'inspect', '--format', '{{.Id}}', ref], call);
    if (!r) return false;
    if (r.exitCode === 0) return true;
    if (/No such image|image not known|No such object/i.test(r.stderr)) return false;
    failUnless(r, () => false);
    return false;
  }
}

function lines(r: CommandResult): string[] {
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** `docker|podman container inspect` JSON → ContainerInfo. */
export function parseInspect(stdout: string, name: string): ContainerInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new Error(`container inspect ${name}: output is not JSON: ${stdout.slice(0, 120)}`);
  }
  const first = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, any> | undefined;
  if (!first || typeof first !== 'object') throw new Error(`container inspect ${name}: empty result`);
  return {
    name: String(first.Name ?? name).replace(/^\//, ''),
    image: String(first.Config?.Image ?? first.ImageName ?? ''),
    running: first.State?.Running === true,
    labels: { ...(first.Config?.Labels ?? {}) },
    networks: Object.keys(first.NetworkSettings?.Networks ?? {}),
    ports: Object.fromEntries(
      Object.entries((first.NetworkSettings?.Ports ?? {}) as Record<string, { HostIp?: string; HostPort?: string }[] | null>).map(([k, v]) => [
        k,
        (v ?? []).map((b) => ({ hostIp: b.HostIp ?? '', hostPort: b.HostPort ?? '' })),
      ]),
    ),
  };
}
