/** --registry-url forms of the cluster target: TLS by default, http:// for a plain-HTTP registry (Flux then needs insecure: true). */
import { describe, expect, it } from 'vitest';
import { ClusterTarget } from '../../src/targets/cluster.js';

describe('cluster target --registry-url', () => {
  it.each([
    ['ghcr.io/ada/ocilab', { host: 'ghcr.io/ada/ocilab', cluster: 'oci://ghcr.io/ada/ocilab', insecure: false }],
    ['oci://registry.example.com:5000/', { host: 'registry.example.com:5000', cluster: 'oci://registry.example.com:5000', insecure: false }],
    ['http://127.0.0.1:40555', { host: '127.0.0.1:40555', cluster: 'oci://127.0.0.1:40555', insecure: true }],
  ])('%s', (raw, want) => {
    expect(new ClusterTarget({ namespace: 'ocilab-ada', registryUrl: raw }).registryUrl()).toEqual(want);
  });

  it('refuses https:// and other schemes with the accepted forms', () => {
    expect(() => new ClusterTarget({ namespace: 'a', registryUrl: 'https://ghcr.io/ada' }).registryUrl()).toThrow(/is not host\[:port\]\[\/path\].*http:\/\/10\.0\.0\.5:5000 for plain HTTP/);
  });
});
