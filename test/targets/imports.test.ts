/**
 * The targets get what they need of a run (its Git servers, its reconciler) through
 * createTarget's parts and the run's scope, never from another area's scenario actions:
 * no module under src/targets imports an `actions` module of another folder (static,
 * re-export or dynamic import), read with TypeScript's own import scanner.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const targets = join(root, 'src/targets');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Every relative module a file imports, re-exports or imports dynamically, as a path under src/. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.')).map((s) => relative(join(root, 'src'), resolve(dirname(file), s)));
}

describe('src/targets imports no area\'s actions', () => {
  it('finds the imports it looks for (static, type-only, dynamic)', () => {
    expect(importsOf(join(targets, 'action-support.ts'))).toEqual(expect.arrayContaining(['engine/action.js', 'engine/run-scope.js', 'targets/index.js']));
  });

  it('no module under src/targets imports an actions module outside src/targets', () => {
    const offending = tsFiles(targets).flatMap((file) =>
      importsOf(file)
        .filter((m) => !m.startsWith('targets/') && /(^|\/)actions\.(js|ts)$/.test(m))
        .map((m) => `${relative(root, file)} imports ${m}`),
    );
    expect(offending).toEqual([]);
  });
});
