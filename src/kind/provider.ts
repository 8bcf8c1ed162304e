/**
 * Which container engine kind will drive: docker or podman, and whether it answers.
 * kind itself picks podman only when KIND_EXPERIMENTAL_PROVIDER=podman is set (or when
 * docker is absent and podman is present); we follow the same rule so the plan we show
 * is the one kind will run.
 */
import { ContainerEngine, type EngineName, type EngineStatus } from './container-engine.js';
import { ToolMissingError, type CommandRunner } from './exec.js';

export interface EngineProbe extends EngineStatus {
  engine: EngineName;
  installed: boolean;
  clientVersion?: string;
}

export interface ProviderDetection {
  /** The engine kind will use, or undefined when neither is installed. */
  engine?: EngineName;
  /** Why this engine was chosen, in one sentence. */
  reason: string;
  /** Usable = installed and answering. */
  usable: boolean;
  probes: EngineProbe[];
}

export interface DetectOptions {
  env?: NodeJS.ProcessEnv;
  runner?: CommandRunner;
  signal?: AbortSignal;
}

export async function probeEngine(engine: EngineName, opts: DetectOptions = {}): Promise<EngineProbe> {
  const cli = new ContainerEngine(engine, { runner: opts.runner, signal: opts.signal, timeoutMs: 15_000 });
  try {
    const clientVersion = await cli.clientVersion();
    const status = await cli.status();
    return { engine, installed: true, clientVersion, ...status };
  } catch (err) {
    if (err instanceof ToolMissingError) return { engine, installed: false, running: false, error: err.message };
    throw err;
  }
}

export async function detectProvider(opts: DetectOptions = {}): Promise<ProviderDetection> {
  const env = opts.env ?? process.env;
  const forced = env.KIND_EXPERIMENTAL_PROVIDER;
  if (forced === 'podman' || forced === 'docker') {
    const probe = await probeEngine(forced, opts);
    return {
      engine: forced,
      reason: `KIND_EXPERIMENTAL_PROVIDER=${forced}`,
      usable: probe.installed && probe.running,
      probes: [probe],
    };
  }
  const docker = await probeEngine('docker', opts);
  if (docker.installed && docker.running) {
    return { engine: 'docker', reason: 'docker is installed and its daemon answers', usable: true, probes: [docker] };
  }
  const podman = await probeEngine('podman', opts);
  const probes = [docker, podman];
  if (docker.installed) {
    // kind uses docker whenever the docker CLI exists, even if its daemon is down.
    const hint = podman.installed && podman.running ? '; podman works: set KIND_EXPERIMENTAL_PROVIDER=podman' : '';
    return { engine: 'docker', reason: `docker is installed but its daemon does not answer${hint}`, usable: false, probes };
  }
  if (podman.installed) {
    return {
      engine: 'podman',
      reason: podman.running ? 'podman is installed (docker is not)' : 'podman is installed but does not answer',
      usable: podman.running,
      probes,
    };
  }
  return { reason: 'neither docker nor podman is installed', usable: false, probes };
}
