/** NODE_ENV: production for ocilab's own React, never imposed on the processes a scenario runs. */
import { afterEach, describe, expect, it } from 'vitest';
import { childEnv, defaultNodeEnvToProduction } from '../../src/process/node-env.js';

describe('defaultNodeEnvToProduction', () => {
  it.each([
    [{}, true, 'production'],
    [{ NODE_ENV: 'development' }, false, 'development'],
    [{ NODE_ENV: '' }, false, ''],
    [{ VITEST: 'true' }, false, undefined],
  ] as [NodeJS.ProcessEnv, boolean, string | undefined][])('%j → set %s, NODE_ENV %s', (env, set, after) => {
    expect(defaultNodeEnvToProduction(env)).toBe(set);
    expect(env.NODE_ENV).toBe(after);
  });
});

describe('childEnv', () => {
  const saved = { NODE_ENV: process.env.NODE_ENV, VITEST: process.env.VITEST };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('passes process.env and the extra variables (undefined removes one)', () => {
    process.env.OCILAB_NODE_ENV_TEST = 'x';
    try {
      const env = childEnv({ A: '1', OCILAB_NODE_ENV_TEST: undefined });
      expect(env.A).toBe('1');
      expect(env.OCILAB_NODE_ENV_TEST).toBeUndefined();
      expect(env.PATH).toBe(process.env.PATH);
    } finally {
      delete process.env.OCILAB_NODE_ENV_TEST;
    }
  });

  it('leaves out a NODE_ENV that ocilab defaulted for itself', () => {
    delete process.env.NODE_ENV;
    delete process.env.VITEST;
    expect(defaultNodeEnvToProduction()).toBe(true);
    expect(process.env.NODE_ENV).toBe('production');
    expect(childEnv().NODE_ENV).toBeUndefined();
    expect(childEnv({ NODE_ENV: 'test' }).NODE_ENV).toBe('test');
  });
});
