/** Test trees: make a source directory, and read a directory back as {path: content} for comparison. */
import { chmod, mkdir, readdir, readFile, symlink, writeFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';

export async function makeSourceTree(root: string): Promise<void> {
  await mkdir(join(root, 'apps/podinfo'), { recursive: true });
  await mkdir(join(root, 'infra'), { recursive: true });
  await mkdir(join(root, '.git/objects'), { recursive: true });
  await writeFile(join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
  await writeFile(join(root, '.gitignore'), 'secret\n');
  await writeFile(join(root, 'apps/podinfo/deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: podinfo\n');
  await writeFile(join(root, 'apps/podinfo/kustomization.yaml'), 'resources:\n  - deployment.yaml\n');
  await writeFile(join(root, 'apps/logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  await writeFile(join(root, 'infra/Ünïcode-näme.yaml'), 'kind: Namespace\n');
  await writeFile(join(root, 'infra/B.yaml'), 'b\n');
  await writeFile(join(root, 'infra/a.yaml'), 'a\n');
  await writeFile(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  await chmod(join(root, 'run.sh'), 0o755);
  await symlink('apps/podinfo/deployment.yaml', join(root, 'link.yaml'));
}

/** Regular files under `root` as relative path -> content (directories and links left out). */
export async function readTree(root: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(join(root, rel))).sort()) {
    const p = rel ? `${rel}/${name}` : name;
    const st = await lstat(join(root, p));
    if (st.isDirectory()) Object.assign(out, await readTree(root, p));
    else if (st.isFile()) out[p] = (await readFile(join(root, p))).toString('base64');
  }
  return out;
}

/** What Flux puts in the artifact for makeSourceTree: VCS files, images and symlinks left out. */
export const EXPECTED_FILES = [
  'apps/podinfo/deployment.yaml',
  'apps/podinfo/kustomization.yaml',
  'infra/B.yaml',
  'infra/a.yaml',
  'infra/Ünïcode-näme.yaml',
  'run.sh',
];
