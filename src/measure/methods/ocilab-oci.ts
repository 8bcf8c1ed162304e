/**
 * ocilab's own OCI client (src/oci) as fetch methods: the pull Flux's source-controller does
 * (resolve the manifest, download the layer, verify its digest, extract safely) and the
 * no-change check (manifest HEAD). In-process: no process start-up, one connection per run
 * (a fresh client each run, as a controller's next poll would after its keep-alive expired).
 */
import { join } from 'node:path';
import { RegistryClient } from '../../oci/client.js';
import { parseReference } from '../../oci/reference.js';
import { pullArtifact } from '../../oci/remote.js';
import { measureInProcess } from '../in-process-usage.js';
import { withTraffic } from '../traffic.js';
import type { FetchMethod, MethodOutcome, TrafficMeter } from '../types.js';

export interface OcilabOciOptions {
  /** "127.0.0.1:PORT/fleet/small:latest" (plain HTTP on loopback). */
  reference: string;
  meter?: TrafficMeter;
  /** Reuse one client (keep-alive) across runs instead of a fresh one per run. */
  keepAlive?: boolean;
  idSuffix?: string;
}

const IN_PROCESS = 'in-process ocilab client (src/oci): no process start-up';

export function ocilabPullMethod(o: OcilabOciOptions): FetchMethod & { close(): Promise<void> } {
  const ref = parseReference(o.reference, { insecure: true });
  const shared = o.keepAlive ? RegistryClient.forReference(ref) : undefined;
  return {
    id: `oci.ocilab.pull${o.idSuffix ?? ''}`,
    label: `ocilab pull: manifest + layer + verify + extract${o.keepAlive ? ' (keep-alive)' : ''}`,
    kind: 'oci',
    notes: [IN_PROCESS, 'the layer digest is verified as it arrives; extraction is the shared safe extractor'],
    async run(dest, signal): Promise<MethodOutcome> {
      const { value, traffic } = await withTraffic(o.meter, () =>
        measureInProcess(async () => {
          const client = shared ?? RegistryClient.forReference(ref);
          try {
            return await pullArtifact(ref, { output: join(dest, 'out'), client, signal });
          } finally {
            if (!shared) await client.close();
          }
        }),
      );
      const t = value.value.timings;
      return {
        ...traffic,
        clientCpuMs: value.cpuMs,
        clientPeakRssBytes: value.peakRssBytes,
        phases: [
          { name: 'network', ms: t.manifestMs + t.layerMs },
          { name: 'extract', ms: t.extractMs },
        ],
        notes: [...(traffic.notes ?? []), ...value.notes],
      };
    },
    close: async () => shared?.close(),
  };
}

export function ocilabHeadMethod(o: OcilabOciOptions): FetchMethod & { close(): Promise<void> } {
  const ref = parseReference(o.reference, { insecure: true });
  const shared = o.keepAlive ? RegistryClient.forReference(ref) : undefined;
  const tag = ref.digest ?? ref.tag ?? 'latest';
  return {
    id: `oci.ocilab.head${o.idSuffix ?? ''}`,
    label: `ocilab manifest HEAD (no-change check)${o.keepAlive ? ' (keep-alive)' : ''}`,
    kind: 'oci',
    notes: [IN_PROCESS],
    async run(_dest, signal): Promise<MethodOutcome> {
      const { value, traffic } = await withTraffic(o.meter, () =>
        measureInProcess(async () => {
          const client = shared ?? RegistryClient.forReference(ref);
          try {
            const d = await client.headManifest(ref.repository, tag, { signal });
            if (!d) throw new Error(`${o.reference}: manifest not found`);
            return d;
          } finally {
            if (!shared) await client.close();
          }
        }),
      );
      return { ...traffic, clientCpuMs: value.cpuMs, clientPeakRssBytes: value.peakRssBytes, notes: [...(traffic.notes ?? []), ...value.notes] };
    },
    close: async () => shared?.close(),
  };
}
