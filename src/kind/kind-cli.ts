/**
 * The `kind` CLI: list/create/delete clusters, list nodes, load images. With podman the
 * provider is selected the way kind documents it, KIND_EXPERIMENTAL_PROVIDER=podman.
 */
import { ToolCommandError } from './errors.js';
import type { EngineName } from './container-engine.js';
import { Tool, failUnless, type CallOptions, type ToolOptions } from './tool.js';

export const DEFAULT_CLUSTER_NAME = 'ocilab';

export interface CreateClusterOptions {
  name: string;
  /** Path of a kind Cluster config file (see cluster/kind-config.yaml). */
  configPath?: string;
  /** `--wait` duration for the control plane, e.g. "120s". */
  wait?: string;
  /** Node image, e.g. kindest/node:v1.34.0 (preloaded for offline demos). */
  image?: string;
}

/** The environment kind needs to drive the given engine. */
export function kindEnv(engine: EngineName): Record<string, string> {
  return engine === 'podman' ? { KIND_EXPERIMENTAL_PROVIDER: 'podman' } : {};
}

/**
 * kind reads KIND_EXPERIMENTAL_PROVIDER from its environment before auto-detecting: a value
 * left in the user's shell (e.g. podman) would make kind drive another engine than the one
 * ocilab chose. For docker it is removed rather than set, so kind's plain docker path runs.
 */
function kindUnsetEnv(engine: EngineName): string[] {
  return engine === 'docker' ? ['KIND_EXPERIMENTAL_PROVIDER'] : [];
}

export class KindCli {
  readonly tool: Tool;
  constructor(engine: EngineName, options: ToolOptions = {}) {
    this.tool = new Tool('kind', { ...options, env: { ...options.env, ...kindEnv(engine) }, unsetEnv: [...(options.unsetEnv ?? []), ...kindUnsetEnv(engine)] });
  }

  async version(call: CallOptions = {}): Promise<string | undefined> {
    const r = await this.tool.probe(['version'], call);
    // "kind v0.32.0 go1.24.6 linux/amd64"
    return /kind (v\d+\.\d+\.\d+\S*)/.exec(r.stdout)?.[1];
  }

  /** Cluster names (empty in dry-run). "No kind clusters found." goes to stderr, stdout stays empty. */
  async getClusters(call: CallOptions = {}): Promise<string[]> {
    const r = await this.tool.query(['get', 'clusters'], call);
    if (!r) return [];
    failUnless(r, (x) => x.exitCode === 0);
    return splitLines(r.stdout);
  }

  /** Node container names of a cluster (empty in dry-run or when it has none). */
  async getNodes(name: string, call: CallOptions = {}): Promise<string[]> {
    const r = await this.tool.query(['get', 'nodes', '--name', name], call);
    if (!r) return [];
    failUnless(r, (x) => x.exitCode === 0);
    return splitLines(r.stdout);
  }

  /**
   * `kind create cluster`. Returns false when kind says the cluster already exists
   * (someone created it between our check and this call): the caller reuses it.
   */
  async createCluster(opts: CreateClusterOptions, call: CallOptions = {}): Promise<boolean> {
    const args = ['create', 'cluster', '--name', opts.name];
    if (opts.image) args.push('--image', opts.image);
    if (opts.configPath) args.push('--config', opts.configPath);
    if (opts.wait) args.push('--wait', opts.wait);
    try {
      await this.tool.change(args, { timeoutMs: 10 * 60_000, ...call });
      return true;
    } catch (err) {
      if (err instanceof ToolCommandError && err.failure === 'cluster-exists') return false;
      throw err;
    }
  }

  /** `kind delete cluster` (kind exits 0 for a cluster that does not exist). */
  async deleteCluster(name: string, call: CallOptions = {}): Promise<void> {
    await this.tool.change(['delete', 'cluster', '--name', name], { timeoutMs: 5 * 60_000, ...call });
  }

  async loadDockerImage(images: string[], name: string, call: CallOptions = {}): Promise<void> {
    if (images.length === 0) return;
    await this.tool.change(['load', 'docker-image', ...images, '--name', name], { timeoutMs: 10 * 60_000, ...call });
  }

  async loadImageArchive(archivePath: string, name: string, call: CallOptions = {}): Promise<void> {
    await this.tool.change(['load', 'image-archive', archivePath, '--name', name], { timeoutMs: 10 * 60_000, ...call });
  }
}

function splitLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
