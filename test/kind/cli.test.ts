import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolCommandError, classifyFailure } from '../../src/kind/errors.js';
import { CommandAbortedError, CommandTimeoutError, ToolMissingError, runCommand } from '../../src/kind/exec.js';
import { detectProvider } from '../../src/kind/provider.js';
import { installFakeTools, type FakeTools } from '../fakes/fake-tools.js';
import { fakeRunner, tools } from './helpers.js';

describe('runCommand', () => {
  it('passes arguments without a shell', async () => {
    const r = await runCommand(['printf', '%s|', 'a b', '$HOME', ';rm -rf /']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'a b|$HOME|;rm -rf /|' });
  });
  it('feeds stdin and reports a non-zero exit as a result', async () => {
    const r = await runCommand(['sh', '-c', 'cat; echo oops >&2; exit 3'], { input: 'hello' });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'hello', stderr: 'oops\n' });
  });
  it('says when the tool is not installed', async () => {
    await expect(runCommand(['ocilab-no-such-tool'])).rejects.toBeInstanceOf(ToolMissingError);
  });
  it('stops on timeout and on abort', async () => {
    await expect(runCommand(['sleep', '5'], { timeoutMs: 100 })).rejects.toBeInstanceOf(CommandTimeoutError);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = Date.now();
    await expect(runCommand(['sleep', '5'], { signal: ac.signal })).rejects.toBeInstanceOf(CommandAbortedError);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('classifyFailure: real tools\' messages', () => {
  const rows: [string, string][] = [
    ['Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?', 'daemon-not-running'],
    ['ERROR: failed to create cluster: node(s) already exist for a cluster with the name "kind"', 'cluster-exists'],
    ['Error response from daemon: endpoint with name kind-registry already exists in network kind', 'already-connected'],
    ['Error response from daemon: No such container: kind-registry', 'no-such-container'],
    ['Error: no container with name or ID "kind-registry" found: no such container', 'no-such-container'],
    ['Error response from daemon: container 4f2a9c is not running', 'container-stopped'],
    ['docker: Error response from daemon: Conflict. The container name "/kind-registry" is already in use by container "abc".', 'name-in-use'],
    ['Bind for 127.0.0.1:5001 failed: port is already allocated.', 'port-in-use'],
    ['ERROR: image: "ghcr.io/fluxcd/source-controller:v1.9.5" not present locally', 'image-not-present'],
    ['ERROR: failed to list clusters: command "docker ps -a ..." failed with error: exec: "docker": executable file not found in $PATH', 'engine-missing'],
    ['Cannot connect to Podman. Please verify your connection to the Linux system', 'daemon-not-running'],
    ['something else entirely', 'unknown'],
  ];
  for (const [text, code] of rows) it(code + ': ' + text.slice(0, 50), () => expect(classifyFailure(text)).toBe(code));
});

describe('wrappers against FAKE docker/kind', () => {
  let fakes: FakeTools;
  beforeAll(async () => {
    fakes = await installFakeTools();
  });
  afterAll(() => fakes.remove());

  it('kind create cluster on an existing name returns false (reuse), other failures throw', async () => {
    const { kind } = tools(fakes);
    expect(await kind.createCluster({ name: 'x' })).toBe(true);
    expect(await kind.createCluster({ name: 'x' })).toBe(false);
    expect(await kind.getClusters()).toEqual(['x']);
    expect(await kind.getNodes('x')).toEqual(['x-control-plane']);
    expect(await kind.getNodes('nope')).toEqual([]);
    const err = await kind.createCluster({ name: 'y', configPath: '/nonexistent.yaml' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolCommandError);
    expect((err as Error).message).toContain('error reading file: open /nonexistent.yaml');
    await kind.deleteCluster('x');
    expect(await kind.getClusters()).toEqual([]);
  });

  it('kind load: command lines, and a clear error for an image that is not in the engine', async () => {
    const { kind } = tools(fakes);
    await kind.createCluster({ name: 'load' });
    await fakes.clearLog();
    await kind.loadDockerImage(['registry:3'], 'load');
    const err = await kind.loadDockerImage(['ghcr.io/fluxcd/source-controller:v1.9.5'], 'load').catch((e: unknown) => e);
    expect((err as ToolCommandError).failure).toBe('image-not-present');
    expect((err as Error).message).toMatch(/not present locally — pull or load the image first/);
    expect(await fakes.commandLines()).toEqual([
      'kind load docker-image registry:3 --name load',
      'kind load docker-image ghcr.io/fluxcd/source-controller:v1.9.5 --name load',
    ]);
    expect((await fakes.state()).docker.loaded).toEqual(['load:registry:3']);
    await kind.deleteCluster('load');
  });

  it('docker run offline without the image: the error says so', async () => {
    const { engine } = tools(fakes);
    const err = await engine.run({ name: 'r', image: 'registry:2' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/docker run -d --name r registry:2` failed \(exit 125\).*Unable to find image 'registry:2' locally/s);
  });

  it('network connect twice is fine; network gateway is the IPv4 one', async () => {
    const { engine, kind } = tools(fakes);
    await kind.createCluster({ name: 'net' });
    await engine.run({ name: 'c', image: 'registry:3', network: 'bridge' });
    await engine.connect('kind', 'c');
    await engine.connect('kind', 'c');
    expect((await engine.inspect('c'))?.networks).toEqual(['bridge', 'kind']);
    expect(await engine.networkGateway('kind')).toBe('172.18.0.1');
    await engine.remove('c');
    expect(await engine.inspect('c')).toBeUndefined();
    await kind.deleteCluster('net');
  });

  it('daemon down: queries and changes fail with the fix in the message', async () => {
    await fakes.setState((s) => {
      s.docker.daemon = false;
    });
    const { engine, kind } = tools(fakes);
    // One call at a time: a second promise created up front could reject before its catch is attached.
    for (const call of [() => engine.inspect('kind-registry'), () => kind.getClusters()]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ToolCommandError);
      expect((err as ToolCommandError).failure).toBe('daemon-not-running');
      expect((err as Error).message).toContain('start Docker Desktop / `sudo systemctl start docker`');
    }
    await fakes.setState((s) => {
      s.docker.daemon = true;
    });
  });
});

describe('detectProvider against FAKE engines', () => {
  const cases: [string, { docker?: boolean; podman?: boolean }, (s: any) => void, Record<string, string>, object][] = [
    ['docker running', { docker: true }, () => {}, {}, { engine: 'docker', usable: true }],
    ['docker daemon down, no podman', { docker: true }, (s) => (s.docker.daemon = false), {}, { engine: 'docker', usable: false, reason: 'docker is installed but its daemon does not answer' }],
    ['docker down, podman works', { docker: true, podman: true }, (s) => (s.docker.daemon = false), {}, { engine: 'docker', usable: false, reason: expect.stringContaining('set KIND_EXPERIMENTAL_PROVIDER=podman') }],
    ['only podman', { docker: false, podman: true }, () => {}, {}, { engine: 'podman', usable: true }],
    ['forced podman', { docker: true, podman: true }, () => {}, { KIND_EXPERIMENTAL_PROVIDER: 'podman' }, { engine: 'podman', usable: true, reason: 'KIND_EXPERIMENTAL_PROVIDER=podman' }],
    ['podman machine stopped', { docker: false, podman: true }, (s) => (s.podman.daemon = false), {}, { engine: 'podman', usable: false }],
    ['nothing installed', { docker: false, podman: false }, () => {}, {}, { usable: false, reason: 'neither docker nor podman is installed' }],
  ];
  for (const [what, installed, mutate, env, expected] of cases) {
    it(what, async () => {
      const fakes = await installFakeTools({ ...installed, kind: false });
      try {
        await fakes.setState(mutate);
        const d = await detectProvider({ env, runner: fakeRunner(fakes) });
        expect(d).toMatchObject(expected);
        if (what === 'nothing installed') expect(d.engine).toBeUndefined();
        if (d.engine === 'docker' && !d.usable) {
          expect(d.probes[0]).toMatchObject({ installed: true, running: false, clientVersion: '28.2.2', error: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' });
        }
      } finally {
        await fakes.remove();
      }
    });
  }
});

describe('FAKE tools environment: nothing of this machine leaks in', () => {
  it('tools in /usr/bin (where a real podman or docker lives) are not on the fakes\' PATH', async () => {
    const fakes = await installFakeTools({ docker: false, podman: false, kind: false });
    try {
      // ls is in /usr/bin or /bin on every machine, like an installed podman would be.
      await expect(fakeRunner(fakes)(['ls'])).rejects.toBeInstanceOf(ToolMissingError);
      // The utilities the fakes themselves use are there.
      expect(await fakeRunner(fakes)(['sh', '-c', 'echo a | sed s/a/b/'])).toMatchObject({ exitCode: 0, stdout: 'b\n' });
    } finally {
      await fakes.remove();
    }
  });
  it('variables that steer kind and the engines are unset for the fakes\' children', async () => {
    const fakes = await installFakeTools({ docker: false, podman: false, kind: false });
    const saved = process.env.KIND_EXPERIMENTAL_PROVIDER;
    process.env.KIND_EXPERIMENTAL_PROVIDER = 'podman';
    try {
      const r = await fakeRunner(fakes)(['sh', '-c', 'echo "${KIND_EXPERIMENTAL_PROVIDER-unset}"']);
      expect(r.stdout).toBe('unset\n');
    } finally {
      if (saved === undefined) delete process.env.KIND_EXPERIMENTAL_PROVIDER;
      else process.env.KIND_EXPERIMENTAL_PROVIDER = saved;
      await fakes.remove();
    }
  });
});

describe('parseInspect: docker and podman inspect JSON', () => {
  it('docker 28 shape (leading slash, Labels {}, Ports with bindings)', async () => {
    const { parseInspect } = await import('../../src/kind/container-engine.js');
    const json = JSON.stringify([
      {
        Id: 'e3b0c442',
        Name: '/kind-registry',
        State: { Status: 'running', Running: true, Paused: false },
        Config: { Image: 'registry:3', Labels: { 'io.ocilab.managed': 'true' } },
        NetworkSettings: { Ports: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '5001' }] }, Networks: { bridge: { IPAddress: '172.17.0.2' }, kind: { IPAddress: '172.18.0.3' } } },
      },
    ]);
    expect(parseInspect(json, 'kind-registry')).toEqual({
      name: 'kind-registry',
      image: 'registry:3',
      running: true,
      labels: { 'io.ocilab.managed': 'true' },
      networks: ['bridge', 'kind'],
      ports: { '5000/tcp': [{ hostIp: '127.0.0.1', hostPort: '5001' }] },
    });
  });
  it('podman shape (no slash, Labels null, exposed port without binding, ImageName)', async () => {
    const { parseInspect } = await import('../../src/kind/container-engine.js');
    const json = JSON.stringify([
      { Id: 'x', Name: 'kind-registry', ImageName: 'docker.io/library/registry:3', State: { Running: false }, Config: { Labels: null }, NetworkSettings: { Ports: { '5000/tcp': null }, Networks: { podman: {} } } },
    ]);
    expect(parseInspect(json, 'kind-registry')).toMatchObject({ running: false, labels: {}, networks: ['podman'], ports: { '5000/tcp': [] } });
  });
  it('says what it got when the output is not JSON', async () => {
    const { parseInspect } = await import('../../src/kind/container-engine.js');
    expect(() => parseInspect('Error: oops', 'r')).toThrow('container inspect r: output is not JSON: Error: oops');
  });
});
