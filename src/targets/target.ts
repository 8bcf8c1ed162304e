/**
 * Where a scenario runs. `local`, `kind` and `cluster` implement one interface so every
 * scenario step is written once: bring up what the target needs, say where the registry
 * and the Git server are (as the host sees them, and as Flux sees them), apply Flux
 * sources, wait until Flux says Ready (or why not), and tear down what the run made.
 */
import type { CleanupRegistry } from '../engine/cleanup.js';
import type { ReportedMeasurement, TargetName } from '../engine/action.js';
import type { FluxStatusObject, StatusPredicate } from '../flux/conditions.js';
import type { KubeClient } from '../kube/client.js';
import type { Plan } from '../kube/plan.js';
import type { ObjectRef } from '../kube/resources.js';

/** What a target operation needs from the caller (an action's context fits it). */
export interface TargetContext {
  signal: AbortSignal;
  log: (line: string, stream?: 'stdout' | 'stderr' | 'info') => void;
  cleanup: CleanupRegistry;
  /** A directory owned by the run (registry storage, Git repositories). */
  workDir: string;
  /** Measurements for the run's panel (the local reconciler's passes), when the caller collects them. */
  report?: (m: ReportedMeasurement) => void;
}

/** One address, seen from two places. */
export interface Endpoint {
  /** Where ocilab and the CLIs on this machine push: `localhost:5001`, `127.0.0.1:40123`. */
  host: string;
  /** Where Flux (source-controller, or the local reconciler) fetches from: `oci://kind-registry:5000`. */
  cluster: string;
}

export interface RegistryEndpoint extends Endpoint {
  /** Plain HTTP: the OCIRepository needs `insecure: true`. */
  insecure: boolean;
}

/** Which condition a wait is for. */
export type WaitCondition = 'Ready' | 'SourceVerified' | 'ArtifactInStorage';

export interface WaitRequest {
  condition: WaitCondition;
  /** Wait for this artifact revision (e.g. `latest@sha256:…`). */
  revision?: string;
  timeoutMs: number;
  /**
   * Decides instead of `condition` (flux.expect: "the reconcile has been handled", whatever
   * its outcome). Local and cluster targets evaluate it on the same status shape.
   */
  predicate?: StatusPredicate;
  /** What `predicate` waits for, in words (dry-run plans show it). */
  describe?: string;
}

export interface WaitOutcome {
  ok: boolean;
  /** Flux's own words: the condition message (prefixed by its reason on failure). */
  message: string;
  /** status.artifact.revision (sources) or status.lastAppliedRevision (Kustomization). */
  revision?: string;
  object?: FluxStatusObject;
  elapsedMs: number;
}

/** A Flux object (or a Secret/ConfigMap it references) as plain data. */
export interface TargetObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** The two servers a scenario can take down (an outage) and bring back. */
export type ServerName = 'registry' | 'git';

export interface PrepareReport {
  /** One line per thing brought up or reused, for the live pane. */
  lines: string[];
}

export interface Target {
  readonly name: TargetName;
  /** Set in `--dry-run`: every change is recorded here and nothing is touched. */
  readonly plan?: Plan;
  /** Namespace Flux objects go to when a scenario does not name one. */
  readonly namespace: string;
  /** True after prepare() until teardown(). */
  isUp(): boolean;
  /** The directory whose bare repositories the target's own Git server serves (local, kind without --git-url), after prepare. */
  gitRoot(): string | undefined;
  /** The storage directory of the target's own registry (local only: kind's registry is a container), after prepare. */
  registryRoot(): string | undefined;
  /**
   * The Kubernetes API client, after prepare (kind and cluster; in-cluster measurements read
   * metrics through it). Absent on the local target: it has no cluster.
   */
  apiClient?(): KubeClient | undefined;
  /** Bring up what the target needs (idempotent: a second call reuses). */
  prepare(ctx: TargetContext): Promise<PrepareReport>;
  /** The OCI registry, after prepare. Throws with the fix when the target has none configured. */
  registryUrl(): RegistryEndpoint;
  /** The Git server's base URL (repositories are `<base>/<name>.git`), after prepare. */
  gitUrl(): Endpoint;
  /** Create or update one object (server-side apply on a cluster; the local reconciler locally). */
  applySource(object: TargetObject, ctx: TargetContext): Promise<void>;
  /** Wait until Flux reports the condition (or a terminal failure, in Flux's words). */
  waitReady(ref: ObjectRef, req: WaitRequest, ctx: TargetContext): Promise<WaitOutcome>;
  /** Ask for a reconcile now (`flux reconcile`) and wait for it to be handled. */
  reconcile(ref: ObjectRef, req: WaitRequest, ctx: TargetContext): Promise<WaitOutcome>;
  /**
   * Why ocilab cannot stop this server on this target (it is not ocilab's: kind's registry
   * container, a cluster's registry or Git host), or undefined when ocilab runs it.
   */
  notOwnServer(server: ServerName): string | undefined;
  /** Stop ocilab's own server (an outage); its address and storage are kept for restartServer. */
  stopServer(server: ServerName, ctx: TargetContext): Promise<string[]>;
  /** Start a server stopped by stopServer again: same address (port), same storage. */
  restartServer(server: ServerName, ctx: TargetContext): Promise<string[]>;
  /** Remove what this run created on the target; never what it found there. */
  teardown(ctx: TargetContext): Promise<string[]>;
}

/** The label ocilab puts on every Kubernetes object it creates; cleanup deletes only those. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'ocilab';

/** A copy of the object carrying the ownership label. */
export function withOwnershipLabel<T extends TargetObject>(object: T): T {
  return { ...object, metadata: { ...object.metadata, labels: { ...object.metadata.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } };
}

/** Thrown for what a user must change (a flag, a missing tool); the message says how. */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}
