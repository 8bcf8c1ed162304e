/**
 * Host header check for ocilab's servers (issue 16): a page in the speaker's browser can
 * point a name it controls at 127.0.0.1 (DNS rebinding) and then read or write a loopback
 * server as "same origin"; the only trace of the trick is the Host header, which still
 * carries the attacker's name. A server answers only Host values it was told about: its own
 * address:port, the loopback names, and names configured on purpose.
 */
import { isIPv6 } from 'node:net';

/** `host[:port]` as a Host header carries it: a DNS name, an IPv4 address or a bracketed IPv6 address. */
const HOST_VALUE = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/i;

/**
 * Lower-case name (trailing dot dropped) or canonical IP, plus the port as written ('' when
 * absent); undefined for anything that is not a plain host[:port] (userinfo, paths, spaces…).
 */
export function parseHostValue(value: string): { host: string; port: string } | undefined {
  const m = HOST_VALUE.exec(value.trim());
  if (!m) return undefined;
  let host = m[1]!.toLowerCase();
  if (host.startsWith('[')) {
    const inner = host.slice(1, -1);
    if (!isIPv6(inner)) return undefined;
    host = `[${new URL(`http://[${inner}]/`).hostname.slice(1, -1)}]`; // canonical form: [0:0::1] → [::1]
  } else if (host.endsWith('.')) {
    host = host.slice(0, -1);
  }
  if (host === '' || host.startsWith('.') || host.includes('..')) return undefined;
  const port = m[2] ?? '';
  if (port !== '' && Number(port) > 65535) return undefined;
  return { host, port };
}

/**
 * True when `hostHeader` names one of `allowed` (entries `host:port`, `[v6]:port`, or a bare
 * name, which matches that name with any port). A missing or malformed Host is refused.
 */
export function isAllowedHost(hostHeader: string | undefined, allowed: readonly string[]): boolean {
  if (hostHeader === undefined) return false;
  const got = parseHostValue(hostHeader);
  if (!got) return false;
  return allowed.some((entry) => {
    const want = parseHostValue(entry);
    return want !== undefined && want.host === got.host && (want.port === '' || want.port === got.port);
  });
}

/** `host:port` for an address as `server.address()` gives it (IPv6 in brackets). */
export function hostPort(address: string, port: number): string {
  return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The loopback names every local server answers to on its port. */
export function loopbackHosts(port: number): string[] {
  return [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`];
}
