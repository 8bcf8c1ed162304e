/**
 * Scenario actions for cosign: generate keys, sign, verify. Designed for the cosign-verify
 * scenario: keys → push → sign → verify → tamper (unsigned / other key / modified blob) →
 * sign again → recovers. Passwords never pass through arguments, variables or logs: a
 * generated key pair gets a random password in a 0600 file next to it.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionDefinition, type ActionResult } from '../engine/action.js';
import { scenarioPath } from '../engine/action-helpers.js';
import { generateKeys, sign, verify, type ToolChoice } from './backend.js';
import { parseEncryptedKey, parsePublicKey } from './key-file.js';
import { keyPairPaths } from './keys.js';
import { resolvePassword } from './password.js';

const tool = z.enum(['auto', 'cosign', 'ocilab']).default('auto')
  .describe('auto: the real cosign when on PATH, else ocilab\'s signer (the cosign command is shown either way)');
const NAME = /^[a-z][a-z0-9-]*$/;

const generateArgs = z.object({
  name: z.string().regex(NAME).default('cosign').describe('Names the pair\'s files (<name>.key, <name>.pub) and its variables (${<name>.key}...).'),
  dir: z.string().optional().describe('directory for the key files (default: <run dir>/keys)'),
  tool,
}).strict();

/** `ref` was the former spelling of `url` (it loads, with a warning). */
const FORMER_ARGS = { ref: 'url' };

/** oci://host/repo:tag or host/repo:tag, as cosign takes it (without the scheme). */
const refOf = (url: string) => url.replace(/^oci:\/\//, '');

const signArgs = z.object({
  url: z.string().min(1).describe('artifact to sign, e.g. ${registry.host}/app:v1 or oci://${registry.host}/app:v1 (a tag is resolved to its digest)'),
  keyName: z.string().regex(NAME).default('cosign').describe('which generated pair to sign with'),
  key: z.string().optional().describe('path of a cosign.key (overrides keyName)'),
  passwordFile: z.string().optional().describe('File whose first line is the key\'s password. Default: the generated pair\'s (${<keyName>.passwordFile}), else COSIGN_PASSWORD.'),
  annotations: z.record(z.string(), z.string()).optional().describe('Annotations written into the signed payload\'s `optional` map (cosign sign -a key=value).'),
  insecure: z.boolean().default(true).describe('plain-HTTP registry (cosign --allow-http-registry)'),
  tool,
}).strict();

const verifyArgs = z.object({
  url: z.string().min(1).describe('artifact to verify, e.g. ${registry.host}/app:v1 or oci://${registry.host}/app:v1 (a tag is resolved to its digest)'),
  keyName: z.string().regex(NAME).default('cosign').describe('which generated pair\'s public key to verify with'),
  key: z.union([z.string(), z.array(z.string()).min(1)]).optional().describe('path(s) of cosign.pub (overrides keyName)'),
  insecure: z.boolean().default(true).describe('plain-HTTP registry (cosign --allow-http-registry)'),
  expect: z.enum(['verified', 'fail']).default('verified').describe('fail: for a tamper step, the action succeeds when verification is refused'),
  tool,
}).strict();

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

function need(ctx: ActionContext, name: string, what: string): string {
  const v = ctx.vars[name];
  if (!v) throw new Error(`${what}: variable ${name} is not set; run cosign.generate-key-pair first (or pass the path)`);
  return v;
}

export const generateKeyPairAction = defineAction({
  name: 'cosign.generate-key-pair',
  description: 'Generate a cosign key pair (cosign.key encrypted with a random password kept in a 0600 file, cosign.pub)',
  args: generateArgs,
  sets: {
    '<name>.key': { description: 'Path of the encrypted private key.', names: (a) => [`${a.name}.key`] },
    '<name>.pub': { description: 'Path of the public key (PEM).', names: (a) => [`${a.name}.pub`] },
    '<name>.passwordFile': { description: 'Path of the 0600 file holding the key\'s random password.', names: (a) => [`${a.name}.passwordFile`] },
    '<name>.pubBase64': { description: 'The public key in base64, as a Secret\'s `data` value (an OCIRepository\'s verify.secretRef).', names: (a) => [`${a.name}.pubBase64`] },
  },
  async run(args, ctx): Promise<ActionResult> {
    const dir = args.dir ? scenarioPath(ctx, args.dir) : join(ctx.workDir, 'keys');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const passwordFile = join(dir, `${args.name}.password`);
    const files = { ...keyPairPaths(dir, args.name), passwordFile };
    const present = await Promise.all(Object.values(files).map(exists));
    // `<name>.pubBase64` is the public key as a Secret's `data` value (verify.secretRef YAML).
    const setVars = async () =>
      Object.assign(ctx.vars, {
        [`${args.name}.key`]: files.privateKeyPath,
        [`${args.name}.pub`]: files.publicKeyPath,
        [`${args.name}.passwordFile`]: passwordFile,
        [`${args.name}.pubBase64`]: (await readFile(files.publicKeyPath)).toString('base64'),
      });
    if (present.every(Boolean)) {
      // A re-run of the step (retry, rehearsal) keeps the pair: signatures made with it stay valid.
      ctx.log(`reusing the key pair in ${dir} (${args.name}.key, ${args.name}.pub)`);
      await setVars();
      return { ok: true };
    }
    if (present.some(Boolean)) {
      return { ok: false, message: `${dir} holds part of a ${args.name} key pair; remove ${args.name}.key/.pub/.password there and run the step again` };
    }
    const password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600, flag: 'wx' });
    try {
      const ran = await generateKeys({ dir, prefix: args.name, password: Buffer.from(password), tool: args.tool as ToolChoice, signal: ctx.signal });
      ctx.log(`$ ${ran.command}`, 'info');
      ctx.log(`${ran.tool} wrote ${ran.privateKeyPath} (encrypted, 0600) and ${ran.publicKeyPath}`);
    } catch (err) {
      await rm(passwordFile, { force: true }); // nothing half-written
      throw err;
    }
    await setVars();
    return { ok: true };
  },
});

export const signAction = defineAction({
  name: 'cosign.sign',
  description: 'Sign an OCI artifact by digest in the classic cosign format Flux accepts (sha256-<hex>.sig)',
  args: signArgs,
  sets: {
    'cosign.signedDigest': 'The digest signed (set when ocilab\'s signer ran, not the cosign CLI).',
    'cosign.signatureTag': 'The tag holding the signatures, `sha256-<hex>.sig` (ocilab\'s signer only).',
  },
  formerArgs: FORMER_ARGS,
  async run(args, ctx): Promise<ActionResult> {
    const keyPath = args.key ? scenarioPath(ctx, args.key) : need(ctx, `${args.keyName}.key`, 'cosign.sign');
    const passwordFile = args.passwordFile ? scenarioPath(ctx, args.passwordFile) : ctx.vars[`${args.keyName}.passwordFile`];
    const password = await resolvePassword({ passwordFile, purpose: keyPath, env: passwordFile ? {} : process.env });
    const ran = await sign({
      ref: refOf(args.url), keyPath, password, insecure: args.insecure, annotations: args.annotations,
      tool: args.tool as ToolChoice, signal: ctx.signal, onWarning: (m) => ctx.log(`warning: ${m}`, 'stderr'),
    });
    ctx.log(`$ ${ran.command}`, 'info');
    if (ran.result) {
      const r = ran.result;
      ctx.log(`signed ${r.ref} with ${r.keyName}: ${r.signatureTag} now holds ${r.signatureCount} signature(s)`);
      ctx.vars['cosign.signedDigest'] = r.digest;
      ctx.vars['cosign.signatureTag'] = r.signatureTag;
    } else {
      ctx.log(`cosign signed ${refOf(args.url)}`);
    }
    return { ok: true };
  },
});

export const verifyAction = defineAction({
  name: 'cosign.verify',
  description: 'Verify an OCI artifact\'s cosign signatures with a public key (classic .sig and v3 bundles), offline like Flux',
  args: verifyArgs,
  formerArgs: FORMER_ARGS,
  async run(args, ctx): Promise<ActionResult> {
    const keys = args.key
      ? (Array.isArray(args.key) ? args.key : [args.key]).map((k) => scenarioPath(ctx, k))
      : [need(ctx, `${args.keyName}.pub`, 'cosign.verify')];
    const ran = await verify({ ref: refOf(args.url), keyPaths: keys, insecure: args.insecure, tool: args.tool as ToolChoice, signal: ctx.signal });
    ctx.log(`$ ${ran.command}`, 'info');
    const r = ran.result;
    if (r.verified && r.matched) {
      ctx.log(`✓ ${r.ref}: ${r.matched.kind} signature by ${r.matched.keyName} (${r.matched.where})`);
      ctx.log(`  payload ${r.matched.payloadDigest}, identity ${r.matched.identity}`);
    } else {
      ctx.log(`✗ ${r.summary}`, 'stderr');
      ctx.log(`  ${r.reason}: ${r.message}`, 'stderr');
    }
    if (ran.cosign && ran.cosign.verified !== r.verified) {
      ctx.log(`note: the real cosign ${ran.cosign.verified ? 'accepted' : 'refused'} it: ${ran.cosign.output.split('\n').at(-1)}`, 'stderr');
    }
    if (args.expect === 'fail') {
      return r.verified
        ? { ok: false, message: `expected verification of ${r.ref} to fail, but ${r.matched?.kind} signature by ${r.matched?.keyName} verified` }
        : { ok: true };
    }
    return r.verified ? { ok: true } : { ok: false, message: `${r.summary} (Flux: ${r.reason})` };
  },
});

/** A check for the key step: both files there, in cosign's formats (no password needed). */
export const checkKeyPairAction = defineAction({
  name: 'cosign.check-key-pair',
  description: 'Check that <dir>/<name>.key (encrypted cosign private key) and <name>.pub (PEM public key) exist',
  args: z
    .object({
      name: z.string().regex(NAME).default('cosign').describe('the pair\'s file name prefix (<name>.key, <name>.pub)'),
      dir: z.string().optional().describe('directory holding the pair, relative to the scenario file (default: <run dir>/keys)'),
    })
    .strict(),
  async run(args, ctx): Promise<ActionResult> {
    const dir = args.dir ? scenarioPath(ctx, args.dir) : join(ctx.workDir, 'keys');
    const { privateKeyPath, publicKeyPath } = keyPairPaths(dir, args.name);
    for (const p of [privateKeyPath, publicKeyPath]) {
      if (!(await exists(p))) return { ok: false, message: `${p} is missing: generate the pair in ${dir} (cosign generate-key-pair${args.name === 'cosign' ? '' : ` --output-key-prefix ${args.name}`})` };
    }
    try {
      parseEncryptedKey(await readFile(privateKeyPath, 'utf8'), privateKeyPath);
      parsePublicKey(await readFile(publicKeyPath, 'utf8'), publicKeyPath);
      ctx.log(`${privateKeyPath} (encrypted) and ${publicKeyPath} are in place`);
      return { ok: true };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  },
});

export const cosignActions: ActionDefinition<any>[] = [generateKeyPairAction, signAction, verifyAction, checkKeyPairAction];
