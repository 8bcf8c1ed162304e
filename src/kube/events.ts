/** Kubernetes Events about one object (what `flux events --for Kind/name` shows), oldest first. */
import type { KubeClient } from './client.js';
import type { ObjectRef } from './resources.js';

export interface ObjectEvent {
  type: string; // Normal | Warning
  reason: string;
  message: string;
  count: number;
  /** Last time it happened (ISO), from lastTimestamp, eventTime or firstTimestamp. */
  time?: string;
  source?: string;
}

export function eventFieldSelector(ref: ObjectRef): string {
  return `involvedObject.kind=${ref.kind},involvedObject.name=${ref.name}`;
}

export async function listEvents(client: KubeClient, ref: ObjectRef, call: { signal?: AbortSignal } = {}): Promise<ObjectEvent[]> {
  if (client.plan) return [];
  const list = await client.core.listNamespacedEvent(
    { namespace: ref.namespace!, fieldSelector: eventFieldSelector(ref) },
    client.requestOptions(call),
  );
  return toObjectEvents(list.items as any[]);
}

const iso = (t: unknown): string | undefined => (t instanceof Date ? t.toISOString() : typeof t === 'string' ? t : undefined);

export function toObjectEvents(items: any[]): ObjectEvent[] {
  return items
    .map((e) => ({
      type: String(e.type ?? 'Normal'),
      reason: String(e.reason ?? ''),
      message: String(e.message ?? '').trim(),
      count: Number(e.count ?? e.series?.count ?? 1),
      time: iso(e.lastTimestamp) ?? iso(e.eventTime) ?? iso(e.firstTimestamp),
      source: e.reportingComponent || e.source?.component || undefined,
    }))
    .sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
}
