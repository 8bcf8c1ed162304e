/** Public surface of the targets (see docs/targets.md): the Target interface and its three implementations. */
import type { TargetName } from '../engine/action.js';
import type { Plan } from '../kube/plan.js';
import { ClusterTarget, type ClusterTargetOptions } from './cluster.js';
import { KindTarget, type KindTargetOptions } from './kind.js';
import { LocalTarget, type LocalTargetOptions } from './local.js';
import { createSharedReconciler, startSharedGitServer } from './local-git.js';
import type { Target } from './target.js';

export * from './target.js';
export { LocalTarget, type LocalTargetOptions, type LocalGitServer, type LocalSourceReconciler } from './local.js';
export { KindTarget, type KindTargetOptions } from './kind.js';
export { ClusterTarget, type ClusterTargetOptions } from './cluster.js';
export { attendeeNamespace } from './namespace.js';

/** Flags of `ocilab run` (and the defaults actions fall back to) that shape a target. */
export interface TargetSettings {
  plan?: Plan;
  /** kind: cluster name; cluster: ignored. */
  clusterName?: string;
  context?: string;
  namespace?: string;
  registryUrl?: string;
  gitUrl?: string;
  installFlux?: boolean;
  local?: LocalTargetOptions;
  kind?: Omit<KindTargetOptions, 'plan' | 'gitUrl' | 'clusterName'>;
  cluster?: Omit<ClusterTargetOptions, 'plan' | 'context' | 'namespace' | 'registryUrl' | 'gitUrl' | 'installFlux'>;
}

export function createTarget(name: TargetName, s: TargetSettings = {}): Target {
  const opt = <T>(v: T | undefined, key: string) => (v === undefined ? {} : { [key]: v });
  switch (name) {
    case 'local':
      return new LocalTarget({ startGitServer: startSharedGitServer, createReconciler: createSharedReconciler, ...s.local });
    case 'kind':
      return new KindTarget({ startGitServer: startSharedGitServer, ...s.kind, ...opt(s.plan, 'plan'), ...opt(s.gitUrl, 'gitUrl'), ...opt(s.clusterName, 'clusterName'), ...opt(s.installFlux, 'installFlux') });
    case 'cluster':
      return new ClusterTarget({
        ...s.cluster,
        ...opt(s.plan, 'plan'),
        ...opt(s.context, 'context'),
        ...opt(s.namespace, 'namespace'),
        ...opt(s.registryUrl, 'registryUrl'),
        ...opt(s.gitUrl, 'gitUrl'),
        ...opt(s.installFlux, 'installFlux'),
      });
  }
}
