/**
 * The OCI distribution-spec conformance suite (built by scripts/ci/install-registry.sh)
 * against the embedded registry, on disk and in memory, with every optional API the
 * registry implements switched on. Sparse manifests stay off: the registry refuses an
 * index whose child manifests are not in the repository (see docs/registry.md).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { peer } from '../helpers/peers.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';

const run = promisify(execFile);
const conformance = peer('conformance', 'scripts/ci/install-registry.sh builds the distribution-spec conformance suite');

describe.skipIf(!conformance)('distribution-spec conformance suite', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  for (const storage of ['disk', 'memory'] as const) {
    it(`passes against the ${storage} store with all implemented APIs enabled`, async () => {
      const work = await mkdtemp(join(tmpdir(), 'ocilab-conformance-'));
      cleanups.push(() => rm(work, { recursive: true, force: true }));
      const registry: RegistryHandle = await startRegistry({ dir: storage === 'disk' ? join(work, 'store') : undefined });
      cleanups.push(() => registry.close());
      const env = {
        ...process.env,
        OCI_REGISTRY: registry.hostPort,
        OCI_TLS: 'disabled',
        OCI_VERSION: '1.1',
        OCI_RESULTS_DIR: join(work, 'results'),
        OCI_REPO1: 'conformance/repo1',
        OCI_REPO2: 'conformance/repo2',
        OCI_API_BLOBS_UPLOAD_CANCEL: 'true',
        OCI_API_BLOBS_DIGEST_HEADER: 'true',
        OCI_API_MANIFESTS_DIGEST_HEADER: 'true',
        OCI_API_MANIFESTS_TAG_PARAM: 'true',
      };
      // cwd is an empty dir, so no oci-conformance.yaml is picked up: the env is the config.
      let stdout: string;
      let stderr: string;
      try {
        ({ stdout, stderr } = await run(conformance!, [], { cwd: work, env, maxBuffer: 64 << 20, timeout: 120_000 }));
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string };
        const failures = (e.stdout ?? '').split('\n').filter((l) => /FAIL|Error|^\s+- /.test(l));
        throw new Error(`conformance suite failed:\n${failures.slice(0, 80).join('\n')}\n${e.stderr ?? ''}`);
      }
      // A config error makes the suite print to stderr and exit 0 without testing anything.
      if (!stdout.includes('OCI Conformance Result')) throw new Error(`conformance suite did not run: ${stderr}`);
      const summary = stdout.slice(stdout.indexOf('OCI Conformance Result'));
      console.log(`[conformance, ${storage} store]\n${summary.split('\n').slice(0, 8).join('\n')}`);
      const count = (label: string) => Number(new RegExp(`${label}\\.*:\\s+(\\d+)`).exec(summary)?.[1]);
      expect(summary).toMatch(/^OCI Conformance Result: Pass/);
      expect(count('FAIL')).toBe(0);
      expect(count('Error')).toBe(0);
      expect(count('Skip')).toBe(0);
      expect(count('Disabled')).toBe(0);
      expect(count('Pass')).toBeGreaterThan(900);
      // Every API the suite knows, except sparse manifests (a data set, off by design), passed.
      const apis = stdout.slice(stdout.indexOf('API conformance:'), stdout.indexOf('Data conformance:'));
      expect(apis).toMatch(/Referrers\.*:\s+Pass/);
      expect(apis).not.toMatch(/FAIL|Skip|Disabled|Error/);
      const data = stdout.slice(stdout.indexOf('Data conformance:')).split('\n').filter((l) => l.includes('...'));
      expect(data.filter((l) => !/Pass$/.test(l.trim()))).toEqual([expect.stringMatching(/Sparse Manifests\.*:\s+Disabled/)]);
    });
  }
});
