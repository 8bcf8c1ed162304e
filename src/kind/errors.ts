/**
 * What a failed kind/docker/podman command means, read from its output. Each known shape
 * becomes a code and a sentence that says how to fix it; unknown failures keep the tool's
 * own last lines. The shapes are the real tools' messages (kind v0.32, docker 28, podman 4).
 */
import type { CommandResult } from './exec.js';

export type ToolFailure =
  | 'daemon-not-running'
  | 'engine-missing'
  | 'permission-denied'
  | 'cluster-exists'
  | 'no-such-container'
  | 'container-stopped'
  | 'already-connected'
  | 'name-in-use'
  | 'port-in-use'
  | 'image-not-present'
  | 'unknown';

const PATTERNS: [ToolFailure, RegExp][] = [
  ['daemon-not-running', /Cannot connect to the Docker daemon|Is the docker daemon running|unable to connect to Podman socket|Cannot connect to Podman/i],
  ['engine-missing', /exec: "(docker|podman)": executable file not found in \$PATH/],
  ['permission-denied', /permission denied while trying to connect to the Docker daemon/i],
  ['cluster-exists', /node\(s\) already exist for a cluster with the name/i],
  ['already-connected', /already exists in network|is already connected to network/i],
  ['name-in-use', /Conflict\. The container name .* is already in use|the container name .* is already in use/i],
  ['port-in-use', /port is already allocated|address already in use/i],
  ['container-stopped', /container [0-9a-f]+ is not running|is not running/i],
  ['no-such-container', /No such (container|object)|no container with name or ID/i],
  ['image-not-present', /image: ".*" not present locally|not present locally/i],
];

export function classifyFailure(output: string): ToolFailure {
  for (const [code, re] of PATTERNS) if (re.test(output)) return code;
  return 'unknown';
}

const FIXES: Partial<Record<ToolFailure, string>> = {
  'daemon-not-running':
    'the container engine is not running: start Docker Desktop / `sudo systemctl start docker`, or use podman with KIND_EXPERIMENTAL_PROVIDER=podman',
  'engine-missing': 'kind found no container engine: install Docker (https://docs.docker.com/engine/install/) or podman',
  'permission-denied': 'your user may not talk to the Docker daemon: `sudo usermod -aG docker $USER`, then log in again',
  'container-stopped':
    'the container is stopped (kind nodes stay stopped after an engine restart on some setups): `docker start <name>`, or delete and recreate the cluster',
  'port-in-use': 'port 127.0.0.1:5001 is taken by another process or container: free it (`docker ps`, `ss -ltnp`)',
  'image-not-present': 'pull or load the image first (`docker pull <image>`), or run `ocilab prepare` while online',
};

/** A kind/docker/podman command that exited non-zero, with what it means. */
export class ToolCommandError extends Error {
  readonly failure: ToolFailure;
  constructor(readonly result: CommandResult) {
    const output = `${result.stderr}\n${result.stdout}`;
    const failure = classifyFailure(output);
    const fix = FIXES[failure];
    const tail = lastLines(result.stderr.trim() || result.stdout.trim(), 3);
    super(`\`${result.argv.join(' ')}\` failed (exit ${result.exitCode}): ${tail}${fix ? ` — ${fix}` : ''}`);
    this.name = 'ToolCommandError';
    this.failure = failure;
  }
}

function lastLines(text: string, n: number): string {
  return text.split('\n').filter(Boolean).slice(-n).join(' / ') || '(no output)';
}
