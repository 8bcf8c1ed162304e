/**
 * `ocilab artifact build|push|pull|tag|list|diff`: Flux OCI artifacts from the command line,
 * flags named like the flux CLI's. Plain functions in src/oci/ do the work; this file maps
 * flags to options and results to text or JSON (`-o json`).
 */
import { Command, Option } from 'commander';
import type { Readable, Writable } from 'node:stream';
import { credentialSource } from '../oci/credentials.js';
import { OciError } from '../oci/errors.js';
import { EXIT } from './exit-codes.js';
import { parseReference, type Reference } from '../oci/reference.js';
import { readCaFile } from '../oci/ca-file.js';
import { readClientCertificate } from '../oci/key-pair.js';
import type { ClientSettings } from '../oci/remote.js';

/** Loaded on first use, so `ocilab --help` and other commands do not import them at start-up. */
const lazy = {
  artifact: () => import('../oci/artifact.js'),
  diff: () => import('../oci/diff.js'),
  remote: () => import('../oci/remote.js'),
};

export interface CommandIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
}

interface RemoteFlags {
  insecureRegistry?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  credsFile?: string;
  credsStdin?: boolean;
  creds?: string;
  timeout?: string;
  output?: string;
}

const list = (value: string, prev: string[] = []): string[] => [...prev, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
const repeat = (value: string, prev: string[] = []): string[] => [...prev, value];

function remoteFlags(cmd: Command): Command {
  return cmd
    .option('--insecure-registry', 'use plain HTTP (loopback and private hosts use it anyway)')
    .option('--ca-file <file>', 'trust this CA bundle (PEM, e.g. ca.crt) for the registry\'s HTTPS certificate; implies HTTPS')
    .option('--cert-file <file>', 'client certificate (PEM) for a registry that requires mutual TLS; with --key-file; implies HTTPS')
    .option('--key-file <file>', 'private key (PEM) of the --cert-file client certificate')
    .option('--creds-file <file>', 'read "username:password" from this file')
    .option('--creds-stdin', 'read "username:password" from standard input')
    .addOption(new Option('--creds <user:pass>', 'refused: a password on the command line lands in shell history').hideHelp())
    .option('--timeout <duration>', 'per-request timeout, e.g. 30s or 500ms', '30s');
}

function jsonFlag(cmd: Command): Command {
  return cmd.addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
}

function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new OciError('PROTOCOL', `--timeout "${text}": expected a duration like 30s or 500ms`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

async function clientSettings(flags: RemoteFlags, io: CommandIO): Promise<ClientSettings> {
  if (flags.caFile && flags.insecureRegistry) throw new OciError('PROTOCOL', '--ca-file and --insecure-registry contradict each other: a CA is for HTTPS, --insecure-registry is plain HTTP');
  if ((flags.certFile || flags.keyFile) && flags.insecureRegistry) throw new OciError('PROTOCOL', '--cert-file/--key-file and --insecure-registry contradict each other: a client certificate is for HTTPS, --insecure-registry is plain HTTP');
  const clientCert = await readClientCertificate(flags.certFile, flags.keyFile);
  return {
    ...(flags.caFile ? { ca: await readCaFile(flags.caFile) } : {}),
    ...(clientCert ? { clientCert } : {}),
    credentials: await credentialSource({ credsFile: flags.credsFile, credsStdin: flags.credsStdin, creds: flags.creds }, { env: io.env, stdin: io.stdin }),
    timeoutMs: parseDuration(flags.timeout ?? '30s'),
  };
}

function ref(url: string, flags: RemoteFlags): Reference {
  return parseReference(url, { insecure: flags.insecureRegistry });
}

function parseAnnotations(pairs: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new OciError('PROTOCOL', `--annotations "${p}": expected key=value`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

/** Run an action with Ctrl-C wired to an AbortSignal; errors become one line on stderr and exit code 1. */
function runner(io: CommandIO) {
  return <A extends unknown[]>(fn: (signal: AbortSignal, ...args: A) => Promise<void | number>) =>
    async (...args: A): Promise<void> => {
      const ac = new AbortController();
      const onInt = (): void => ac.abort();
      process.once('SIGINT', onInt);
      try {
        const code = await fn(ac.signal, ...args);
        if (typeof code === 'number') process.exitCode = code;
      } catch (err) {
        io.stderr.write(`✗ ${(err as Error).message}\n`);
        process.exitCode = err instanceof OciError && err.code === 'BAD_OUTPUT' ? EXIT.usage : EXIT.failed;
      } finally {
        process.off('SIGINT', onInt);
      }
    };
}

export function artifactCommand(io: CommandIO = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }): Command {
  const run = runner(io);
  const out = (line: string): void => void io.stdout.write(`${line}\n`);
  const json = (value: unknown): void => out(JSON.stringify(value, null, 2));
  const cmd = new Command('artifact').description('build, push, pull, tag, list and diff Flux OCI artifacts');

  cmd
    .command('build')
    .description('package a directory as a Flux artifact tarball (like flux build artifact)')
    .requiredOption('--path <path>', 'directory or file to package')
    .option('-o, --output <file>', 'where to write the .tgz', 'artifact.tgz')
    .option('--ignore-paths <patterns>', 'gitignore patterns replacing the defaults (comma-separated)', list)
    .option('--add-ignore-paths <patterns>', 'gitignore patterns added to the defaults', list)
    .option('--resolve-symlinks', 'archive what symlinks point to instead of skipping them')
    .action(run(async (signal, o: { path: string; output: string; ignorePaths?: string[]; addIgnorePaths?: string[]; resolveSymlinks?: boolean }) => {
      const r = await (await lazy.artifact()).buildArtifact({ path: o.path, output: o.output, ignorePaths: o.ignorePaths, addIgnorePaths: o.addIgnorePaths, resolveSymlinks: o.resolveSymlinks, signal });
      out(`✔ ${r.output}: ${r.files} files, ${r.size} bytes, ${r.digest}`);
      for (const s of r.skipped) io.stderr.write(`  skipped ${s} (not a regular file or directory)\n`);
    }));

  jsonFlag(remoteFlags(cmd.command('push')))
    .description('push a directory as a Flux artifact; prints oci://<repo>@sha256:<digest>')
    .argument('<url>', 'oci://host/repo:tag')
    .option('--path <path>', 'directory or file to package')
    .option('--tarball <file>', 'push an already built .tgz instead of --path')
    .requiredOption('--source <url>', 'where the content comes from (org.opencontainers.image.source)')
    .requiredOption('--revision <rev>', 'source revision, e.g. main@sha1:<commit> (org.opencontainers.image.revision)')
    .option('-a, --annotations <key=value>', 'extra manifest annotation (repeatable)', repeat)
    .option('--reproducible', 'created annotation fixed at 1970-01-01T00:00:00Z')
    .option('--ignore-paths <patterns>', 'gitignore patterns replacing the defaults', list)
    .option('--add-ignore-paths <patterns>', 'gitignore patterns added to the defaults', list)
    .option('--resolve-symlinks', 'archive what symlinks point to instead of skipping them')
    .option('--chunk-size <bytes>', 'upload the layer in PATCH chunks of this size', (v) => Number(v))
    .action(run(async (signal, url: string, o: RemoteFlags & { path?: string; tarball?: string; source: string; revision: string; annotations?: string[]; reproducible?: boolean; ignorePaths?: string[]; addIgnorePaths?: string[]; resolveSymlinks?: boolean; chunkSize?: number }) => {
      if (!o.path && !o.tarball) throw new OciError('PROTOCOL', 'push needs --path <dir> or --tarball <file>');
      const r = await (await lazy.remote()).pushArtifact(ref(url, o), {
        path: o.path, tarball: o.tarball, source: o.source, revision: o.revision, annotations: parseAnnotations(o.annotations),
        reproducible: o.reproducible, ignorePaths: o.ignorePaths, addIgnorePaths: o.addIgnorePaths, resolveSymlinks: o.resolveSymlinks, chunkSize: o.chunkSize,
        clientOptions: await clientSettings(o, io), signal,
      });
      if (o.output === 'json') json({ url: r.url, repository: r.repository, tag: r.tag, digest: r.digest });
      else out(r.url);
    }));

  remoteFlags(cmd.command('pull'))
    .description('pull a Flux artifact and extract it safely')
    .argument('<url>', 'oci://host/repo:tag or @sha256:<digest>')
    .requiredOption('-o, --output <dir>', 'directory to extract into (as flux pull artifact --output)')
    .option('--json', 'print the result, with timings and bytes, as JSON')
    .option('--replace', 'replace the directory if it is not empty')
    .option('--max-size <bytes>', 'refuse artifacts that unpack to more than this', (v) => Number(v))
    .action(run(async (signal, url: string, o: RemoteFlags & { output: string; json?: boolean; replace?: boolean; maxSize?: number }) => {
      const r = await (await lazy.remote()).pullArtifact(ref(url, o), { output: o.output, replace: o.replace, maxBytes: o.maxSize, clientOptions: await clientSettings(o, io), signal });
      if (o.json) {
        json({ url: r.url, digest: r.digest, source: r.source, revision: r.revision, path: r.output, files: r.files, bytes: r.bytes, timings: r.timings });
      } else {
        out(`✔ ${r.url}`);
        out(`  revision ${r.revision ?? '(none)'}, source ${r.source ?? '(none)'}`);
        out(`  ${r.files} files into ${r.output} (manifest ${r.timings.manifestMs.toFixed(1)} ms, layer ${r.bytes.layer} B in ${r.timings.layerMs.toFixed(1)} ms, extract ${r.timings.extractMs.toFixed(1)} ms)`);
      }
    }));

  jsonFlag(remoteFlags(cmd.command('tag')))
    .description('tag an artifact (re-PUT its manifest under new tags)')
    .argument('<url>', 'oci://host/repo:tag or @digest')
    .requiredOption('--tag <tag>', 'new tag (repeatable)', repeat)
    .action(run(async (signal, url: string, o: RemoteFlags & { tag: string[] }) => {
      const clientOptions = await clientSettings(o, io);
      const results = [];
      for (const t of o.tag) results.push(await (await lazy.remote()).tagArtifact(ref(url, o), t, { clientOptions, signal }));
      if (o.output === 'json') json(results);
      else for (const r of results) out(`✔ ${r.url} → ${r.digest}`);
    }));

  jsonFlag(remoteFlags(cmd.command('list')))
    .description('list the tags of a repository with digest, source and revision (like flux list artifacts)')
    .argument('<url>', 'oci://host/repo')
    .option('--filter-regex <regex>', 'only tags matching this regular expression')
    .action(run(async (signal, url: string, o: RemoteFlags & { filterRegex?: string }) => {
      let filter: RegExp | undefined;
      try {
        filter = o.filterRegex === undefined ? undefined : new RegExp(o.filterRegex);
      } catch (err) {
        throw new OciError('PROTOCOL', `--filter-regex: ${(err as Error).message}`);
      }
      const r = ref(url, o);
      const items = (await (await lazy.remote()).listArtifacts(r, { clientOptions: await clientSettings(o, io), signal })).filter((a) => !filter || filter.test(a.tag));
      if (o.output === 'json') return json(items);
      out(['ARTIFACT', 'DIGEST', 'SOURCE', 'REVISION'].join('\t'));
      for (const a of items) out([`${r.registry}/${r.repository}:${a.tag}`, a.digest, a.source ?? '', a.revision ?? ''].join('\t'));
    }));

  jsonFlag(remoteFlags(cmd.command('diff')))
    .description('compare a directory with an artifact by file contents (exit 1 when they differ)')
    .argument('<url>', 'oci://host/repo:tag or @digest')
    .requiredOption('--path <path>', 'directory to compare')
    .option('--ignore-paths <patterns>', 'gitignore patterns replacing the defaults', list)
    .option('--add-ignore-paths <patterns>', 'gitignore patterns added to the defaults', list)
    .option('--resolve-symlinks', 'archive what symlinks point to instead of skipping them')
    .action(run(async (signal, url: string, o: RemoteFlags & { path: string; ignorePaths?: string[]; addIgnorePaths?: string[]; resolveSymlinks?: boolean }) => {
      const d = await (await lazy.diff()).diffArtifact(ref(url, o), { path: o.path, ignorePaths: o.ignorePaths, addIgnorePaths: o.addIgnorePaths, resolveSymlinks: o.resolveSymlinks, clientOptions: await clientSettings(o, io), signal });
      if (o.output === 'json') json(d);
      else if (d.identical) out(`✔ no changes: ${o.path} has the same files as ${url}${d.sameLayerDigest ? '' : ' (the .tgz bytes differ: another gzip encoder)'}`);
      else {
        for (const p of d.added) out(`+ ${p}`);
        for (const p of d.removed) out(`- ${p}`);
        for (const c of d.changed) out(`~ ${c.path} (${c.what})`);
      }
      return d.identical ? 0 : 1;
    }));

  return cmd;
}
