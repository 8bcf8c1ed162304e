/** The Host-header rule shared by ocilab's local servers (DNS rebinding). */
import { describe, expect, it } from 'vitest';
import { hostnameOf, hostRefusedMessage, isAllowedHost } from '../../src/net/host-check.js';

describe('isAllowedHost', () => {
  it.each([
    '127.0.0.1:5001',
    '127.0.0.1',
    '[::1]:5001',
    '[::1]',
    '172.18.0.1:8470',
    'localhost:5001',
    'LocalHost',
    'localhost.:5001',
    'app.localhost:5001',
    'host.docker.internal:5001',
    'host.containers.internal',
    'registry.example.test:5001',
    'Registry.Example.Test.',
  ])('accepts %s', (host) => {
    expect(isAllowedHost(host, ['registry.example.test'])).toBe(true);
  });

  it.each([
    [undefined, 'no Host'],
    ['', 'empty'],
    ['attacker.example:5001', 'another name'],
    ['localhost.attacker.example', 'localhost as a prefix'],
    ['127.0.0.1.nip.io:5001', 'a name that resolves to loopback'],
    ['registry.example.test.attacker.example', 'an allowed name as a prefix'],
    ['[::1', 'unclosed bracket'],
    ['[::1]x', 'junk after the bracket'],
    ['[notanip]:5001', 'brackets around a name'],
    ['127.0.0.1:port', 'a port that is not a number'],
    ['a b:5001', 'a space'],
    ['user@127.0.0.1', 'userinfo'],
  ] as [string | undefined, string][])('refuses %j (%s)', (host) => {
    expect(isAllowedHost(host, ['registry.example.test'])).toBe(false);
  });

  it('normalises configured names like headers (case, trailing dot, port, IPv6 brackets)', () => {
    expect(isAllowedHost('myhost.lan:5001', ['MyHost.LAN.'])).toBe(true);
    expect(isAllowedHost('myhost.lan', ['myhost.lan:9999'])).toBe(true);
    expect(hostnameOf('[FE80::1]:80')).toBe('fe80::1');
  });

  it('says which Host was refused and how to allow it', () => {
    const message = hostRefusedMessage('attacker.example:5001', 'this registry', 'start it with --allowed-host <name>');
    expect(message).toContain('Host "attacker.example:5001"');
    expect(message).toContain('--allowed-host <name>');
    expect(hostRefusedMessage(undefined, 'this registry', 'x')).toContain('no Host header');
  });
});
