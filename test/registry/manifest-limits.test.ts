/**
 * Work per manifest request is bounded: descriptors are checked once per distinct digest and
 * in bulk (counted storage calls, no timing), a manifest with more than
 * MAX_MANIFEST_DESCRIPTORS descriptors is refused before any lookup, and deleting a manifest
 * reads its repository's tags in parallel rather than one after another.
 */
import { describe, expect, it } from 'vitest';
import { parseDigest } from '../../src/registry/digest.js';
import { createMemoryStorage } from '../../src/registry/memory-storage.js';
import { startRegistry } from '../../src/registry/server.js';
import { MAX_MANIFEST_DESCRIPTORS, OciStore } from '../../src/registry/store.js';
import type { RegistryStorage } from '../../src/registry/storage.js';
import { EMPTY_CONFIG, OCI_MANIFEST, errorCode, imageManifest, putManifest, sha256 } from './client.js';

/** Memory storage whose lookups are counted; `get` yields once so concurrent calls overlap. */
function countedStorage() {
  const storage: RegistryStorage = createMemoryStorage();
  const calls = { get: 0, list: 0, stat: 0, inFlight: 0, maxInFlight: 0 };
  const { meta, blobs } = storage;
  const get = meta.get.bind(meta);
  const list = meta.list.bind(meta);
  const stat = blobs.stat.bind(blobs);
  meta.get = async (key) => {
    calls.get++;
    calls.inFlight++;
    calls.maxInFlight = Math.max(calls.maxInFlight, calls.inFlight);
    await new Promise((r) => setImmediate(r));
    calls.inFlight--;
    return get(key);
  };
  meta.list = async (prefix) => {
    calls.list++;
    return list(prefix);
  };
  blobs.stat = async (digest) => {
    calls.stat++;
    return stat(digest);
  };
  const reset = () => Object.assign(calls, { get: 0, list: 0, stat: 0, inFlight: 0, maxInFlight: 0 });
  return { storage, calls, reset };
}

async function addBlob(store: OciStore, repo: string, text: string): Promise<{ digest: string; size: number }> {
  const digest = sha256(text);
  await store.storage.blobs.putSmall(parseDigest(digest), Buffer.from(text));
  await store.linkBlob(repo, parseDigest(digest));
  return { digest, size: Buffer.byteLength(text) };
}

describe('manifest PUT work', () => {
  it('looks each distinct blob up once, however often the manifest repeats it', async () => {
    const { storage, calls, reset } = countedStorage();
    const store = new OciStore(storage);
    await addBlob(store, 'many/app', EMPTY_CONFIG);
    const layer = await addBlob(store, 'many/app', 'one layer');
    const manifest = imageManifest(EMPTY_CONFIG, Array.from({ length: 5_000 }, () => layer));
    reset();
    await store.putManifest('many/app', 'v1', Buffer.from(manifest), OCI_MANIFEST);
    // Before: one link read and one stat per descriptor (5,001 each).
    expect(calls.get + calls.list).toBeLessThanOrEqual(2);
    expect(calls.stat).toBe(2);
  });

  it('checks many distinct blobs with one listing, not a lookup each', async () => {
    const { storage, calls, reset } = countedStorage();
    const store = new OciStore(storage);
    await addBlob(store, 'wide/app', EMPTY_CONFIG);
    const layers = [];
    for (let i = 0; i < 2_000; i++) layers.push(await addBlob(store, 'wide/app', `layer ${i}`));
    reset();
    await store.putManifest('wide/app', 'v1', Buffer.from(imageManifest(EMPTY_CONFIG, layers)), OCI_MANIFEST);
    expect(calls.get).toBe(0);
    expect(calls.list).toBe(1);
    expect(calls.stat).toBe(2_001);
    // A missing one among them is still named.
    const missing = { digest: sha256('never pushed'), size: 12 };
    await expect(store.putManifest('wide/app', 'v2', Buffer.from(imageManifest(EMPTY_CONFIG, [...layers, missing])), OCI_MANIFEST)).rejects.toMatchObject({
      status: 400,
      code: 'MANIFEST_BLOB_UNKNOWN',
      detail: { digest: missing.digest },
    });
  });

  it(`refuses more than ${MAX_MANIFEST_DESCRIPTORS} descriptors with 400 MANIFEST_INVALID before any lookup`, async () => {
    const { storage, calls, reset } = countedStorage();
    const reg = await startRegistry({ storage });
    try {
      const layers = Array.from({ length: MAX_MANIFEST_DESCRIPTORS }, (_, i) => ({ digest: sha256(`l${i}`), size: 1 }));
      reset();
      const res = await putManifest(reg.url, 'capped/app', 'v1', imageManifest(EMPTY_CONFIG, layers));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: { code: string; message: string }[] };
      expect(body.errors[0]!.code).toBe('MANIFEST_INVALID');
      expect(body.errors[0]!.message).toContain(`${MAX_MANIFEST_DESCRIPTORS + 1} descriptors`);
      expect(calls.get + calls.list + calls.stat).toBe(0);
      // At the cap it is an ordinary manifest (here: its blobs are simply unknown).
      const atCap = await putManifest(reg.url, 'capped/app', 'v1', imageManifest(EMPTY_CONFIG, layers.slice(1)));
      expect(atCap.status).toBe(400);
      expect(await errorCode(atCap)).toBe('MANIFEST_BLOB_UNKNOWN');
    } finally {
      await reg.close();
    }
  });
});

describe('manifest DELETE work', () => {
  it('reads the repository tags in parallel and removes exactly those pointing at the manifest', async () => {
    const { storage, calls, reset } = countedStorage();
    const store = new OciStore(storage);
    await addBlob(store, 'tags/app', EMPTY_CONFIG);
    const a = await addBlob(store, 'tags/app', 'a');
    const b = await addBlob(store, 'tags/app', 'b');
    const ma = imageManifest(EMPTY_CONFIG, [a]);
    const mb = imageManifest(EMPTY_CONFIG, [b]);
    const tagsA = Array.from({ length: 200 }, (_, i) => `a${i}`);
    await store.putManifest('tags/app', sha256(ma), Buffer.from(ma), OCI_MANIFEST, tagsA);
    await store.putManifest('tags/app', 'keep', Buffer.from(mb), OCI_MANIFEST);
    reset();
    await store.deleteManifest('tags/app', sha256(ma));
    expect(calls.maxInFlight).toBeGreaterThan(1); // one at a time before
    expect(await store.tags('tags/app')).toEqual(['keep']);
  });
});
