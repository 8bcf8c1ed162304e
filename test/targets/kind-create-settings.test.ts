/** `kind create cluster --image/--config` for the kind target: options, else OCILAB_KIND_NODE_IMAGE / OCILAB_KIND_CONFIG, else kind's defaults. */
import { describe, expect, it } from 'vitest';
import { warmTargetOptions } from '../../src/commands/prepare.js';
import { kindCreateSettings } from '../../src/targets/kind.js';

describe('kindCreateSettings', () => {
  it('takes the node image and config from the environment when no option is given', () => {
    expect(kindCreateSettings({ env: { OCILAB_KIND_NODE_IMAGE: 'localhost/ocilab/kind-node:v1.36.3', OCILAB_KIND_CONFIG: '/ci/kind-config.yaml' } })).toEqual({
      nodeImage: 'localhost/ocilab/kind-node:v1.36.3',
      configPath: '/ci/kind-config.yaml',
    });
  });
  it('options win; empty variables count as unset (kind default image, cluster/kind-config.yaml)', () => {
    expect(kindCreateSettings({ nodeImage: 'a:1', env: { OCILAB_KIND_NODE_IMAGE: 'b:2' } })).toEqual({ nodeImage: 'a:1' });
    expect(kindCreateSettings({ env: { OCILAB_KIND_NODE_IMAGE: '', OCILAB_KIND_CONFIG: '' } })).toEqual({});
  });
  it('`ocilab prepare --warm --node-image X` creates the warm cluster with X (its help says so)', () => {
    const o = warmTargetOptions({ cacheDir: '/cache', nodeImage: 'localhost/ocilab/kind-node:v1.36.3', clusterName: 'talk' }, 'podman');
    expect(o).toMatchObject({ engine: 'podman', cacheDir: '/cache', clusterName: 'talk' });
    expect(kindCreateSettings({ ...o, env: { OCILAB_KIND_NODE_IMAGE: 'other:1' } })).toEqual({ nodeImage: 'localhost/ocilab/kind-node:v1.36.3' });
    expect(kindCreateSettings({ ...warmTargetOptions({ cacheDir: '/cache' }, 'docker'), env: {} })).toEqual({});
  });
});
