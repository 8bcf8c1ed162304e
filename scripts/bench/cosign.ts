/**
 * Benchmark for the cosign area: key generation and loading (scrypt dominates), signing and
 * verifying (crypto only, and end to end against a registry on loopback when one is given).
 *
 *   npx tsx scripts/bench/cosign.ts [--runs N] [--registry 127.0.0.1:5000]
 *
 * Prints a markdown table: median and p90 of N runs (default 20; 5 for scrypt rows).
 */
import { generateKeyPairSync } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { bundleToJSON, toDSSEBundle } from '@sigstore/bundle';
import { verifyBundle } from '../../src/cosign/bundle.js';
import { COSIGN_SIGN_PREDICATE, IN_TOTO_PAYLOAD_TYPE } from '../../src/cosign/bundle-format.js';
import { decryptPrivateKey, encryptPrivateKey } from '../../src/cosign/key-file.js';
import { buildPayload, parsePayload } from '../../src/cosign/payload.js';
import { signArtifact } from '../../src/cosign/sign.js';
import { signMessage, verifyMessage } from '../../src/cosign/signature.js';
import { verifyArtifact } from '../../src/cosign/verify.js';
import { RegistryClient } from '../../src/oci/client.js';
import { sha256Digest } from '../../src/oci/digest.js';

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const RUNS = Number(arg('--runs') ?? 20);
const REGISTRY = arg('--registry');

async function measure(name: string, runs: number, fn: () => unknown | Promise<unknown>): Promise<string> {
  await fn(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  const q = (p: number) => t[Math.min(t.length - 1, Math.floor(p * t.length))]!;
  return `| ${name} | ${runs} | ${q(0.5).toFixed(2)} | ${q(0.9).toFixed(2)} |`;
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const password = Buffer.from('bench-password');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const keyPem = await encryptPrivateKey(pkcs8, password);
  const digest = `sha256:${'ab'.repeat(32)}`;
  const payload = buildPayload('127.0.0.1:5000/demo/app', digest);
  const sig = signMessage(privateKey, payload);
  const keys = [{ name: 'cosign.pub', key: publicKey }];

  const scryptRuns = Math.max(3, Math.min(5, RUNS));
  rows.push(await measure('generate + encrypt cosign.key (scrypt N=65536)', scryptRuns, async () => {
    const k = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await encryptPrivateKey(k.export({ format: 'der', type: 'pkcs8' }), password);
  }));
  rows.push(await measure('load cosign.key (scrypt N=65536 + secretbox)', scryptRuns, () => decryptPrivateKey(keyPem, password, 'cosign.key')));
  rows.push(await measure('sign: payload + ECDSA P-256', RUNS, () => signMessage(privateKey, buildPayload('127.0.0.1:5000/demo/app', digest))));
  rows.push(await measure('verify classic: ECDSA + payload digest check', RUNS, () => {
    if (!verifyMessage(publicKey, payload, sig)) throw new Error('bench: signature did not verify');
    parsePayload(payload, 'bench');
  }));
  const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ digest: { sha256: 'ab'.repeat(32) } }], predicateType: COSIGN_SIGN_PREDICATE, predicate: {} }));
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${IN_TOTO_PAYLOAD_TYPE.length} ${IN_TOTO_PAYLOAD_TYPE} ${statement.length} `), statement]);
  const bundle = Buffer.from(JSON.stringify(bundleToJSON(toDSSEBundle({ artifact: statement, artifactType: IN_TOTO_PAYLOAD_TYPE, signature: signMessage(privateKey, pae), keyHint: '' }))));
  rows.push(await measure('verify v3 bundle: parse + DSSE + subject check', RUNS, () => {
    if (!verifyBundle(bundle, keys, digest).ok) throw new Error('bench: bundle did not verify');
  }));

  if (REGISTRY) {
    const client = new RegistryClient({ registry: REGISTRY, insecure: true });
    const layer = Buffer.from(`bench ${Date.now()}`);
    const config = Buffer.from('{}');
    await client.pushBlob('bench/app', layer);
    await client.pushBlob('bench/app', config);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.cncf.flux.config.v1+json', size: 2, digest: sha256Digest(config) },
      layers: [{ mediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip', size: layer.length, digest: sha256Digest(layer) }],
    }));
    const d = await client.putManifest('bench/app', 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
    await signArtifact(`${REGISTRY}/bench/app@${d}`, { privateKey, client });
    rows.push(await measure(`verifyArtifact end to end, loopback registry ${REGISTRY}`, RUNS, async () => {
      const r = await verifyArtifact(`${REGISTRY}/bench/app:v1`, { publicKeys: keys, client });
      if (!r.verified) throw new Error(`bench: ${r.message}`);
    }));
    const d2 = await client.putManifest('bench/app', 'v2', Buffer.from(manifest.toString().replace('}]', '}],"annotations":{"n":"2"}')), 'application/vnd.oci.image.manifest.v1+json');
    rows.push(await measure('signArtifact end to end (key already loaded; .sig grows each run)', Math.min(RUNS, 10), () =>
      signArtifact(`${REGISTRY}/bench/app@${d2}`, { privateKey, client })));
    await client.close();
  }

  const cpu = cpus();
  console.log(`machine: ${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, node ${process.version}, ${new Date().toISOString()}`);
  console.log('| operation | runs | median ms | p90 ms |\n|---|---|---|---|');
  console.log(rows.join('\n'));
}

await main();
