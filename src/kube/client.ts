/**
 * A Kubernetes API client for one kubeconfig context (@kubernetes/client-node 1.x), with
 * the options every ocilab request shares: the AbortSignal, extra headers (server-side
 * apply's content type), the dry-run Plan, and optional middleware appended to every
 * request (tests use it to read the exact request client-node builds).
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Observable,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { Plan } from './plan.js';

export const FIELD_MANAGER = 'ocilab';

export interface KubeClientOptions {
  /** When set, changes (apply, reconcile requests) are recorded here and not sent. */
  plan?: Plan;
  /** Appended after ocilab's own middleware on every generated-API request. */
  middleware?: ObservableMiddleware[];
}

export interface ContextSelection {
  /** kubeconfig context name; default: the file's current-context. */
  context?: string;
  /** kubeconfig file; default: $KUBECONFIG or ~/.kube/config. */
  kubeconfigPath?: string;
}

/** Load a kubeconfig and select a context, with an error that lists the contexts there are. */
export function loadKubeConfig(sel: ContextSelection = {}): KubeConfig {
  const kc = new KubeConfig();
  if (sel.kubeconfigPath) kc.loadFromFile(sel.kubeconfigPath);
  else kc.loadFromDefault();
  if (sel.context) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(sel.context)) {
      throw new Error(`kubeconfig has no context "${sel.context}" (has: ${names.join(', ') || 'none'}); kind names its context kind-<cluster>`);
    }
    kc.setCurrentContext(sel.context);
  }
  if (!kc.getCurrentCluster()) throw new Error('kubeconfig has no current cluster: pass --context or create a cluster first');
  return kc;
}

export class KubeClient {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;

  constructor(
    readonly kc: KubeConfig,
    readonly options: KubeClientOptions = {},
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
  }

  static fromContext(sel: ContextSelection = {}, options: KubeClientOptions = {}): KubeClient {
    return new KubeClient(loadKubeConfig(sel), options);
  }

  get plan(): Plan | undefined {
    return this.options.plan;
  }

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '';
  }

  /** Per-request options: headers, abort signal, then the caller's middleware. */
  requestOptions(
    call: { signal?: AbortSignal; headers?: Record<string, string>; proxyPath?: string } = {},
  ): ConfigurationOptions<ObservableMiddleware> {
    const ours: ObservableMiddleware = {
      pre: (ctx: RequestContext) => {
        // client-node percent-encodes the {path} of proxy calls (stats/summary -> stats%2Fsummary),
        // which the kubelet would not find; put the slashes back for that one segment.
        if (call.proxyPath) ctx.setUrl(ctx.getUrl().replace(`/proxy/${encodeURIComponent(call.proxyPath)}`, `/proxy/${call.proxyPath}`));
        for (const [k, v] of Object.entries(call.headers ?? {})) ctx.setHeaderParam(k, v);
        if (call.signal) ctx.setSignal(call.signal);
        return new Observable(Promise.resolve(ctx));
      },
      post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
    };
    return { middleware: [ours, ...(this.options.middleware ?? [])], middlewareMergeStrategy: 'append' };
  }
}
