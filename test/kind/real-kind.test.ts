/**
 * The real kind CLI (sigs.k8s.io/kind v0.32.0, installed by scripts/ci/install-kube.sh)
 * driven by ocilab's KindCli. No container engine exists here, so kind talks to the FAKE
 * docker/podman: this checks that kind's own docker command lines are ones the fake answers
 * like docker would, and that ocilab reads kind's real error wrapping correctly.
 */
import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToolCommandError } from '../../src/kind/errors.js';
import { KindCli } from '../../src/kind/kind-cli.js';
import { runCommand, type CommandRunner } from '../../src/kind/exec.js';
import { peer } from '../helpers/peers.js';
import { installFakeTools, type FakeTools } from '../fakes/fake-tools.js';
import { fakeRunner, tools } from './helpers.js';

const realKind = peer('kind', 'scripts/ci/install-kube.sh installs kind v0.32.0 with go install');

describe.skipIf(!realKind)('real kind CLI with FAKE engines', () => {
  let fakes: FakeTools;
  beforeEach(async () => {
    fakes = await installFakeTools({ docker: true, podman: true, kind: false });
    await symlink(realKind!, join(fakes.binDir, 'kind'));
  });
  afterEach(() => fakes.remove());

  it('reports its version', async () => {
    expect(await new KindCli('docker', { runner: fakeRunner(fakes) }).version()).toBe('v0.32.0');
  });

  it('lists the clusters and nodes the fake engine holds, through its own docker ps calls', async () => {
    await fakes.setState((s) => {
      for (const [node, cluster] of [['ocilab-control-plane', 'ocilab'], ['other-control-plane', 'other'], ['other-worker', 'other']] as const) {
        s.docker.containers[node] = { id: node, image: 'kindest/node', running: true, labels: { 'io.x-k8s.kind.cluster': cluster }, networks: ['kind'], files: {} };
      }
    });
    const { kind } = tools(fakes);
    expect(await kind.getClusters()).toEqual(['ocilab', 'other']);
    expect((await kind.getNodes('other')).sort()).toEqual(['other-control-plane', 'other-worker']);
    const lines = await fakes.commandLines();
    expect(lines).toContain('docker ps -a --filter label=io.x-k8s.kind.cluster --format {{.Label "io.x-k8s.kind.cluster"}}');
  });

  it('docker daemon down: kind\'s wrapped error is classified and explained', async () => {
    await fakes.setState((s) => {
      s.docker.daemon = false;
    });
    const err = await tools(fakes).kind.getClusters().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolCommandError);
    expect((err as ToolCommandError).failure).toBe('daemon-not-running');
    expect((err as ToolCommandError).result.stderr).toContain('ERROR: failed to list clusters: command "docker ps -a --filter label=io.x-k8s.kind.cluster');
  });

  it('podman provider: KIND_EXPERIMENTAL_PROVIDER=podman makes kind call podman', async () => {
    await fakes.setState((s) => {
      s.podman.containers['p-control-plane'] = { id: 'p', image: 'kindest/node', running: true, labels: { 'io.x-k8s.kind.cluster': 'p' }, networks: ['kind'], files: {} };
    });
    const { kind } = tools(fakes, 'podman');
    expect(await kind.getClusters()).toEqual(['p']);
    const inv = await fakes.invocations();
    expect(inv.some((i) => i.tool === 'podman' && i.argv[0] === 'ps')).toBe(true);
    expect(inv.some((i) => i.tool === 'docker' && i.argv[0] === 'ps')).toBe(false);
  });

  it('no engine on PATH: engine-missing', async () => {
    await rm(join(fakes.binDir, 'docker'));
    await rm(join(fakes.binDir, 'podman'));
    const err = await tools(fakes).kind.getClusters().catch((e: unknown) => e);
    expect((err as ToolCommandError).failure).toBe('engine-missing');
  });
});

describe.skipIf(!realKind)('real kind CLI: the engine ocilab chose, whatever the shell says', () => {
  let fakes: FakeTools;
  beforeEach(async () => {
    fakes = await installFakeTools({ docker: true, podman: true, kind: false });
    await symlink(realKind!, join(fakes.binDir, 'kind'));
    await fakes.setState((s) => {
      s.docker.containers['d-control-plane'] = { id: 'd', image: 'kindest/node', running: true, labels: { 'io.x-k8s.kind.cluster': 'd' }, networks: ['kind'], files: {} };
      s.podman.containers['p-control-plane'] = { id: 'p', image: 'kindest/node', running: true, labels: { 'io.x-k8s.kind.cluster': 'p' }, networks: ['kind'], files: {} };
    });
  });
  afterEach(() => fakes.remove());

  it('docker chosen: a KIND_EXPERIMENTAL_PROVIDER=podman left in the environment does not reach kind', async () => {
    // The user's shell, as a runner: the fakes' PATH and files, plus the stray variable.
    const shell: CommandRunner = (argv, o = {}) => runCommand(argv, { ...o, env: { ...fakes.env, KIND_EXPERIMENTAL_PROVIDER: 'podman', ...o.env } });
    expect(await new KindCli('docker', { runner: shell }).getClusters()).toEqual(['d']);
    const inv = await fakes.invocations();
    expect(inv.some((i) => i.tool === 'podman')).toBe(false);
  });

  it('podman chosen: kind is told podman even when the shell says docker', async () => {
    const shell: CommandRunner = (argv, o = {}) => runCommand(argv, { ...o, env: { ...fakes.env, KIND_EXPERIMENTAL_PROVIDER: 'docker', ...o.env } });
    expect(await new KindCli('podman', { runner: shell }).getClusters()).toEqual(['p']);
  });
});
