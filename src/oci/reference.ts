/**
 * OCI references, parsed once into a typed value (the pkg/name model of go-containerregistry).
 *
 * Accepted forms:
 *   oci://host[:port]/repo[:tag][@sha256:<hex>]   (the flux CLI form)
 *   host[:port]/repo[:tag][@digest]                 (docker-style)
 *   repo, org/repo                                  (Docker Hub, as docker and ggcr read them)
 * The first path component is a registry host when it contains "." or ":", is "localhost",
 * or is a bracketed IPv6 literal (distribution's rule). Loopback, RFC 1918, localhost and
 * *.local hosts default to plain HTTP (as ggcr's Registry.Scheme does); others to HTTPS.
 */
import { OciError } from './errors.js';

export type Scheme = 'http' | 'https';

export interface Reference {
  /** host[:port] exactly as used in URLs and as the docker-config key ("index.docker.io" for Docker Hub). */
  readonly registry: string;
  /** Repository path, e.g. "org/app" ("library/alpine" on Docker Hub). */
  readonly repository: string;
  readonly tag?: string;
  /** "sha256:<64 hex>" when the reference pins a digest. */
  readonly digest?: string;
  readonly scheme: Scheme;
}

export interface ParseOptions {
  /** Force plain HTTP (flux's --insecure-registry). */
  insecure?: boolean;
}

export const DOCKER_HUB = 'index.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const MAX_NAME = 255;

function invalid(input: string, why: string): OciError {
  return new OciError('INVALID_REFERENCE', `invalid OCI reference "${input}": ${why}`);
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function isValidDigest(digest: string): boolean {
  return DIGEST.test(digest);
}

/** Validate a repository path; throws an OciError naming the bad component. */
export function validateRepository(repository: string, input = repository): void {
  if (repository.length === 0) throw invalid(input, 'the repository name is empty');
  if (repository.length > MAX_NAME) throw invalid(input, `the repository name is longer than ${MAX_NAME} characters`);
  for (const component of repository.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      throw invalid(
        input,
        `repository component "${component}" must be lowercase letters and digits, separated by ".", "_", "__" or "-"`,
      );
    }
  }
}

function validateRegistry(host: string, input: string): void {
  let name = host;
  let port: string | undefined;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) throw invalid(input, `unterminated IPv6 literal in host "${host}"`);
    const rest = host.slice(end + 1);
    if (rest !== '' && !/^:\d+$/.test(rest)) throw invalid(input, `bad port in host "${host}"`);
    if (!/^[0-9a-fA-F:.]+$/.test(host.slice(1, end))) throw invalid(input, `bad IPv6 literal "${host}"`);
    return;
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0) {
    name = host.slice(0, colon);
    port = host.slice(colon + 1);
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw invalid(input, `bad port "${port}" in host "${host}"`);
  }
  for (const part of name.split('.')) {
    if (!DOMAIN_COMPONENT.test(part)) throw invalid(input, `bad registry host "${host}"`);
  }
}

function hostname(registry: string): string {
  if (registry.startsWith('[')) return registry.slice(1, registry.indexOf(']'));
  const colon = registry.lastIndexOf(':');
  return colon >= 0 ? registry.slice(0, colon) : registry;
}

/**
 * ocilab's plain-HTTP default: localhost, *.localhost, *.local, 127/8, ::1, RFC 1918 IPv4.
 * Close to, not the same as, go-containerregistry's name.Registry.Scheme() (pkg/name/registry.go),
 * which also allows plain HTTP for these hosts but only after an HTTPS attempt, and lists
 * `localhost:<port>`, `*.localhost`, `127.0.0.1`, `::1` and RFC 1918 (not *.local or all of 127/8).
 */
export function isPrivateHost(registry: string): boolean {
  const host = hostname(registry).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  if (host === '::1') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!v4) return false;
  const [a, b] = [Number(v4[1]), Number(v4[2])];
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

export function defaultScheme(registry: string, insecure = false): Scheme {
  return insecure || isPrivateHost(registry) ? 'http' : 'https';
}

function looksLikeHost(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component.startsWith('[') ||
    component !== component.toLowerCase()
  );
}

/** Parse an OCI or docker-style reference; throws OciError('INVALID_REFERENCE') saying why. */
export function parseReference(input: string, opts: ParseOptions = {}): Reference {
  const raw = input.trim();
  let rest = raw.startsWith('oci://') ? raw.slice('oci://'.length) : raw;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) {
    throw invalid(input, 'only the oci:// scheme is accepted (use --insecure-registry for plain HTTP)');
  }
  if (rest === '') throw invalid(input, 'it is empty');
  if (/\s/.test(rest)) throw invalid(input, 'it contains whitespace');

  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(input, `digest "${digest}" is not sha256:<64 lowercase hex> or sha512:<128 hex>`);
  }

  let registry: string;
  let path: string;
  const slash = rest.indexOf('/');
  if (slash >= 0 && looksLikeHost(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    path = rest.slice(slash + 1);
    validateRegistry(registry, input);
  } else {
    registry = DOCKER_HUB;
    path = rest;
  }

  let tag: string | undefined;
  const lastSlash = path.lastIndexOf('/');
  const colon = path.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(input, `tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }

  if (DOCKER_HUB_ALIASES.has(registry.toLowerCase())) {
    registry = DOCKER_HUB;
    if (!path.includes('/')) path = `library/${path}`;
  }
  validateRepository(path, input);
  if (`${registry}/${path}`.length > MAX_NAME) throw invalid(input, `the full name is longer than ${MAX_NAME} characters`);

  return Object.freeze({ registry, repository: path, tag, digest, scheme: defaultScheme(registry, opts.insecure) });
}

/** What the manifest endpoint is addressed by: the digest if pinned, else the tag, else "latest". */
export function manifestIdentifier(ref: Reference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

export function withTag(ref: Reference, tag: string): Reference {
  if (!TAG.test(tag)) throw invalid(tag, `tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  return Object.freeze({ ...ref, tag, digest: undefined });
}

export function withDigest(ref: Reference, digest: string): Reference {
  if (!DIGEST.test(digest)) throw invalid(digest, 'not a sha256/sha512 digest');
  return Object.freeze({ ...ref, digest });
}

/** "host/repo" without tag or digest. */
export function repositoryName(ref: Reference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** Canonical text form, e.g. "oci://127.0.0.1:5000/app:v1@sha256:...". */
export function formatReference(ref: Reference, opts: { oci?: boolean } = {}): string {
  const tag = ref.tag ? `:${ref.tag}` : '';
  const digest = ref.digest ? `@${ref.digest}` : '';
  return `${opts.oci === false ? '' : 'oci://'}${repositoryName(ref)}${tag}${digest}`;
}

/** Base URL of the registry API ("http://127.0.0.1:5000"). */
export function registryOrigin(ref: Pick<Reference, 'registry' | 'scheme'>): string {
  return `${ref.scheme}://${ref.registry}`;
}
