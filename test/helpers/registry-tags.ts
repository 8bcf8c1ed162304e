/** What a tag points at in a registry the test runs (read with ocilab's own client). */
import { RegistryClient } from '../../src/oci/client.js';
import { parseReference } from '../../src/oci/reference.js';

/** The manifest digest `repository:tag` resolves to on `hostPort`; throws when the tag is missing. */
export async function tagDigest(hostPort: string, repository: string, tag: string): Promise<string> {
  const c = RegistryClient.forReference(parseReference(`${hostPort}/${repository}:${tag}`));
  try {
    const d = await c.headManifest(repository, tag);
    if (!d) throw new Error(`${repository}:${tag} is not in the registry`);
    return d.digest;
  } finally {
    await c.close();
  }
}
