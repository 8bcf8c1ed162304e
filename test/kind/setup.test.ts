import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupKind } from '../../src/kind/cleanup.js';
import { ClusterOwnership } from '../../src/kind/ownership.js';
import { hostsToml } from '../../src/kind/registry.js';
import { DEFAULT_KIND_CONFIG, ensureKindWithRegistry, loadImagesIntoKind } from '../../src/kind/setup.js';
import { Plan } from '../../src/kube/plan.js';
import { installFakeTools, type FakeTools } from '../fakes/fake-tools.js';
import { tools } from './helpers.js';

const HOSTS_DIR = '/etc/containerd/certs.d/localhost:5001';
/**
 * These tests make 5-20 FAKE kind/docker calls, each a new Node process. Measured on the
 * shared 2-core machine at load average 25: a bare `node -e 0` takes ~0.9 s of wall time, a
 * fake call ~1.0-1.2 s (user CPU ~0.1 s: waiting for a core, not working), and the tests
 * took 17-37 s each (the default timeout is 30 s). Unloaded they take ~2 s.
 */
const MANY_FAKE_CALLS_MS = 90_000;

describe('ensureKindWithRegistry against FAKE kind/docker', { timeout: MANY_FAKE_CALLS_MS }, () => {
  let fakes: FakeTools;
  let stateDir: string;
  let ownership: ClusterOwnership;
  beforeEach(async () => {
    fakes = await installFakeTools();
    stateDir = await mkdtemp(join(tmpdir(), 'ocilab-kind-state-'));
    ownership = new ClusterOwnership(join(stateDir, 'kind-clusters.json'));
  });
  afterEach(async () => {
    await fakes.remove();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('from nothing: runs the commands of kind\'s local-registry guide, in its order', async () => {
    const { kind, engine } = tools(fakes);
    const report = await ensureKindWithRegistry(kind, engine, { clusterName: 'ocilab', ownership });
    expect(await fakes.commandLines()).toEqual([
      'docker container inspect kind-registry',
      'docker run -d --restart=always -p 127.0.0.1:5001:5000 --network bridge --name kind-registry --label io.ocilab.managed=true -e REGISTRY_STORAGE_DELETE_ENABLED=true registry:3',
      'kind get clusters',
      `kind create cluster --name ocilab --config ${DEFAULT_KIND_CONFIG} --wait 120s`,
      'kind get nodes --name ocilab',
      `docker exec ocilab-control-plane cat ${HOSTS_DIR}/hosts.toml`,
      `docker exec ocilab-control-plane mkdir -p ${HOSTS_DIR}`,
      `docker exec -i ocilab-control-plane cp /dev/stdin ${HOSTS_DIR}/hosts.toml`,
      'docker container inspect kind-registry',
      'docker network connect kind kind-registry',
    ]);
    const inv = await fakes.invocations();
    expect(inv.find((i) => i.argv.includes('/dev/stdin'))?.stdin).toBe('[host."http://kind-registry:5000"]\n');
    expect(report).toMatchObject({ registry: { outcome: 'created', managed: true }, cluster: 'created', nodesWritten: ['ocilab-control-plane'], networkConnected: true });
    expect(report.configMap.data['localRegistryHosting.v1']).toContain('host: "localhost:5001"');
    expect(await ownership.owns('ocilab')).toBe(true);
    const s = await fakes.state();
    expect(s.docker.containers['kind-registry']!.networks).toEqual(['bridge', 'kind']);
    expect(s.docker.containers['ocilab-control-plane']!.files[`${HOSTS_DIR}/hosts.toml`]).toBe(hostsToml());
  });

  it('is idempotent: a second run only looks and changes nothing', async () => {
    const { kind, engine } = tools(fakes);
    await ensureKindWithRegistry(kind, engine, { clusterName: 'ocilab', ownership });
    await fakes.clearLog();
    const report = await ensureKindWithRegistry(kind, engine, { clusterName: 'ocilab', ownership });
    expect(await fakes.commandLines()).toEqual([
      'docker container inspect kind-registry',
      'kind get clusters',
      'kind get nodes --name ocilab',
      `docker exec ocilab-control-plane cat ${HOSTS_DIR}/hosts.toml`,
      'docker container inspect kind-registry',
    ]);
    expect(report).toMatchObject({ registry: { outcome: 'reused' }, cluster: 'reused', nodesWritten: [], networkConnected: false });
  });

  it('repairs a half-made setup: registry stopped and off the kind network, one node without hosts.toml', async () => {
    const { kind, engine } = tools(fakes);
    await ensureKindWithRegistry(kind, engine, { clusterName: 'ocilab', ownership });
    await fakes.setState((s) => {
      const reg = s.docker.containers['kind-registry']!;
      reg.running = false;
      reg.networks = ['bridge'];
      delete s.docker.containers['ocilab-control-plane']!.files[`${HOSTS_DIR}/hosts.toml`];
    });
    await fakes.clearLog();
    const report = await ensureKindWithRegistry(kind, engine, { clusterName: 'ocilab', ownership });
    const lines = await fakes.commandLines();
    expect(lines).toContain('docker start kind-registry');
    expect(lines).toContain(`docker exec -i ocilab-control-plane cp /dev/stdin ${HOSTS_DIR}/hosts.toml`);
    expect(lines).toContain('docker network connect kind kind-registry');
    expect(lines.some((l) => l.startsWith('kind create') || l.startsWith('docker run'))).toBe(false);
    expect(report).toMatchObject({ registry: { outcome: 'started' }, cluster: 'reused', nodesWritten: ['ocilab-control-plane'], networkConnected: true });
  });

  it('writes hosts.toml on every node of a multi-node cluster', async () => {
    const { kind, engine } = tools(fakes);
    const config = join(stateDir, 'three-nodes.yaml');
    await writeFile(config, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n- role: worker\n');
    const report = await ensureKindWithRegistry(kind, engine, { clusterName: 'demo', configPath: config, ownership });
    expect(report.nodesWritten).toEqual(['demo-control-plane', 'demo-worker', 'demo-worker2']);
  });

  it('reuses a cluster the user made and does not claim it; cleanup leaves it and their registry alone', async () => {
    await fakes.setState((s) => {
      s.docker.networks.push('kind');
      s.docker.containers['kind-control-plane'] = { id: 'k', image: 'kindest/node', running: true, labels: { 'io.x-k8s.kind.cluster': 'kind' }, networks: ['kind'], files: {}, dirs: [] };
      s.docker.containers['kind-registry'] = { id: 'r', image: 'registry:2', running: true, labels: {}, networks: ['bridge', 'kind'], publish: ['127.0.0.1:5001:5000'], files: {} };
    });
    const { kind, engine } = tools(fakes);
    const report = await ensureKindWithRegistry(kind, engine, { clusterName: 'kind', ownership });
    expect(report).toMatchObject({ registry: { outcome: 'reused', managed: false }, cluster: 'reused' });
    expect(report.registry.warning).toBeUndefined();
    expect(await ownership.list()).toEqual([]);
    await fakes.clearLog();
    const cleaned = await cleanupKind(kind, engine, ownership);
    expect(cleaned).toEqual({ clustersDeleted: [], clustersAlreadyGone: [], containersRemoved: [] });
    expect(await fakes.commandLines()).toEqual(['docker ps -a --filter label=io.ocilab.managed=true --format {{.Names}}']);
    const s = await fakes.state();
    expect(Object.keys(s.docker.containers).sort()).toEqual(['kind-control-plane', 'kind-registry']);
  });

  it('cleanup removes exactly what ocilab created', async () => {
    await fakes.setState((s) => {
      s.docker.containers['users-db'] = { id: 'u', image: 'postgres', running: true, labels: { app: 'db' }, networks: ['bridge'], files: {} };
    });
    const { kind, engine } = tools(fakes);
    await ensureKindWithRegistry(kind, engine, { clusterName: 'ocilab', ownership });
    await fakes.clearLog();
    const cleaned = await cleanupKind(kind, engine, ownership);
    expect(cleaned).toEqual({ clustersDeleted: ['ocilab'], clustersAlreadyGone: [], containersRemoved: ['kind-registry'], networkRemoved: 'kind' });
    expect(await fakes.commandLines()).toEqual([
      'kind get clusters',
      'kind delete cluster --name ocilab',
      'docker ps -a --filter label=io.ocilab.managed=true --format {{.Names}}',
      'docker rm -f -v kind-registry',
      'kind get clusters',
      'docker ps -a --filter network=kind --format {{.Names}}',
      'docker network rm kind',
    ]);
    expect(Object.keys((await fakes.state()).docker.containers)).toEqual(['users-db']);
    expect((await fakes.state()).docker.networks).not.toContain('kind');
    expect(await ownership.list()).toEqual([]);
  });

  it('dry-run records the plan and runs nothing', async () => {
    const plan = new Plan();
    const { kind, engine } = tools(fakes, 'docker', plan);
    await ensureKindWithRegistry(kind, engine, { clusterName: 'ocilab', configPath: 'cluster/kind-config.yaml', ownership });
    expect(await fakes.invocations()).toEqual([]);
    expect(await ownership.list()).toEqual([]);
    expect(plan.toText()).toBe(
      [
        '# local registry localhost:5001 (kind local-registry guide)',
        '$ docker run -d --restart=always -p 127.0.0.1:5001:5000 --network bridge --name kind-registry --label io.ocilab.managed=true -e REGISTRY_STORAGE_DELETE_ENABLED=true registry:3',
        '$ kind create cluster --name ocilab --config cluster/kind-config.yaml --wait 120s',
        `$ docker exec ocilab-control-plane mkdir -p ${HOSTS_DIR}`,
        `$ docker exec -i ocilab-control-plane cp /dev/stdin ${HOSTS_DIR}/hosts.toml`,
        '  <<stdin',
        '  [host."http://kind-registry:5000"]',
        '  stdin',
        '$ docker network connect kind kind-registry',
      ].join('\n'),
    );
  });

  it('with podman: kind gets KIND_EXPERIMENTAL_PROVIDER=podman and containers go to podman', async () => {
    await fakes.remove();
    fakes = await installFakeTools({ docker: false, podman: true });
    const { kind, engine } = tools(fakes, 'podman');
    await ensureKindWithRegistry(kind, engine, { clusterName: 'ocilab', ownership });
    const inv = await fakes.invocations();
    expect(inv.filter((i) => i.tool === 'kind').every((i) => i.env?.KIND_EXPERIMENTAL_PROVIDER === 'podman')).toBe(true);
    expect(inv.filter((i) => i.tool !== 'kind').every((i) => i.tool === 'podman')).toBe(true);
    expect((await fakes.state()).podman.containers['kind-registry']!.networks).toContain('kind');
  });

  it('loading images for offline use: all missing ones named with their pull commands, nothing loaded', async () => {
    const { kind, engine } = tools(fakes);
    await kind.createCluster({ name: 'ocilab' });
    await fakes.clearLog();
    const images = ['registry:3', 'ghcr.io/fluxcd/source-controller:v1.9.5', 'ghcr.io/fluxcd/kustomize-controller:v1.9.5'];
    await expect(loadImagesIntoKind(kind, engine, 'ocilab', images)).rejects.toThrow(
      'not in the docker image store, so kind cannot load them: ghcr.io/fluxcd/source-controller:v1.9.5, ghcr.io/fluxcd/kustomize-controller:v1.9.5 — while online run: docker pull ghcr.io/fluxcd/source-controller:v1.9.5 && docker pull ghcr.io/fluxcd/kustomize-controller:v1.9.5',
    );
    expect((await fakes.commandLines()).some((l) => l.startsWith('kind load'))).toBe(false);
    await fakes.setState((s) => {
      s.docker.images.push(images[1]!, images[2]!);
    });
    await loadImagesIntoKind(kind, engine, 'ocilab', images);
    expect((await fakes.commandLines()).at(-1)).toBe(`kind load docker-image ${images.join(' ')} --name ocilab`);
  });

  it('loading images with podman: podman save + kind load image-archive per image (kind docker-image only sees docker)', async () => {
    await fakes.remove();
    fakes = await installFakeTools({ docker: true, podman: true });
    const { kind, engine } = tools(fakes, 'podman');
    await kind.createCluster({ name: 'ocilab' });
    const images = ['ghcr.io/fluxcd/source-controller:v1.9.5', 'ghcr.io/stefanprodan/podinfo:6.7.1'];
    await fakes.setState((s) => {
      s.docker.daemon = false;
      s.podman.images.push(...images);
    });
    await fakes.clearLog();
    await loadImagesIntoKind(kind, engine, 'ocilab', images);
    const lines = await fakes.commandLines();
    expect(lines.some((l) => l.startsWith('kind load docker-image'))).toBe(false);
    expect(lines.map((l) => l.replace(/\/\S*ocilab-kind-load-\w+\//g, '<tmp>/'))).toEqual([
      'podman image inspect --format {{.Id}} ghcr.io/fluxcd/source-controller:v1.9.5',
      'podman image inspect --format {{.Id}} ghcr.io/stefanprodan/podinfo:6.7.1',
      'podman save -o <tmp>/ghcr.io_fluxcd_source-controller_v1.9.5.tar ghcr.io/fluxcd/source-controller:v1.9.5',
      'kind load image-archive <tmp>/ghcr.io_fluxcd_source-controller_v1.9.5.tar --name ocilab',
      'podman save -o <tmp>/ghcr.io_stefanprodan_podinfo_6.7.1.tar ghcr.io/stefanprodan/podinfo:6.7.1',
      'kind load image-archive <tmp>/ghcr.io_stefanprodan_podinfo_6.7.1.tar --name ocilab',
    ]);
  });

  it('warns when a reused registry is published on another port', async () => {
    await fakes.setState((s) => {
      s.docker.containers['kind-registry'] = { id: 'r', image: 'registry:2', running: true, labels: {}, networks: ['bridge'], publish: ['5000:5000'], files: {} };
    });
    const { engine } = tools(fakes);
    const { ensureRegistry } = await import('../../src/kind/registry.js');
    expect(await ensureRegistry(engine)).toEqual({
      outcome: 'reused',
      managed: false,
      warning:
        'the existing kind-registry container publishes 5000/tcp on 0.0.0.0:5000, not 127.0.0.1:5001: pushes to localhost:5001 will fail. Remove it (docker rm -f kind-registry) to let ocilab create its own, or push to the port it uses.',
    });
  });
});
