import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushArtifact } from '../../src/oci/remote.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { measureCompare, measureContext } from './action-context.js';

let root: string;
let registry: RegistryHandle;
const ac = new AbortController();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'measure-actions-oci-'));
  registry = await startRegistry({ port: 0, signal: ac.signal });
  const app = join(root, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'deployment.yaml'), 'kind: Deployment\n');
  await pushArtifact(`oci://${registry.hostPort}/fleet/app:latest`, { path: app, source: 'test', revision: 'main@sha1:0' });
});
afterAll(async () => {
  ac.abort();
  await registry?.close();
  await rm(root, { recursive: true, force: true });
});

describe('measure.compare with ocilab’s own OCI client', () => {
  it('pull and HEAD through a counting proxy in front of the embedded registry', async () => {
    const { ctx, measurements } = measureContext(root);
    const action = measureCompare;
    const args = action.args.parse({
      methods: [
        { type: 'oci', reference: `${registry.hostPort}/fleet/app:latest`, mode: 'pull' },
        { type: 'oci', reference: `${registry.hostPort}/fleet/app:latest`, mode: 'head' },
      ],
      runs: 2,
      warmup: 1,
    });
    expect(await action.run(args, ctx)).toEqual({ ok: true });
    const get = (method: string, metric: string) => measurements.find((m) => !m.sample && m.method.startsWith(method) && m.metric === metric)?.value;
    expect(get('ocilab pull', 'requests')).toBe(2);
    expect(get('ocilab manifest HEAD', 'requests')).toBe(1);
    expect(get('ocilab pull', 'bytes_down')!).toBeGreaterThan(get('ocilab manifest HEAD', 'bytes_down')!);
    expect(ctx.cleanup.size).toBe(0);
  });
});
