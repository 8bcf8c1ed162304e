/**
 * One entry point per operation that uses the real `cosign` when asked (and present) and
 * ocilab's own implementation otherwise. Either way the result carries the cosign command
 * line to show, so the audience always sees what they would type.
 */
import { basename } from 'node:path';
import { cosignArgs, equivalentCosignCommand, findCosign, runCosign, type CosignOperation } from './cosign-cli.js';
import { CosignError } from './errors.js';
import { generateKeyPairFiles, keyPairPaths, loadPrivateKey, loadPublicKey } from './keys.js';
import { signArtifact, type SignArtifactResult } from './sign.js';
import { verifyArtifact, type VerifyArtifactResult } from './verify.js';

/** `auto`: the real cosign when it is on PATH; `cosign`: require it; `ocilab`: never use it. */
export type ToolChoice = 'auto' | 'cosign' | 'ocilab';

export interface Ran {
  tool: 'cosign' | 'ocilab';
  /** The cosign command line (what ran, or the equivalent of what ocilab did). */
  command: string;
}

function pickTool(choice: ToolChoice): { tool: 'cosign' | 'ocilab'; path?: string } {
  if (choice === 'ocilab') return { tool: 'ocilab' };
  const path = findCosign();
  if (path) return { tool: 'cosign', path };
  if (choice === 'cosign') throw new CosignError('COSIGN_CLI', 'the cosign CLI was requested but is not on PATH');
  return { tool: 'ocilab' };
}

export async function generateKeys(o: {
  dir: string; prefix?: string; password: Uint8Array; tool?: ToolChoice; signal?: AbortSignal;
}): Promise<Ran & { privateKeyPath: string; publicKeyPath: string }> {
  const prefix = o.prefix ?? 'cosign';
  const op: CosignOperation = { op: 'generate-key-pair', ...(prefix !== 'cosign' ? { outputKeyPrefix: prefix } : {}) };
  const pick = pickTool(o.tool ?? 'auto');
  if (pick.tool === 'cosign') {
    const run = await runCosign(cosignArgs(op), { cwd: o.dir, password: o.password, signal: o.signal, cosignPath: pick.path });
    if (run.code !== 0) throw new CosignError('COSIGN_CLI', `cosign generate-key-pair failed: ${lastLine(run.stderr)}`);
    return { tool: 'cosign', command: equivalentCosignCommand(op), ...keyPairPaths(o.dir, prefix) };
  }
  const pair = await generateKeyPairFiles(o.dir, o.password, { prefix });
  return { tool: 'ocilab', command: equivalentCosignCommand(op), privateKeyPath: pair.privateKeyPath, publicKeyPath: pair.publicKeyPath };
}

export async function sign(o: {
  ref: string; keyPath: string; password: Uint8Array; insecure?: boolean; annotations?: Record<string, string>;
  tool?: ToolChoice; signal?: AbortSignal; onWarning?: (message: string) => void;
}): Promise<Ran & { result?: SignArtifactResult }> {
  const op: CosignOperation = { op: 'sign', ref: o.ref, key: o.keyPath, allowHttpRegistry: o.insecure, annotations: o.annotations };
  const pick = pickTool(o.tool ?? 'auto');
  if (pick.tool === 'cosign') {
    const run = await runCosign(cosignArgs(op), { password: o.password, signal: o.signal, cosignPath: pick.path });
    if (run.code !== 0) throw new CosignError('COSIGN_CLI', `cosign sign ${o.ref} failed: ${lastLine(run.stderr)}`);
    return { tool: 'cosign', command: equivalentCosignCommand(op) };
  }
  const privateKey = await loadPrivateKey(o.keyPath, o.password, o.onWarning ? { onWarning: o.onWarning } : {});
  const result = await signArtifact(o.ref, {
    privateKey, keyName: basename(o.keyPath), annotations: o.annotations, insecure: o.insecure, signal: o.signal,
  });
  return { tool: 'ocilab', command: equivalentCosignCommand(op), result };
}

export async function verify(o: {
  ref: string; keyPaths: string[]; insecure?: boolean; tool?: ToolChoice; signal?: AbortSignal;
}): Promise<Ran & { result: VerifyArtifactResult; cosign?: { verified: boolean; output: string } }> {
  const op: CosignOperation = { op: 'verify', ref: o.ref, key: o.keyPaths[0] ?? 'cosign.pub', allowHttpRegistry: o.insecure };
  // ocilab's verifier always runs: it gives the detailed, learner-facing result.
  const keys = await Promise.all(o.keyPaths.map(async (p) => ({ name: basename(p), key: await loadPublicKey(p) })));
  const result = await verifyArtifact(o.ref, { publicKeys: keys, insecure: o.insecure, signal: o.signal });
  const pick = pickTool(o.tool ?? 'auto');
  if (pick.tool === 'cosign' && o.keyPaths.length === 1) {
    const run = await runCosign(cosignArgs(op), { signal: o.signal, cosignPath: pick.path });
    const output = (run.code === 0 ? run.stdout : run.stderr).trim();
    return { tool: 'cosign', command: equivalentCosignCommand(op), result, cosign: { verified: run.code === 0, output } };
  }
  return { tool: 'ocilab', command: equivalentCosignCommand(op), result };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines.at(-1) ?? '(no output)';
}
