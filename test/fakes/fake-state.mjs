// FAKE — shared state and invocation log for the fake kind/docker/podman CLIs used in tests.
// The real tools need a container engine, which this machine and CI do not have. These fakes
// replay output shaped like kind v0.32 / docker 28 / podman 4 so the wrapper's command lines,
// idempotency and error handling can be checked. They are not a container runtime.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

export function loadState() {
  return JSON.parse(readFileSync(process.env.FAKE_STATE, 'utf8'));
}

export function saveState(state) {
  writeFileSync(process.env.FAKE_STATE, JSON.stringify(state, null, 2));
}

export function readStdin() {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

export function record(tool, argv, stdin) {
  const entry = { tool, argv };
  if (process.env.KIND_EXPERIMENTAL_PROVIDER) entry.env = { KIND_EXPERIMENTAL_PROVIDER: process.env.KIND_EXPERIMENTAL_PROVIDER };
  if (stdin) entry.stdin = stdin;
  appendFileSync(process.env.FAKE_LOG, JSON.stringify(entry) + '\n');
}

export function fail(message, code = 1) {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(code);
}

export function out(text) {
  process.stdout.write(text);
}

export const DOCKER_DOWN = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';
export const PODMAN_DOWN =
  'Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\n' +
  'Error: unable to connect to Podman socket: failed to connect: dial tcp 127.0.0.1:50243: connect: connection refused';
