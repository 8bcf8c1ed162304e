/**
 * FAKE kind/docker/podman on PATH for tests: writes wrapper executables named `kind`,
 * `docker`, `podman` into a temp bin dir that run the fake scripts beside this file, with
 * a JSON state file and a JSONL invocation log. See fake-state.mjs for why fakes exist.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
  /** Environment for the code under test: PATH with the fakes first, state and log files. */
  env: Record<string, string>;
  invocations(): Promise<Invocation[]>;
  /** Invocations as "tool arg arg" strings, for readable assertions. */
  commandLines(): Promise<string[]>;
  clearLog(): Promise<void>;
  state(): Promise<FakeState>;
  setState(update: (s: FakeState) => void): Promise<void>;
  remove(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));

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
  // Only the fake bin dir plus the system dirs: a real docker/kind elsewhere must not leak in.
  const env = { PATH: `${binDir}:/usr/bin:/bin`, FAKE_STATE: stateFile, FAKE_LOG: logFile };

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
