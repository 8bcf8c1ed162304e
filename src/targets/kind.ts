/**
 * The kind target: the `registry:3` container wired into a kind cluster as kind's
 * local-registry guide does (src/kind), real Flux controllers installed in it, Flux objects
 * applied with the Kubernetes API. The cluster outlives the run (a speaker's next run starts
 * warm); `ocilab cleanup --target kind` removes it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { TargetName } from '../engine/action-definition.js';
import { FLUX_NAMESPACE } from '../flux/types.js';
import { ContainerEngine, type EngineName } from '../kind/container-engine.js';
import type { CommandRunner } from '../kind/exec.js';
import { DEMO_APP_IMAGE, FLUX_CONTROLLER_IMAGES } from '../kind/images.js';
import { DEFAULT_CLUSTER_NAME, KindCli } from '../kind/kind-cli.js';
import { ClusterOwnership } from '../kind/ownership.js';
import { detectProvider } from '../kind/provider.js';
import { KIND_REGISTRY, registryHostAlias, registryInClusterHost } from '../kind/registry.js';
import { ensureKindWithRegistry, loadStoreImages } from '../kind/setup.js';
import { Tool } from '../kind/tool.js';
import { applyObject, type ApplicableObject } from '../kube/apply.js';
import { KubeClient, loadKubeConfig } from '../kube/client.js';
import type { Plan } from '../kube/plan.js';
import { defaultCacheDir, fluxManifestsFile, imageArchiveName, imagesDir } from './cache.js';
import { fluxPresence, installFlux } from './flux-install.js';
import { KubeTarget } from './kube-target.js';
import type { LocalGitServer, StartLocalGitServer } from './local.js';
import { TargetError, withOwnershipLabel, type Endpoint, type PrepareReport, type RegistryEndpoint, type ServerName, type TargetContext, type TargetObject } from './target.js';

export interface KindTargetOptions {
  clusterName?: string;
  plan?: Plan;
  /** Stands in for the process spawner (tests point it at the fake CLIs). */
  runner?: CommandRunner;
  /** docker or podman; default: what kind itself would pick (detectProvider). */
  engine?: EngineName;
  env?: NodeJS.ProcessEnv;
  ownership?: ClusterOwnership;
  cacheDir?: string;
  /** kind Cluster config; default $OCILAB_KIND_CONFIG, else cluster/kind-config.yaml. */
  configPath?: string;
  /** `kind create cluster --image`; default $OCILAB_KIND_NODE_IMAGE, else kind's own default. */
  nodeImage?: string;
  kubeconfigPath?: string;
  /**
   * Git base URL as the cluster reaches it. Default: ocilab's Git server, bound to the kind
   * network's gateway (`docker network inspect kind`), serving `<workDir>/fixtures`.
   */
  gitUrl?: string;
  /** Starts ocilab's Git server on a given address (createTarget passes ./local-git.ts; tests a stand-in). */
  startGitServer?: StartLocalGitServer;
  /** Install Flux when absent (default true: the cluster is ocilab's own). */
  installFlux?: boolean;
  /** Tests hand in a client (request capture); default: the kubeconfig's kind-<name> context. */
  client?: KubeClient;
}

/**
 * Node image and cluster config for `kind create cluster`: the options, else
 * OCILAB_KIND_NODE_IMAGE / OCILAB_KIND_CONFIG (a machine with its own node image, e.g. CI's
 * offline one from scripts/kind-image), else kind's default image and cluster/kind-config.yaml.
 */
export function kindCreateSettings(o: Pick<KindTargetOptions, 'configPath' | 'nodeImage' | 'env'>): { configPath?: string; nodeImage?: string } {
  const env = o.env ?? process.env;
  const configPath = o.configPath ?? (env.OCILAB_KIND_CONFIG || undefined);
  const nodeImage = o.nodeImage ?? (env.OCILAB_KIND_NODE_IMAGE || undefined);
  return { ...(configPath ? { configPath } : {}), ...(nodeImage ? { nodeImage } : {}) };
}

export class KindTarget extends KubeTarget<KindTargetOptions> {
  readonly name: TargetName = 'kind';
  readonly namespace = FLUX_NAMESPACE;
  readonly clusterName: string;
  private git?: LocalGitServer;
  private gitPlanned?: string;
  private gitServedRoot?: string;
  private releaseGit?: () => Promise<void>;
  /** The Git server's URL while stopped by stopServer (an outage). */
  private gitDown?: string;
  /**
   * The same repositories served on 127.0.0.1 for the host's own fetches (git.url's host side,
   * measure.compare's counting proxy, which only fronts loopback servers), as the registry is
   * localhost:5001 for the host and kind-registry:5000 for the cluster.
   */
  private gitLocal?: LocalGitServer;
  private gitLocalDown?: string;
  private releaseGitLocal?: () => Promise<void>;

  constructor(options: KindTargetOptions = {}) {
    super(options);
    this.clusterName = options.clusterName ?? DEFAULT_CLUSTER_NAME;
  }

  get context(): string {
    return `kind-${this.clusterName}`;
  }

  async prepare(ctx: TargetContext): Promise<PrepareReport> {
    const lines: string[] = [];
    const say = (l: string) => (lines.push(l), ctx.log(l));
    const { plan, runner } = this.options;
    const engineName = await this.pickEngine(ctx, say);
    const tool = { runner, plan, signal: ctx.signal, log: plan ? undefined : (l: string) => ctx.log(l) };
    const engine = new ContainerEngine(engineName, tool);
    const kind = new KindCli(engineName, tool);
    const settings = kindCreateSettings(this.options);
    await this.restoreFromCache(engine, [KIND_REGISTRY.image, ...(settings.nodeImage ? [settings.nodeImage] : [])], ctx, say);
    const setup = await ensureKindWithRegistry(
      kind,
      engine,
      {
        clusterName: this.clusterName,
        ...settings,
        ownership: this.options.ownership ?? new ClusterOwnership(),
      },
      { signal: ctx.signal },
    );
    say(`registry ${KIND_REGISTRY.name}: ${setup.registry.outcome} (host pushes to ${registryHostAlias()}, Flux pulls oci://${registryInClusterHost()})`);
    if (setup.registry.warning) say(`warning: ${setup.registry.warning}`);
    say(`kind cluster ${this.clusterName}: ${setup.cluster}`);
    await this.serveGit(engine, ctx, say);

    const client = this.kubeClient();
    this.deliverWith(client);
    await applyObject(client, withOwnershipLabel(setup.configMap as TargetObject) as unknown as ApplicableObject, { signal: ctx.signal });

    const presence = await fluxPresence(client, ctx.signal);
    if (presence.installed) {
      say('Flux: source-controller and kustomize-controller are running');
    } else if (this.options.installFlux === false) {
      throw new TargetError(`Flux is not installed in kind cluster ${this.clusterName} and installing it was turned off`);
    } else {
      await this.loadFluxImages(kind, engine, ctx, say);
      await installFlux(
        { client, flux: new Tool('flux', tool), context: this.context, ...(this.options.kubeconfigPath ? { kubeconfigPath: this.options.kubeconfigPath } : {}), manifestsFile: fluxManifestsFile(this.cacheDir) },
        ctx,
      );
      say(plan ? 'Flux: would install source-controller and kustomize-controller' : 'Flux: installed, controllers available');
    }
    return { lines };
  }

  gitRoot(): string | undefined {
    return this.options.gitUrl ? undefined : this.gitServedRoot;
  }

  /** ocilab runs the Git server (unless --git-url); the registry is always the kind-registry container. */
  notOwnServer(server: ServerName): string | undefined {
    if (server === 'registry') {
      return `the registry is the ${KIND_REGISTRY.name} container (${KIND_REGISTRY.image}), not ocilab's: \`${this.options.engine ?? 'docker'} stop ${KIND_REGISTRY.name}\` would stop it for every kind run on this machine`;
    }
    if (this.options.gitUrl) return `the Git server is ${this.options.gitUrl} (--git-url), not ocilab's`;
    if (!this.git && !this.plan) return 'no Git server runs for the kind target (target.up first)';
    return undefined;
  }

  async stopServer(server: ServerName): Promise<string[]> {
    const why = this.notOwnServer(server);
    if (why) throw new TargetError(`cannot stop it: ${why}`);
    if (this.plan) {
      this.plan.action("stop ocilab's Git server on the kind network gateway (an outage: the port refuses connections)", 'repositories stay on disk; target.restart brings it back on the same port');
      return ['Git server stopped (planned)'];
    }
    if (this.gitDown) return ['the Git server is already stopped'];
    this.gitDown = this.git!.url;
    await this.git!.close();
    if (this.gitLocal) {
      this.gitLocalDown = this.gitLocal.url;
      await this.gitLocal.close();
    }
    return [`Git server ${this.gitDown} stopped (repositories kept; the kind nodes now get connection refused)`];
  }

  async restartServer(server: ServerName, ctx: TargetContext): Promise<string[]> {
    const why = this.notOwnServer(server);
    if (why) throw new TargetError(`cannot restart it: ${why}`);
    if (this.plan) {
      this.plan.action("start ocilab's Git server again on the same gateway address and port, serving the same repositories");
      return ['Git server restarted (planned)'];
    }
    const url = this.gitDown;
    if (!url) return ['the Git server is running (nothing to restart)'];
    const { hostname, port } = new URL(url);
    const git = await this.options.startGitServer!({ root: this.gitServedRoot!, host: hostname, port: Number(port), ctx });
    if (git.url !== url) {
      await git.close();
      throw new TargetError(`the Git server could not come back on ${url} (it got ${git.url}): something else took port ${port}`);
    }
    this.gitDown = undefined;
    this.adoptGit(git, ctx);
    const localUrl = this.gitLocalDown;
    if (localUrl) {
      const local = await this.options.startGitServer!({ root: this.gitServedRoot!, host: '127.0.0.1', port: Number(new URL(localUrl).port), ctx });
      if (local.url !== localUrl) {
        await local.close();
        throw new TargetError(`the Git server could not come back on ${localUrl} (it got ${local.url}): something else took that port`);
      }
      this.gitLocalDown = undefined;
      this.adoptGitLocal(local, ctx);
    }
    return [`Git server back on ${git.url}, serving ${this.gitServedRoot}`];
  }

  registryUrl(): RegistryEndpoint {
    return { host: registryHostAlias(), cluster: `oci://${registryInClusterHost()}`, insecure: true };
  }

  gitUrl(): Endpoint {
    if (this.options.gitUrl) return { host: this.options.gitUrl, cluster: this.options.gitUrl };
    const url = this.git?.url ?? this.gitPlanned;
    if (!url) {
      throw new TargetError(
        this.options.startGitServer
          ? 'the kind target has no Git server yet: run target.up first'
          : 'the kind target has no Git URL: pass --git-url http://<host>:<port> (a Git server the kind nodes can reach)',
      );
    }
    // The host fetches through the loopback twin when it runs; the cluster through the gateway.
    return { host: this.gitLocal?.url ?? url, cluster: url };
  }

  /** Deletes the Flux objects this run applied; the cluster, registry and Flux stay for the next run. */
  async teardown(ctx: TargetContext): Promise<string[]> {
    const lines = await this.deleteDelivered(ctx);
    if (this.git) lines.push(`Git server ${this.git.url} stopped`);
    await this.releaseGit?.();
    this.releaseGit = undefined;
    await this.releaseGitLocal?.();
    this.releaseGitLocal = undefined;
    lines.push(`kind cluster ${this.clusterName} kept (ocilab cleanup --target kind removes it)`);
    return lines;
  }

  /**
   * ocilab's Git server where the kind nodes reach the host: the kind network's gateway
   * (issue 7). `--git-url` wins; a dry-run plans it without binding anything.
   */
  private async serveGit(engine: ContainerEngine, ctx: TargetContext, say: (l: string) => void): Promise<void> {
    if (this.options.gitUrl) {
      say(`Git: ${this.options.gitUrl} (--git-url)`);
      return;
    }
    if (!this.options.startGitServer || this.git) return;
    const root = join(ctx.workDir, 'fixtures');
    this.gitServedRoot = root;
    if (this.plan) {
      this.gitPlanned = 'http://<kind network gateway>:<port>';
      this.plan.action(`ocilab Git server on the kind network gateway, serving ${root}`, 'the gateway comes from `docker network inspect kind`; the port is picked when it starts');
      return;
    }
    const gateway = await engine.networkGateway('kind', { signal: ctx.signal });
    if (!gateway) {
      throw new TargetError(`cannot find the kind network's gateway (\`${engine.name} network inspect kind\` gave none): pass --git-url http://<host>:<port> for a Git server the kind nodes reach`);
    }
    const git = await this.options.startGitServer({ root, host: gateway, ctx });
    this.adoptGit(git, ctx);
    say(`Git server (git http-backend) on ${git.url}, the kind network's gateway, serving ${root}`);
    const local = await this.options.startGitServer({ root, host: '127.0.0.1', ctx });
    this.adoptGitLocal(local, ctx);
    say(`the same repositories on ${local.url} for this machine's own fetches`);
  }

  /** The run's Git server from now on, stopped by the run's cleanup or teardown. */
  private adoptGit(git: LocalGitServer, ctx: TargetContext): void {
    this.git = git;
    const release = ctx.cleanup.add(`git server ${git.url}`, async () => {
      if (this.git === git) this.git = undefined;
      await git.close();
    });
    this.releaseGit = async () => {
      if (this.git === git) this.git = undefined;
      await release();
    };
  }

  private adoptGitLocal(git: LocalGitServer, ctx: TargetContext): void {
    this.gitLocal = git;
    const release = ctx.cleanup.add(`git server ${git.url}`, async () => {
      if (this.gitLocal === git) this.gitLocal = undefined;
      await git.close();
    });
    this.releaseGitLocal = async () => {
      if (this.gitLocal === git) this.gitLocal = undefined;
      await release();
    };
  }

  private get cacheDir(): string {
    return this.options.cacheDir ?? defaultCacheDir(this.options.env);
  }

  private async pickEngine(ctx: TargetContext, say: (l: string) => void): Promise<EngineName> {
    if (this.options.engine) return this.options.engine;
    const found = await detectProvider({ env: this.options.env, runner: this.options.runner, signal: ctx.signal });
    if (found.usable && found.engine) return found.engine;
    if (this.plan) {
      say(`note: ${found.reason}; the plan shows ${found.engine ?? 'docker'} commands`);
      return found.engine ?? 'docker';
    }
    throw new TargetError(`kind needs a container engine: ${found.reason}. Run \`ocilab doctor --target kind\` for the fix.`);
  }

  private kubeClient(): KubeClient {
    if (this.options.client) return this.options.client;
    if (this.plan) {
      // Dry-run sends nothing; the cluster may not exist yet, so its kubeconfig entry may not either.
      const kc = new KubeConfig();
      kc.loadFromClusterAndUser({ name: this.context, server: 'https://kind-control-plane:6443', skipTLSVerify: false }, { name: this.context });
      return new KubeClient(kc, { plan: this.plan });
    }
    return new KubeClient(loadKubeConfig({ context: this.context, kubeconfigPath: this.options.kubeconfigPath }));
  }

  /**
   * Offline: images the bring-up takes from the engine's store (registry:3 for the registry
   * container, the node image for `kind create cluster --image`) that the store lacks are loaded
   * back from prepare's archives (`<engine> load -i`). One in neither is left to the engine,
   * whose own error then says what is missing. In dry-run the store answers "absent", so an
   * archive in the cache shows as a planned load, as on a fresh machine.
   */
  private async restoreFromCache(engine: ContainerEngine, images: string[], ctx: TargetContext, say: (l: string) => void): Promise<void> {
    for (const image of images) {
      if (await engine.hasImage(image, { signal: ctx.signal })) continue;
      const archive = join(imagesDir(this.cacheDir), imageArchiveName(image));
      if (!existsSync(archive)) continue;
      await engine.load(archive, { signal: ctx.signal });
      say(`${this.plan ? 'would load' : 'loaded'} ${image} into ${engine.name} from ${archive} (prepare's cache)`);
    }
  }

  /**
   * Offline: put the Flux controller images and the demo app's (cluster/demo-app) on the node
   * from the engine's store or the prepare cache; an image in neither is left to the node's pull.
   */
  private async loadFluxImages(kind: KindCli, engine: ContainerEngine, ctx: TargetContext, say: (l: string) => void): Promise<void> {
    const inStore: string[] = [];
    for (const image of [...FLUX_CONTROLLER_IMAGES, DEMO_APP_IMAGE]) {
      if (await engine.hasImage(image, { signal: ctx.signal })) {
        inStore.push(image);
        continue;
      }
      const archive = join(imagesDir(this.cacheDir), imageArchiveName(image));
      if (existsSync(archive)) {
        await kind.loadImageArchive(archive, this.clusterName, { signal: ctx.signal });
        say(`loaded ${image} from ${archive}`);
      }
    }
    if (inStore.length > 0) {
      await loadStoreImages(kind, engine, this.clusterName, inStore, { signal: ctx.signal });
      say(`loaded ${inStore.join(', ')} from the ${engine.name} image store`);
    }
  }
}
