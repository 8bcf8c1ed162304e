/** `kind create cluster --image/--config` for the kind target: options, else OCILAB_KIND_NODE_IMAGE / OCILAB_KIND_CONFIG, else kind's defaults. */
import { describe, expect, it } from 'vitest';
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
});
