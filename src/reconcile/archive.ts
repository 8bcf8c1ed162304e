/** The archiver the local storage uses: the shared Flux tarball builder from src/oci/artifact.ts. */
import { buildArtifact } from '../oci/artifact.js';
import type { ArchiveFn } from './storage.js';

export const fluxTarballArchive: ArchiveFn = async ({ dir, output, ignorePaths, signal }) => {
  const r = await buildArtifact({ path: dir, output, ignorePaths, signal });
  return { digest: r.digest, size: r.size };
};
