/**
 * How ocilab asks each external CLI for its version: one table used by `ocilab doctor`
 * (src/commands/doctor-probes.ts) and kindDoctor(), so a tool is probed and parsed the
 * same way everywhere.
 */
export interface VersionProbe {
  tool: string;
  /** The command asked for its version. */
  argv: string[];
  /** Extracts the version from stdout (+ stderr) of that command. */
  parse: (out: string) => string | undefined;
  /** How to install it. */
  install: string;
  /** What ocilab uses it for, one line. */
  purpose: string;
}

const semver = (out: string) => /v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(out)?.[1];

export function parseKindVersion(out: string): string | undefined {
  return /kind (v\d+\.\d+\.\d+\S*)/.exec(out)?.[1];
}

export function parseKubectlVersion(out: string): string | undefined {
  try {
    return (JSON.parse(out) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
  } catch {
    return /Client Version: (v\S+)/.exec(out)?.[1];
  }
}

export function parseFluxVersion(out: string): string | undefined {
  return /flux: (v?\d+\.\d+\.\d+\S*)/.exec(out)?.[1];
}

export function parseCosignVersion(out: string): string | undefined {
  try {
    return (JSON.parse(out) as { gitVersion?: string }).gitVersion;
  } catch {
    return /GitVersion:\s+(v\S+)/.exec(out)?.[1];
  }
}

export type ProbedTool = 'git' | 'docker' | 'podman' | 'kind' | 'kubectl' | 'flux' | 'cosign';

export const VERSION_PROBES: Record<ProbedTool, VersionProbe> = {
  git: { tool: 'git', argv: ['git', '--version'], parse: semver, install: 'apt install git   (or: brew install git)', purpose: 'the local Git server and clones' },
  docker: { tool: 'docker', argv: ['docker', '--version'], parse: semver, install: 'https://docs.docker.com/engine/install/', purpose: 'runs the kind nodes and the registry container' },
  podman: { tool: 'podman', argv: ['podman', '--version'], parse: semver, install: 'https://podman.io/docs/installation', purpose: 'runs the kind nodes and the registry container' },
  kind: { tool: 'kind', argv: ['kind', 'version'], parse: parseKindVersion, install: 'go install sigs.k8s.io/kind@v0.32.0   (or: brew install kind)', purpose: 'creates the cluster' },
  kubectl: {
    tool: 'kubectl',
    argv: ['kubectl', 'version', '--client', '-o', 'json'],
    parse: parseKubectlVersion,
    install: 'install kubectl: https://kubernetes.io/docs/tasks/tools/ (ocilab itself does not need it)',
    purpose: 'to look at the cluster yourself',
  },
  flux: {
    tool: 'flux',
    argv: ['flux', 'version', '--client'],
    parse: parseFluxVersion,
    install: 'brew install fluxcd/tap/flux   (or: curl -s https://fluxcd.io/install.sh | bash), used to install Flux and to compare with `flux push artifact`',
    purpose: 'installs Flux (else: manifests cached by ocilab prepare); compare with what ocilab shows',
  },
  cosign: {
    tool: 'cosign',
    argv: ['cosign', 'version', '--json'],
    parse: parseCosignVersion,
    install: 'go install github.com/sigstore/cosign/v3/cmd/cosign@latest   (ocilab signs without it; the CLI is for the comparison steps)',
    purpose: 'to verify signatures independently',
  },
};
