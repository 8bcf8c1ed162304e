/**
 * Peer tools (git, skopeo, crane, oras, cosign, registry...) in tests.
 * On a laptop without the tool a peer test skips and says why; under CI=true a missing
 * peer is a failure, because a skipped interop test in CI proves nothing.
 */
import { execFileSync } from 'node:child_process';

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/** Absolute path of `tool` on PATH (also ~/go/bin), or undefined. */
export function findPeer(tool: string): string | undefined {
  const path = [process.env.PATH ?? '', `${process.env.HOME ?? '/root'}/go/bin`].join(':');
  try {
    const out = execFileSync('sh', ['-c', `command -v ${JSON.stringify(tool)}`], {
      env: { ...process.env, PATH: path },
      encoding: 'utf8',
    }).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}

/**
 * For `describe.skipIf(!peer('crane'))`-style use: returns the tool's path, or undefined
 * after printing why the tests skip. Throws under CI, where every peer must be present.
 */
export function peer(tool: string, installHint = 'see scripts/ci/'): string | undefined {
  const found = findPeer(tool);
  if (found) return found;
  if (inCI) throw new Error(`peer tool ${tool} is missing under CI=true (${installHint})`);
  console.warn(`[skip] ${tool} not found on PATH: its interop tests are skipped (${installHint})`);
  return undefined;
}
