/** Public surface of the Kubernetes client wrappers (see docs/kind.md). */
export { KubeClient, loadKubeConfig, FIELD_MANAGER, type KubeClientOptions, type ContextSelection } from './client.js';
export { Plan, shellQuote, redactSecret, type PlanStep } from './plan.js';
export { applyObject, applyAll, type ApplicableObject } from './apply.js';
export { objectPath, refOf, resourceFor, type ObjectRef, type ResourceInfo } from './resources.js';
export { getObject, describeRef } from './objects.js';
export {
  condition,
  isTrue,
  isObserved,
  readyPredicate,
  verifiedPredicate,
  artifactStoredPredicate,
  reconciledPredicate,
  describeStatus,
  RECONCILE_ANNOTATION,
  type Condition,
  type FluxStatusObject,
  type StatusPredicate,
  type Verdict,
} from '../flux/conditions.js';
export { waitFor, watchQuery, WaitTimeoutError, type WaitOptions, type WaitResult, type WatchSource } from './watch.js';
export { requestReconcile, reconcileAndWait, reconcilePatch, type ReconcileResult } from './reconcile.js';
export { listEvents, toObjectEvents, eventFieldSelector, type ObjectEvent } from './events.js';
export { nodeStatsSummary, podUsage, controllerUsage, cpuMsBetween, type StatsSummary, type PodUsage, type Usage } from './stats.js';
export { scrapeControllerMetrics, fetchPodMetrics, controllerPod, reconcileDuration, RECONCILE_DURATION, METRICS_PORT } from './metrics.js';
export { parseExposition, histogram, histogramDelta, ExpositionParseError, type Exposition, type Histogram, type Sample } from './prometheus.js';
