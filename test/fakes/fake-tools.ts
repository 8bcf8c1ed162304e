/**
 * FAKE kind/docker/podman on PATH for tests: writes wrapper executables named `kind`,
 * `docker`, `podman` into a temp bin dir that run the fake scripts beside this file, with
 * a JSON state file and a JSONL invocation log. See fake-state.mjs for why fakes exist.
 */
import { access, chmod, constants, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FakeEngineState {
  installed: boolean;
  daemon: boolean;
  containers: Record<string, { id: string; image: string; running: boolean; labels: Record<string, string>; networks: string[]; publish?: string[]; files: Record<string, string>; dirs?: string[] }>;
  networks: string[];
  images: string[];
  loaded?: string[];
  /** Images `pull` fails for, as docker does offline. */
  unreachable?: string[];
  /** Images `save` writes part of and then fails for (a full disk, an interrupted save). */
  saveFailsMidway?: string[];
}

export interface FakeState {
  docker: FakeEngineState;
  podman: FakeEngineState;
}

export interface Invocation {
  tool: string;
  argv: string[];
  env?: Record<string, string>;
  stdin?: string;
}

export interface FakeTools {
  dir: string;
  binDir: string;
  /**
   * Environment for the code under test: PATH is the fake bin dir plus a dir holding only
   * the few system utilities the fakes use (never /usr/bin itself, where a real podman or
   * docker may live), the state and log files, and the variables that steer kind and the
   * engines unset (undefined drops them from the child's environment).
   */
  env: Record<string, string | undefined>;
  invocations(): Promise<Invocation[]>;
  /** Invocations as "tool arg arg" strings, for readable assertions. */
  commandLines(): Promise<string[]>;
  clearLog(): Promise<void>;
  state(): Promise<FakeState>;
  setState(update: (s: FakeState) => void): Promise<void>;
  remove(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/** The system utilities the fake scripts run (the FAKE flux scripts use sed and cat); nothing else leaks in. */
const SYSTEM_UTILITIES = ['sh', 'sed', 'cat'];

/** Variables a developer's or CI's shell may set that would steer kind or the engines away from the fakes. */
export const ENGINE_STEERING_VARS = ['KIND_EXPERIMENTAL_PROVIDER', 'KIND_CLUSTER_NAME', 'KUBECONFIG', 'DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'CONTAINER_HOST', 'CONTAINER_CONNECTION'];

async function linkSystemUtilities(sysDir: string): Promise<void> {
  await mkdir(sysDir);
  for (const name of SYSTEM_UTILITIES) {
    let found: string | undefined;
    for (const dir of ['/usr/bin', '/bin']) {
      const path = join(dir, name);
      if (await access(path, constants.X_OK).then(() => true, () => false)) {
        found = path;
        break;
      }
    }
    if (!found) throw new Error(`fake tools: system utility ${name} not found in /usr/bin or /bin`);
    await symlink(found, join(sysDir, name));
  }
}

function engine(installed: boolean): FakeEngineState {
  return { installed, daemon: installed, containers: {}, networks: ['bridge', 'host', 'none'], images: ['registry:3'] };
}

export async function installFakeTools(opts: { docker?: boolean; podman?: boolean; kind?: boolean } = {}): Promise<FakeTools> {
  const { docker = true, podman = false, kind = true } = opts;
  const dir = await mkdtemp(join(tmpdir(), 'ocilab-fake-tools-'));
  const binDir = join(dir, 'bin');
  const stateFile = join(dir, 'state.json');
  const logFile = join(dir, 'invocations.jsonl');
  await mkdir(binDir);
  const wrappers: [string, string][] = [];
  if (docker) wrappers.push(['docker', `exec "${process.execPath}" "${join(here, 'fake-container-cli.mjs')}" docker "$@"`]);
  if (podman) wrappers.push(['podman', `exec "${process.execPath}" "${join(here, 'fake-container-cli.mjs')}" podman "$@"`]);
  if (kind) wrappers.push(['kind', `exec "${process.execPath}" "${join(here, 'fake-kind.mjs')}" "$@"`]);
  for (const [name, body] of wrappers) {
    const path = join(binDir, name);
    await writeFile(path, `#!/bin/sh\n# FAKE ${name} for ocilab tests\n${body}\n`);
    await chmod(path, 0o755);
  }
  const initial: FakeState = { docker: engine(docker), podman: engine(podman) };
  await writeFile(stateFile, JSON.stringify(initial, null, 2));
  await writeFile(logFile, '');
  // Only the fake bin dir plus a dir of named system utilities: a real docker, podman or kind
  // anywhere on this machine (podman lives in /usr/bin once installed) must not leak in.
  const sysDir = join(dir, 'sys');
  await linkSystemUtilities(sysDir);
  const steering = Object.fromEntries(ENGINE_STEERING_VARS.map((v) => [v, undefined]));
  const env = { ...steering, PATH: `${binDir}:${sysDir}`, FAKE_STATE: stateFile, FAKE_LOG: logFile };

  const invocations = async (): Promise<Invocation[]> =>
    (await readFile(logFile, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Invocation);
  return {
    dir,
    binDir,
    env,
    invocations,
    commandLines: async () => (await invocations()).map((i) => [i.tool, ...i.argv].join(' ')),
    clearLog: () => writeFile(logFile, ''),
    state: async () => JSON.parse(await readFile(stateFile, 'utf8')) as FakeState,
    setState: async (update) => {
      const s = JSON.parse(await readFile(stateFile, 'utf8')) as FakeState;
      update(s);
      await writeFile(stateFile, JSON.stringify(s, null, 2));
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
