/**
 * `ocilab cosign generate-key-pair|sign|verify`: ocilab's own cosign-compatible signer and
 * verifier, with cosign's flag names. Passwords come from COSIGN_PASSWORD, --password-file or
 * a prompt, never from a flag value. Exit codes: 0 ok, 1 verification failed, 2 bad input.
 */
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { equivalentCosignCommand } from '../cosign/cosign-cli.js';
import { isCosignError } from '../cosign/errors.js';
import { resolvePassword } from '../cosign/password.js';
import { parseReference } from '../oci/reference.js';

/** Loaded on first use, so `ocilab --help` and other commands do not import them at start-up. */
const lazy = {
  keys: () => import('../cosign/keys.js'),
  sign: () => import('../cosign/sign.js'),
  verify: () => import('../cosign/verify.js'),
};

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function insecureOptions(cmd: Command): Command {
  return cmd
    .option('--allow-http-registry', 'use plain HTTP for the registry (loopback/private hosts use it anyway)')
    .addOption(new Option('--allow-insecure-registry', 'alias of --allow-http-registry').hideHelp());
}

/** Print a failure the way every subcommand does: one line, no stack, no secrets. */
async function guarded(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    process.exitCode = isCosignError(err) && err.code !== 'REGISTRY' ? EXIT_USAGE : EXIT_FAILED;
  }
}

/** Plain HTTP when asked, or when the host is loopback/private (ocilab's isPrivateHost, close to go-containerregistry's rule). */
function usesHttp(ref: string, flags: { allowHttpRegistry?: boolean; allowInsecureRegistry?: boolean }): boolean {
  if (flags.allowHttpRegistry || flags.allowInsecureRegistry) return true;
  try {
    return parseReference(ref).scheme === 'http';
  } catch {
    return false; // the real parse error is reported by sign/verify
  }
}

function showEquivalent(line: string): void {
  process.stderr.write(`equivalent: ${line}\n`);
}

function parseAnnotations(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new Error(`annotation "${v}" must be key=value`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

export function cosignCommand(): Command {
  const cmd = new Command('cosign').description('sign and verify OCI artifacts in cosign\'s formats (keys, classic .sig, v3 bundles)');

  cmd
    .command('generate-key-pair')
    .description('write cosign.key (encrypted; password from COSIGN_PASSWORD, --password-file or a prompt) and cosign.pub')
    .option('--output-key-prefix <prefix>', 'file name prefix', 'cosign')
    .option('--dir <dir>', 'directory to write the key files in', '.')
    .option('--password-file <file>', 'read the password from this file instead of COSIGN_PASSWORD or a prompt')
    .option('--force', 'overwrite existing key files')
    .action((o: { outputKeyPrefix: string; dir: string; passwordFile?: string; force?: boolean }) =>
      guarded(async () => {
        const password = await resolvePassword({ passwordFile: o.passwordFile, confirm: true, purpose: 'private key' });
        const pair = await (await lazy.keys()).generateKeyPairFiles(o.dir, password, { prefix: o.outputKeyPrefix, overwrite: o.force });
        process.stdout.write(`Private key written to ${pair.privateKeyPath}\nPublic key written to ${pair.publicKeyPath}\n`);
        showEquivalent(equivalentCosignCommand({ op: 'generate-key-pair', outputKeyPrefix: o.outputKeyPrefix === 'cosign' ? undefined : o.outputKeyPrefix }));
      }),
    );

  insecureOptions(
    cmd
      .command('sign')
      .description('sign an artifact by digest in the classic format Flux accepts (tag sha256-<hex>.sig)')
      .argument('<ref>', 'artifact, e.g. 127.0.0.1:5000/app:v1 or oci://host/app@sha256:<hex>')
      .requiredOption('--key <path>', 'cosign.key to sign with')
      .option('--password-file <file>', 'read the key password from this file')
      .option('-a, --annotations <key=value>', 'annotation written into the signed payload (repeatable)', (v: string, acc: string[] = []) => [...acc, v]),
  ).action((ref: string, o: { key: string; passwordFile?: string; annotations?: string[]; allowHttpRegistry?: boolean; allowInsecureRegistry?: boolean }) =>
    guarded(async () => {
      const insecure = usesHttp(ref, o);
      const annotations = parseAnnotations(o.annotations ?? []);
      // The key file is checked (and a loose mode warned about) before its password is asked for.
      const keyText = await (await lazy.keys()).readPrivateKeyFile(o.key, { onWarning: (m) => process.stderr.write(`Warning: ${m}\n`) });
      const password = await resolvePassword({ passwordFile: o.passwordFile, purpose: o.key });
      const privateKey = await (await import('../cosign/key-file.js')).decryptPrivateKey(keyText, password, o.key);
      const r = await (await lazy.sign()).signArtifact(ref, { privateKey, keyName: basename(o.key), annotations, insecure });
      process.stdout.write(`Signed ${r.ref}\n  tag ${r.signatureTag} (${r.signatureCount} signature(s)), payload ${r.payloadDigest}\n`);
      showEquivalent(equivalentCosignCommand({ op: 'sign', ref, key: o.key, allowHttpRegistry: insecure, annotations }));
    }),
  );

  insecureOptions(
    cmd
      .command('verify')
      .description('verify with public keys: v3 bundles (referrers or sha256-<hex> tag), then classic .sig; offline, tlog ignored (as Flux)')
      .argument('<ref>', 'artifact reference')
      .requiredOption('--key <path>', 'cosign.pub (repeat to try several, as a Flux Secret with several .pub keys)', (v: string, acc: string[] = []) => [...acc, v])
      .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
      .addHelpText('after', '\nA classic signature must also name this artifact\'s digest in its payload (as cosign verify --check-claims).'),
  ).action((ref: string, o: { key: string[]; output: 'text' | 'json'; allowHttpRegistry?: boolean; allowInsecureRegistry?: boolean }) =>
    guarded(async () => {
      const insecure = usesHttp(ref, o);
      const keys = await Promise.all(o.key.map(async (p) => ({ name: basename(p), key: await (await lazy.keys()).loadPublicKey(p) })));
      const r = await (await lazy.verify()).verifyArtifact(ref, { publicKeys: keys, insecure });
      if (o.output === 'json') {
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      } else if (r.verified && r.matched) {
        process.stdout.write(
          `Verified ${r.ref}\n  ${r.matched.kind} signature by ${r.matched.keyName} (${r.matched.where})\n` +
            `  payload ${r.matched.payloadDigest}\n  identity ${r.matched.identity}\n`,
        );
      } else {
        process.stderr.write(`Not verified: ${r.summary}\n${r.reason}: ${r.message}\n`);
      }
      showEquivalent(equivalentCosignCommand({ op: 'verify', ref, key: o.key[0]!, allowHttpRegistry: insecure }));
      process.exitCode = r.verified ? 0 : EXIT_FAILED;
    }),
  );

  return cmd;
}
