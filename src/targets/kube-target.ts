/**
 * What the kind and cluster targets share: once prepare() has a Kubernetes client, every
 * Flux object goes through one KubeDelivery (server-side apply, waits, `flux reconcile`,
 * deletion of what this run applied). Subclasses keep only what differs: how the cluster,
 * registry and Git server come to be (kind) or are chosen and consented to (cluster).
 */
import type { TargetName } from '../engine/action-definition.js';
import type { KubeClient } from '../kube/client.js';
import type { Plan } from '../kube/plan.js';
import type { ObjectRef } from '../kube/resources.js';
import { KubeDelivery } from './kube-delivery.js';
import {
  TargetError,
  type Endpoint,
  type PrepareReport,
  type RegistryEndpoint,
  type ServerName,
  type Target,
  type TargetContext,
  type TargetObject,
  type WaitOutcome,
  type WaitRequest,
} from './target.js';

export abstract class KubeTarget<O extends { plan?: Plan }> implements Target {
  abstract readonly name: TargetName;
  abstract readonly namespace: string;
  /** Set by prepare() (deliverWith), cleared by teardown (deleteDelivered). */
  protected delivery?: KubeDelivery;

  constructor(readonly options: O) {}

  get plan(): Plan | undefined {
    return this.options.plan;
  }

  abstract prepare(ctx: TargetContext): Promise<PrepareReport>;
  abstract gitRoot(): string | undefined;
  abstract registryUrl(): RegistryEndpoint;
  abstract gitUrl(): Endpoint;
  abstract notOwnServer(server: ServerName): string | undefined;
  abstract stopServer(server: ServerName, ctx: TargetContext): Promise<string[]>;
  abstract restartServer(server: ServerName, ctx: TargetContext): Promise<string[]>;
  abstract teardown(ctx: TargetContext): Promise<string[]>;

  isUp(): boolean {
    return this.delivery !== undefined;
  }

  /** The API client, after prepare (in-cluster measurements read metrics through it). */
  apiClient(): KubeClient | undefined {
    return this.delivery?.client;
  }

  /** The registry is not ocilab's on a cluster (kind's registry container, or --registry-url's). */
  registryRoot(): undefined {
    return undefined;
  }

  applySource(object: TargetObject, ctx: TargetContext): Promise<void> {
    return this.requireDelivery().apply(object, ctx);
  }

  waitReady(ref: ObjectRef, req: WaitRequest, ctx: TargetContext): Promise<WaitOutcome> {
    return this.requireDelivery().wait(ref, req, ctx);
  }

  reconcile(ref: ObjectRef, req: WaitRequest, ctx: TargetContext): Promise<WaitOutcome> {
    return this.requireDelivery().reconcile(ref, req, ctx);
  }

  /** From now on Flux objects go to the cluster through `client`: the target is up. */
  protected deliverWith(client: KubeClient): void {
    this.delivery = new KubeDelivery(client);
  }

  /** Deletes the objects this run applied (none when never up); the target is down afterwards. */
  protected async deleteDelivered(ctx: TargetContext): Promise<string[]> {
    const lines = this.delivery ? await this.delivery.deleteApplied(ctx) : [];
    this.delivery = undefined;
    return lines;
  }

  protected requireDelivery(): KubeDelivery {
    if (!this.delivery) throw new TargetError(`the ${this.name} target is not up: run target.up first`);
    return this.delivery;
  }
}
