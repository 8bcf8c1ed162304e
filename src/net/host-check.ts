/**
 * Host-header check for ocilab's local HTTP servers (the registry, the Git server), against
 * DNS rebinding: a web page at `http://attacker.example:5001/` whose name the attacker then
 * points at 127.0.0.1 makes the browser send its requests to a server on the speaker's laptop,
 * same-origin as far as the browser knows, with `Host: attacker.example:5001`. So a server only
 * answers requests whose Host names it:
 *  - an IP literal (`127.0.0.1`, `[::1]`, `10.0.0.5`, the kind network's gateway): rebinding
 *    needs a DNS name, a page served from an IP address has that address as its origin;
 *  - `localhost` and `*.localhost` (RFC 6761: always loopback, browsers do not ask DNS);
 *  - the names container engines give the host inside containers (CONTAINER_HOST_NAMES): they
 *    resolve from /etc/hosts or the engine's own DNS, never from a name an attacker registers;
 *  - a name in `allowed` (the name it was bound to, names the user configured).
 * The port is not compared: the attack is carried by the name, and a forwarded port
 * (`ssh -L`, `kubectl port-forward`, `docker -p`) legitimately changes it.
 */
import { isIP } from 'node:net';

/** Docker Desktop's and podman's name for the host machine, as seen from a container (kind nodes included). */
export const CONTAINER_HOST_NAMES = ['host.docker.internal', 'host.containers.internal'] as const;

/** `host` or `host:port` (IPv6 in brackets) → the lowercase host without brackets, port or trailing dot; undefined if malformed. */
export function hostnameOf(hostHeader: string): string | undefined {
  const text = hostHeader.trim().toLowerCase();
  let host: string;
  let port: string | undefined;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return undefined;
    host = text.slice(1, end);
    const rest = text.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    port = rest === '' ? undefined : rest.slice(1);
    if (isIP(host) !== 6) return undefined;
  } else {
    const colon = text.lastIndexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    port = colon < 0 ? undefined : text.slice(colon + 1);
    if (!/^[a-z0-9_.-]+$/.test(host)) return undefined;
  }
  if (port !== undefined && !/^\d{1,5}$/.test(port)) return undefined;
  host = host.replace(/\.$/, '');
  return host === '' ? undefined : host;
}

/** Normalise a configured name the way hostnameOf normalises a header (`[::1]`, `Foo.Example.`, `name:port` all accepted). */
function normaliseAllowed(name: string): string | undefined {
  if (isIP(name) === 6) return name.toLowerCase();
  return hostnameOf(name);
}

/** Whether a request with this Host header may be answered (see the module comment); a missing or malformed Host may not. */
export function isAllowedHost(hostHeader: string | undefined, allowed: readonly string[] = []): boolean {
  if (hostHeader === undefined) return false;
  const host = hostnameOf(hostHeader);
  if (host === undefined) return false;
  if (isIP(host) !== 0) return true;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if ((CONTAINER_HOST_NAMES as readonly string[]).includes(host)) return true;
  return allowed.some((name) => normaliseAllowed(name) === host);
}

/** One line for the 403 (or the log): which Host was refused and how to allow it. */
export function hostRefusedMessage(hostHeader: string | undefined, server: string, howToAllow: string): string {
  const shown = hostHeader === undefined ? 'no Host header' : `Host "${hostHeader.slice(0, 200)}"`;
  return `${server} refuses a request with ${shown}: it answers only IP addresses, localhost and the names it was told to serve (protection against DNS rebinding from a web page). To reach it under that name, ${howToAllow}.`;
}
