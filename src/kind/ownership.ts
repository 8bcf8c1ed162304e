/**
 * Which kind clusters ocilab created. Containers carry the io.ocilab.managed label, but
 * kind sets its own labels on node containers and accepts none from us, so a created
 * cluster is recorded in a small state file instead; cleanup deletes only those.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface OwnedCluster {
  name: string;
  createdAt: string;
}

export function defaultOwnershipFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'ocilab', 'kind-clusters.json');
}

export class ClusterOwnership {
  constructor(readonly file: string = defaultOwnershipFile()) {}

  async list(): Promise<OwnedCluster[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${this.file} is not valid JSON: fix or delete it (it lists kind clusters ocilab created)`);
    }
    const clusters = (parsed as { clusters?: unknown }).clusters;
    if (!Array.isArray(clusters)) throw new Error(`${this.file}: expected {"clusters": [...]}`);
    return clusters.filter((c): c is OwnedCluster => typeof c?.name === 'string');
  }

  async owns(name: string): Promise<boolean> {
    return (await this.list()).some((c) => c.name === name);
  }

  async record(name: string, now = new Date()): Promise<void> {
    const clusters = (await this.list()).filter((c) => c.name !== name);
    clusters.push({ name, createdAt: now.toISOString() });
    await this.save(clusters);
  }

  async forget(name: string): Promise<void> {
    await this.save((await this.list()).filter((c) => c.name !== name));
  }

  private async save(clusters: OwnedCluster[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ clusters }, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
