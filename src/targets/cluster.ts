/**
 * The cluster target: any kubeconfig context with Flux, any registry and Git URL. Built for
 * shared workshop clusters: each attendee works in their own namespace, Flux is only
 * installed with consent (--install-flux), and ocilab deletes only the objects it created
 * (label app.kubernetes.io/managed-by=ocilab).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { TargetName } from '../engine/action-definition.js';
import { Tool } from '../kind/tool.js';
import type { CommandRunner } from '../kind/exec.js';
import { KubeClient, loadKubeConfig } from '../kube/client.js';
import type { Plan } from '../kube/plan.js';
import { defaultCacheDir, fluxManifestsFile } from './cache.js';
import { fluxPresence, installFlux, FLUX_CRDS } from './flux-install.js';
import { KubeTarget } from './kube-target.js';
import { attendeeNamespace, checkNamespace, ensureNamespace } from './namespace.js';
import { TargetError, type Endpoint, type PrepareReport, type RegistryEndpoint, type ServerName, type TargetContext, type TargetObject } from './target.js';

export interface ClusterTargetOptions {
  /** kubeconfig context; default: the current one. */
  context?: string;
  kubeconfigPath?: string;
  /** Default: ocilab-<user name>. */
  namespace?: string;
  /** Registry as `host[:port][/path]`, `oci://…`, or `http://…` (plain HTTP); the same address for the host and the cluster. */
  registryUrl?: string;
  /** Git base URL the cluster clones from (http(s):// or ssh://). */
  gitUrl?: string;
  /** Consent to install Flux (cluster-wide CRDs + controllers in flux-system) when absent. */
  installFlux?: boolean;
  plan?: Plan;
  runner?: CommandRunner;
  cacheDir?: string;
  /** Tests hand in a client (request capture); default: built from the kubeconfig. */
  client?: KubeClient;
}

export class ClusterTarget extends KubeTarget<ClusterTargetOptions> {
  readonly name: TargetName = 'cluster';
  readonly namespace: string;
  private contextName = '';

  constructor(options: ClusterTargetOptions = {}) {
    super(options);
    this.namespace = checkNamespace(options.namespace ?? attendeeNamespace());
  }

  async prepare(ctx: TargetContext): Promise<PrepareReport> {
    const lines: string[] = [];
    const say = (l: string) => (lines.push(l), ctx.log(l));
    const client = this.options.client ?? this.kubeClient();
    this.contextName = this.options.context ?? client.kc.getCurrentContext();
    say(`context ${this.contextName} (${client.server})`);

    const presence = await fluxPresence(client, ctx.signal);
    if (presence.installed) {
      say('Flux: CRDs present, source-controller and kustomize-controller available');
    } else if (!this.options.installFlux) {
      const why = [
        ...(presence.missingCrds.length ? [`missing CRDs ${presence.missingCrds.join(', ')}`] : []),
        ...Object.entries(presence.controllers)
          .filter(([, c]) => !c.ready)
          .map(([n, c]) => `${n}: ${c.detail}`),
      ].join('; ');
      throw new TargetError(
        `Flux is not ready on context ${this.contextName} (${why}). Ask the cluster's admin, or pass --install-flux to let ocilab install it (cluster-wide: ${FLUX_CRDS.length} CRDs and controllers in flux-system).`,
      );
    } else {
      await installFlux(
        {
          client,
          flux: new Tool('flux', { runner: this.options.runner, plan: this.plan, signal: ctx.signal }),
          context: this.contextName,
          ...(this.options.kubeconfigPath ? { kubeconfigPath: this.options.kubeconfigPath } : {}),
          manifestsFile: fluxManifestsFile(this.options.cacheDir ?? defaultCacheDir()),
        },
        ctx,
      );
      say(this.plan ? 'Flux: would install (--install-flux)' : 'Flux: installed (--install-flux)');
    }

    const ns = await ensureNamespace(client, this.namespace, ctx.signal);
    say(
      ns === 'created'
        ? `namespace ${this.namespace}: ${this.plan ? 'would create' : 'created'} (labelled app.kubernetes.io/managed-by=ocilab)`
        : `namespace ${this.namespace}: ${ns === 'ours' ? 'reused (created by ocilab earlier)' : 'exists, not created by ocilab: it will never be deleted by ocilab'}`,
    );
    this.deliverWith(client);
    return { lines };
  }

  /** The cluster target serves no Git repositories itself: they are pushed to --git-url. */
  gitRoot(): undefined {
    return undefined;
  }

  /** Neither server is ocilab's on a cluster: an outage is shown, never caused. */
  notOwnServer(server: ServerName): string {
    return server === 'registry'
      ? `the registry is ${this.options.registryUrl ?? '--registry-url'}, not ocilab's: stopping it would take it down for everyone using it`
      : `the Git server is ${this.options.gitUrl ?? '--git-url'}, not ocilab's: stopping it would take it down for everyone using it`;
  }

  stopServer(server: ServerName): Promise<string[]> {
    return Promise.reject(new TargetError(`cannot stop it: ${this.notOwnServer(server)}`));
  }

  restartServer(server: ServerName): Promise<string[]> {
    return Promise.reject(new TargetError(`cannot restart it: ${this.notOwnServer(server)}`));
  }

  registryUrl(): RegistryEndpoint {
    const raw = this.options.registryUrl;
    if (!raw) {
      throw new TargetError('the cluster target needs a registry both you and the cluster reach: pass --registry-url (e.g. ghcr.io/<you>/ocilab)');
    }
    // http:// marks a plain-HTTP registry (a workshop's own, or ocilab's `registry serve`): Flux needs insecure: true.
    const insecure = /^http:\/\//.test(raw);
    const bare = raw.replace(/^(oci|http):\/\//, '').replace(/\/+$/, '');
    if (!/^[A-Za-z0-9.-]+(:\d+)?(\/[a-z0-9._/-]+)?$/.test(bare)) {
      throw new TargetError(`--registry-url "${raw}" is not host[:port][/path] (e.g. ghcr.io/me/ocilab, registry.example.com:5000, or http://10.0.0.5:5000 for plain HTTP)`);
    }
    return { host: bare, cluster: `oci://${bare}`, insecure };
  }

  gitUrl(): Endpoint {
    const raw = this.options.gitUrl;
    if (!raw) throw new TargetError('the cluster target needs a Git server the cluster reaches: pass --git-url (e.g. https://github.com/<you>)');
    if (!/^(https?|ssh):\/\/.+/.test(raw)) throw new TargetError(`--git-url "${raw}" must start with http://, https:// or ssh:// (what GitRepository accepts)`);
    const base = raw.replace(/\/+$/, '');
    return { host: base, cluster: base };
  }

  /** Objects without a namespace go to the attendee's namespace. */
  override applySource(object: TargetObject, ctx: TargetContext): Promise<void> {
    const ns = object.metadata.namespace ?? this.namespace;
    return super.applySource({ ...object, metadata: { ...object.metadata, namespace: ns } }, ctx);
  }

  /** Deletes the objects this run applied; the namespace stays (ocilab cleanup --target cluster removes it if ocilab made it). */
  teardown(ctx: TargetContext): Promise<string[]> {
    return this.deleteDelivered(ctx);
  }

  private kubeClient(): KubeClient {
    return new KubeClient(clusterKubeConfig({ context: this.options.context, kubeconfigPath: this.options.kubeconfigPath }), this.plan ? { plan: this.plan } : {});
  }
}

/** The kubeconfig for the cluster target, or a TargetError saying what is missing. */
export function clusterKubeConfig(sel: { context?: string; kubeconfigPath?: string }): KubeConfig {
  let kc: KubeConfig;
  try {
    kc = loadKubeConfig(sel);
  } catch (err) {
    throw new TargetError(`cluster target: ${(err as Error).message}`);
  }
  // Without any kubeconfig, client-node invents "loaded-context" on http://localhost:8080: not a cluster.
  if (kc.getCurrentContext() === 'loaded-context' && kc.getCurrentCluster()?.server === 'http://localhost:8080') {
    throw new TargetError('cluster target: no kubeconfig found ($KUBECONFIG or ~/.kube/config); get one from the workshop host and pass --context');
  }
  return kc;
}
