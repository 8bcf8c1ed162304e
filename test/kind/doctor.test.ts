import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kindDoctor, parseCosignVersion, parseFluxVersion, parseKindVersion, parseKubectlVersion } from '../../src/kind/doctor.js';
import { runCommand, type CommandRunner } from '../../src/kind/exec.js';
import { installFakeTools, type FakeTools } from '../fakes/fake-tools.js';

/** Only the FAKE tools on PATH: kubectl, flux and cosign are absent. */
const onlyFakes = (fakes: FakeTools): CommandRunner => (argv, o = {}) => runCommand(argv, { ...o, env: { ...fakes.env, PATH: fakes.binDir, ...o.env } });

function listen(port = 0): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}
const portOf = (s: Server) => (s.address() as { port: number }).port;

describe('kindDoctor against FAKE docker/kind', () => {
  let fakes: FakeTools;
  beforeEach(async () => {
    fakes = await installFakeTools();
  });
  afterEach(() => fakes.remove());

  it('a working engine: versions, free port, disk, images with pull commands for the missing ones', async () => {
    const probe = await listen();
    const port = portOf(probe);
    await new Promise((r) => probe.close(r));
    const report = await kindDoctor({ runner: onlyFakes(fakes), env: {}, registryPort: port, minFreeBytes: 1, images: ['registry:3', 'ghcr.io/fluxcd/source-controller:v1.9.5'] });
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(report.ok).toBe(true);
    expect(byId.engine).toMatchObject({ ok: true, label: 'docker 28.2.2' });
    expect(byId.kind).toMatchObject({ ok: true, label: 'kind v0.32.0' });
    expect(byId.kubectl).toMatchObject({ ok: false, required: false, detail: 'not installed' });
    expect(byId.flux?.fix).toContain('flux');
    expect(byId.cosign).toMatchObject({ ok: false, required: false });
    expect(byId.port).toMatchObject({ ok: true, label: `127.0.0.1:${port}` });
    expect(byId.disk?.ok).toBe(true);
    expect(byId['image:registry:3']).toMatchObject({ ok: true });
    expect(byId['image:ghcr.io/fluxcd/source-controller:v1.9.5']).toMatchObject({
      ok: false,
      fix: 'docker pull ghcr.io/fluxcd/source-controller:v1.9.5   (while online; or run `ocilab prepare`)',
    });
  });

  it('daemon down: a blocking problem with the command that fixes it, and no image checks', async () => {
    await fakes.setState((s) => {
      s.docker.daemon = false;
    });
    const report = await kindDoctor({ runner: onlyFakes(fakes), env: {}, minFreeBytes: 1 });
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({
      id: 'engine',
      ok: false,
      detail: 'docker is installed but its daemon does not answer: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      fix: expect.stringContaining('sudo systemctl start docker'),
    });
    expect(report.checks.some((c) => c.id.startsWith('image:'))).toBe(false);
  });

  it('port taken by another process fails; taken by the running kind-registry passes', async () => {
    const busy = await listen();
    try {
      let report = await kindDoctor({ runner: onlyFakes(fakes), env: {}, registryPort: portOf(busy), minFreeBytes: 1, images: [] });
      expect(report.checks.find((c) => c.id === 'port')).toMatchObject({ ok: false, fix: expect.stringContaining(`ss -ltnp 'sport = :${portOf(busy)}'`) });
      await fakes.setState((s) => {
        s.docker.containers['kind-registry'] = { id: 'r', image: 'registry:3', running: true, labels: {}, networks: ['bridge'], files: {} };
      });
      report = await kindDoctor({ runner: onlyFakes(fakes), env: {}, registryPort: portOf(busy), minFreeBytes: 1, images: [] });
      expect(report.checks.find((c) => c.id === 'port')).toMatchObject({ ok: true, detail: 'in use by the kind-registry container (reused)' });
    } finally {
      busy.close();
    }
  });

  it('not enough disk', async () => {
    const report = await kindDoctor({ runner: onlyFakes(fakes), env: {}, minFreeBytes: Number.MAX_SAFE_INTEGER, images: [] });
    expect(report.checks.find((c) => c.id === 'disk')).toMatchObject({ ok: false, fix: expect.stringContaining('docker system prune') });
    expect(report.ok).toBe(false);
  });
});

describe('version parsers (real tools\' output)', () => {
  it.each([
    [parseKindVersion, 'kind v0.32.0 go1.24.6 linux/amd64\n', 'v0.32.0'],
    [parseKubectlVersion, '{"clientVersion":{"major":"1","minor":"34","gitVersion":"v1.34.1"},"kustomizeVersion":"v5.7.1"}', 'v1.34.1'],
    [parseKubectlVersion, 'Client Version: v1.34.1\nKustomize Version: v5.7.1\n', 'v1.34.1'],
    [parseFluxVersion, 'flux: v2.9.5\n', 'v2.9.5'],
    [parseCosignVersion, '{"gitVersion":"v3.1.2","gitCommit":"abc","platform":"linux/amd64"}', 'v3.1.2'],
    [parseCosignVersion, '  ______   ______\nGitVersion:    v3.1.2\nGitCommit:     abc\n', 'v3.1.2'],
  ])('%#', (parse, out, version) => expect(parse(out)).toBe(version));
});
