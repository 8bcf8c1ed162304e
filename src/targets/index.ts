/** Public surface of the targets (see docs/targets.md): the Target interface and its three implementations. */
import type { TargetName } from '../engine/action.js';
import type { Plan } from '../kube/plan.js';
import { ClusterTarget, type ClusterTargetOptions } from './cluster.js';
import { KindTarget, type KindTargetOptions } from './kind.js';
import { LocalTarget, type LocalTargetOptions } from './local.js';
import { sharedGitServer, sharedReconciler, type TargetParts } from './local-git.js';
import type { Target } from './target.js';

export * from './target.js';
export { LocalTarget, type LocalTargetOptions, type LocalGitServer, type LocalSourceReconciler } from './local.js';
export { KindTarget, type KindTargetOptions } from './kind.js';
export { ClusterTarget, type ClusterTargetOptions } from './cluster.js';
export { attendeeNamespace } from './namespace.js';
export { targetParts, type TargetParts } from './local-git.js';
export { setRunTarget } from './action-support.js';

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

/**
 * The target `name`, shaped by `s`. `parts` are the run's Git servers and reconciler
 * (`targetParts(scope)` of the run's scope), shared with its git.serve and reconcile.*.
 */
export function createTarget(name: TargetName, s: TargetSettings, parts: TargetParts): Target {
  const opt = <T>(v: T | undefined, key: string) => (v === undefined ? {} : { [key]: v });
  const startGitServer = sharedGitServer(parts.git);
  switch (name) {
    case 'local':
      return new LocalTarget({ startGitServer, createReconciler: sharedReconciler(parts.reconciler), ...s.local });
    case 'kind':
      return new KindTarget({ startGitServer, ...s.kind, ...opt(s.plan, 'plan'), ...opt(s.gitUrl, 'gitUrl'), ...opt(s.clusterName, 'clusterName'), ...opt(s.installFlux, 'installFlux') });
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
