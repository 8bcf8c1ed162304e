/** `ocilab doctor --target kind` is kindDoctor()'s report (FAKE docker/kind), each tool probed once, fixes printed. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/commands/doctor-probes.js';
import { formatReport } from '../../src/commands/doctor.js';
import { runCommand, type CommandRunner } from '../../src/kind/exec.js';
import { installFakeTools, type FakeTools } from '../fakes/fake-tools.js';

const onlyFakes = (fakes: FakeTools): CommandRunner => (argv, o = {}) => runCommand(argv, { ...o, env: { ...fakes.env, PATH: fakes.binDir, ...o.env } });

describe('ocilab doctor with the kind target', () => {
  it('reports engine, tools, port, disk and images with the fixing commands; kind is probed once', async () => {
    const fakes = await installFakeTools();
    try {
      await fakes.setState((s) => {
        s.docker.daemon = false;
      });
      const reports = await diagnose(['local', 'kind'], { runner: onlyFakes(fakes), env: {}, minFreeBytes: 1, registryPort: 0 });
      const kind = reports.find((r) => r.target === 'kind')!;
      expect(kind.ready).toBe(false);
      expect(kind.missing).toEqual(['docker']);
      const ids = kind.checks!.map((c) => c.id);
      expect(ids).toEqual(['engine', 'kind', 'kubectl', 'flux', 'cosign', 'port', 'disk']);
      const text = formatReport(reports, false);
      expect(text).toContain('kind: not ready: needs docker');
      expect(text).toMatch(/NO docker: .*Cannot connect to the Docker daemon/);
      expect(text).toContain('fix: start the Docker daemon');
      expect(text).toContain('ok kind v0.32.0: creates the cluster');
      expect(text).toMatch(/-- flux: not installed \[optional\]\n +fix: brew install fluxcd\/tap\/flux/);
      const calls = await fakes.commandLines();
      expect(calls.filter((c) => c === 'kind version')).toHaveLength(1);
      expect(reports.find((r) => r.target === 'local')?.ready).toBe(true);
    } finally {
      await fakes.remove();
    }
  });

  it('images missing from the engine store come with their pull command', async () => {
    const fakes = await installFakeTools();
    try {
      const [kind] = await diagnose(['kind'], { runner: onlyFakes(fakes), env: {}, minFreeBytes: 1, registryPort: 0, images: ['registry:3', 'ghcr.io/stefanprodan/podinfo:6.7.1'] });
      expect(kind!.ready).toBe(true);
      const text = formatReport([kind!], false);
      expect(text).toContain('ok registry:3: present');
      expect(text).toContain('fix: docker pull ghcr.io/stefanprodan/podinfo:6.7.1   (while online; or run `ocilab prepare`)');
    } finally {
      await fakes.remove();
    }
  });
});
