/**
 * In-process reference method: extract a local .tar.gz (a Flux artifact layer) into the
 * destination, with no network. It isolates what the extraction step costs, like the
 * baseline's "oci.*.untar-only" rows. It extracts with ocilab's safe extractor (src/oci/extract.ts),
 * the one the OCI pull uses, so a hostile tarball is refused here too. ocilab's real OCI pull
 * (src/oci) plugs in as its own method.
 */
import { stat } from 'node:fs/promises';
import { extractTarball } from '../../oci/extract.js';
import { measureInProcess } from '../in-process-usage.js';
import type { FetchMethod, MethodOutcome } from '../types.js';

export function untarMethod(opts: { tarball: string; id?: string; label?: string }): FetchMethod {
  return {
    id: opts.id ?? 'oci.untar-only',
    label: opts.label ?? 'extract the artifact layer only (no network)',
    kind: 'oci',
    short: 'untar only',
    client: 'in the ocilab process (node-tar)',
    notComparable: {
      clientCpuMs: 'measured inside the ocilab process, not a client process like the other rows',
      clientPeakRssBytes: 'the whole ocilab process, not a client process like the other rows',
    },
    notes: ['in-process gunzip + untar with ocilab\'s safe extractor (node-tar\'s parser); no network, so bytes and server figures are 0'],
    async run(dest, signal): Promise<MethodOutcome> {
      if (signal.aborted) throw new Error('aborted');
      await stat(opts.tarball).catch(() => {
        throw new Error(`artifact tarball ${opts.tarball} does not exist`);
      });
      const usage = await measureInProcess(() => extractTarball(opts.tarball, dest, { signal, label: opts.tarball }));
      return {
        bytesDown: 0,
        bytesUp: 0,
        requests: 0,
        serverCpuMs: 0,
        clientCpuMs: usage.cpuMs,
        clientPeakRssBytes: usage.peakRssBytes,
        notes: usage.notes,
      };
    },
  };
}
