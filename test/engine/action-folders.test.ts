/**
 * Folders say what they hold: an action is defined in the folder its prefix names
 * (`flux.apply` in src/flux, `cosign.sign` in src/cosign), or the one docs/foundation.md's
 * layout names for it (`target.*` in src/targets, `artifact.*` in src/oci, `fixtures.*` in
 * src/git); the engine's builtins (`print`, `shell`, `wait`, no prefix) are in
 * src/engine/builtins. Read from the source: where each `defineAction({ name: '…' })` is written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/all-actions.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Folder (under src/) that holds each prefix's actions when it is not the prefix itself. */
const FOLDER_OF_PREFIX: Record<string, string> = { artifact: 'oci', fixtures: 'git', target: 'targets' };

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Action name → the file (relative to src/) that defines it. */
function definedIn(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of tsFiles(join(root, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/defineAction(?:<[^(]*>)?\(\{\s*name:\s*'([^']+)'/g)) out.set(m[1]!, relative(join(root, 'src'), file));
  }
  return out;
}

describe('action prefixes match folders', () => {
  const where = definedIn();

  it('finds where every registered action is defined', () => {
    expect(buildActionRegistry().names().filter((n) => !where.has(n))).toEqual([]);
  });

  it('each action is defined in the folder its prefix names', () => {
    const misplaced = [...where].flatMap(([name, file]) => {
      const prefix = name.includes('.') ? name.split('.')[0]! : undefined;
      const folder = prefix === undefined ? 'engine/builtins' : (FOLDER_OF_PREFIX[prefix] ?? prefix);
      return file.startsWith(`${folder}/`) ? [] : [`${name} is in src/${file}, not src/${folder}`];
    });
    expect(misplaced).toEqual([]);
  });
});
