/**
 * The real docker CLI (client only; scripts/ci/install-kube.sh extracts it from Debian's
 * docker.io package when absent) with DOCKER_HOST at a socket that does not exist: the
 * engine probe, inspect and the real kind must all say "daemon not running" the way users
 * will see it. No daemon is needed or started.
 */
import { describe, expect, it } from 'vitest';
import { ContainerEngine } from '../../src/kind/container-engine.js';
import { ToolCommandError } from '../../src/kind/errors.js';
import { runCommand, type CommandRunner } from '../../src/kind/exec.js';
import { KindCli } from '../../src/kind/kind-cli.js';
import { detectProvider } from '../../src/kind/provider.js';
import { findPeer, peer } from '../helpers/peers.js';

const docker = peer('docker', 'scripts/ci/install-kube.sh extracts the docker CLI from Debian docker.io');
const SOCKET = `/tmp/ocilab-no-docker-${process.pid}.sock`;
const noDaemon: CommandRunner = (argv, o = {}) =>
  runCommand(argv, { ...o, env: { ...o.env, DOCKER_HOST: `unix://${SOCKET}`, PATH: `${process.env.HOME}/go/bin:${process.env.PATH}` } });
const daemonDown = `Cannot connect to the Docker daemon at unix://${SOCKET}. Is the docker daemon running?`;

describe.skipIf(!docker)('real docker CLI without a daemon', () => {
  it('detectProvider: docker installed, daemon not answering, with the real message', async () => {
    const d = await detectProvider({ env: {}, runner: noDaemon });
    expect(d).toMatchObject({ engine: 'docker', usable: false });
    expect(d.probes[0]).toMatchObject({ engine: 'docker', installed: true, running: false, error: daemonDown });
    expect(d.probes[0]!.clientVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('inspect fails as daemon-not-running (not as "no such container")', async () => {
    const err = await new ContainerEngine('docker', { runner: noDaemon }).inspect('kind-registry').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolCommandError);
    expect((err as ToolCommandError).failure).toBe('daemon-not-running');
  });

  it.skipIf(!findPeer('kind'))('real kind on top: its wrapped error is classified the same', async () => {
    const err = await new KindCli('docker', { runner: noDaemon }).getClusters().catch((e: unknown) => e);
    expect((err as ToolCommandError).failure).toBe('daemon-not-running');
    expect((err as ToolCommandError).result.stderr).toContain(daemonDown);
  });
});
