/**
 * React (through Ink) chooses its development or production build from NODE_ENV when it is
 * first imported, and unset means development: slower renders and dev-only warnings. The
 * CLI defaults NODE_ENV to production for itself before the UI is imported; the processes a
 * scenario starts still get the environment the user gave (see childEnv).
 */

let defaultedByOcilab = false;

/**
 * Sets `env.NODE_ENV = 'production'` when it is unset, except under vitest (tests keep the
 * development build and its warnings). Returns whether it set it.
 */
export function defaultNodeEnvToProduction(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NODE_ENV !== undefined || env.VITEST) return false;
  env.NODE_ENV = 'production';
  if (env === process.env) defaultedByOcilab = true;
  return true;
}

/** The environment for a child process: process.env without a NODE_ENV ocilab set for itself, then `extra`. */
export function childEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...process.env, ...(defaultedByOcilab ? { NODE_ENV: undefined } : {}), ...extra };
}
