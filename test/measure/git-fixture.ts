/**
 * A small real Git repository for the harness's own tests, made with git fast-import:
 * apps/app-NNN/{deployment,service,kustomization}.yaml over `commits` commits.
 * (The real fixture presets belong to src/git; this only feeds the plumbing tests.)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function makeGitRepo(dir: string, apps: number, commits: number, padBytes = 2000): string {
  const repo = join(dir, 'fleet.git');
  mkdirSync(repo, { recursive: true });
  const git = (args: string[], input?: string) =>
    execFileSync('git', args, { cwd: repo, input, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  git(['init', '--quiet', '--bare', '--initial-branch=main']);
  // partial clone (--filter=blob:none) and its lazy blob fetches need these on the server
  git(['config', 'uploadpack.allowFilter', 'true']);
  git(['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  let stream = '';
  // seeded pseudo-random hex, so blobs do not compress away and sizes resemble real manifests
  let seed = 42;
  const pad = () => {
    let out = '';
    while (out.length < padBytes) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      out += seed.toString(16);
    }
    return out.slice(0, padBytes);
  };
  for (let c = 1; c <= commits; c++) {
    const msg = `change ${c}\n`;
    stream += `commit refs/heads/main\ncommitter Fixture <f@example.com> ${1_700_000_000 + c * 60} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`;
    for (let a = 0; a < apps; a++) {
      // the first commit writes every app; later commits touch one app each
      if (c > 1 && a !== c % apps) continue;
      const name = `app-${String(a).padStart(3, '0')}`;
      for (const file of ['deployment.yaml', 'service.yaml', 'kustomization.yaml']) {
        const body = `# ${name} ${file} rev ${c}\nkind: ${file.split('.')[0]}\nmetadata:\n  name: ${name}\n# ${pad()}\n`;
        stream += `M 100644 inline apps/${name}/${file}\ndata ${Buffer.byteLength(body)}\n${body}`;
      }
    }
    stream += '\n';
  }
  git(['fast-import', '--quiet'], stream);
  git(['repack', '-a', '-d', '-q', '--write-bitmap-index']);
  return repo;
}
