import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionContext, ReportedMeasurement } from '../../src/engine/action-definition.js';
import { ociActions } from '../../src/oci/actions.js';
import { peer } from '../helpers/peers.js';
import { startRegistry, type RunningRegistry } from './registry-peers.js';
import { makeSourceTree } from './tree.js';
import { actionContext } from '../helpers/action-context.js';

const hasRegistry = peer('docker-registry', 'scripts/ci/install-oci.sh');
const action = (name: string) => ociActions.find((a) => a.name === name)!;

describe.skipIf(!hasRegistry)('oci actions', () => {
  let reg: RunningRegistry;
  let work: string;
  beforeAll(async () => {
    reg = await startRegistry('docker-registry');
    work = await mkdtemp(join(tmpdir(), 'ocilab-actions-'));
    await makeSourceTree(join(work, 'manifests'));
  });
  afterAll(async () => {
    await reg?.stop();
    await rm(work, { recursive: true, force: true });
  });

  function ctx(): ActionContext & { reports: ReportedMeasurement[]; lines: string[] } {
    const { ctx, measurements, lines } = actionContext(work);
    return Object.assign(ctx, { reports: measurements, lines });
  }

  it('push, tag, pull set variables and report measurements', async () => {
    const c = ctx();
    const url = `oci://${reg.host}/scenario/app:v1`;
    const pushArgs = action('artifact.push').args.parse({ url, path: 'manifests', source: 'https://git.example/app', revision: 'main@sha1:1234' });
    expect(await action('artifact.push').run(pushArgs, c)).toEqual({ ok: true });
    expect(c.vars['artifact.digest']).toMatch(/^sha256:/);
    expect(c.vars['artifact.url']).toBe(`oci://${reg.host}/scenario/app@${c.vars['artifact.digest']}`);
    expect(await action('artifact.tag').run(action('artifact.tag').args.parse({ url, tag: ['prod'] }), c)).toEqual({ ok: true });
    expect(await action('artifact.pull').run(action('artifact.pull').args.parse({ url: `oci://${reg.host}/scenario/app:prod` }), c)).toEqual({ ok: true });
    expect(c.vars['artifact.revision']).toBe('main@sha1:1234');
    expect(c.vars['artifact.path']).toBe(join(work, 'artifact'));
    expect(c.reports.map((r) => `${r.method} ${r.metric}`)).toEqual(expect.arrayContaining(['oci pull manifest_ms', 'oci pull layer_ms', 'oci pull extract_ms', 'oci pull bytes_down', 'oci push wall_ms']));
  });

  it('a failure is a result with a message a learner can act on', async () => {
    const c = ctx();
    const res = await action('artifact.pull').run(action('artifact.pull').args.parse({ url: `oci://${reg.host}/scenario/missing:v9` }), c);
    expect(res.ok).toBe(false);
    expect(res.message).toMatch(/manifest scenario\/missing:v9: not found/);
  });

  it('arguments are validated at load', () => {
    expect(action('artifact.push').args.safeParse({ url: 'oci://x/y' }).success).toBe(false);
  });
});
