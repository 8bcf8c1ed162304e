/**
 * Where `artifact pull --output` may write, decided before anything is fetched:
 *  - a symlink is followed and kept: the content goes into the directory it points to;
 *    a dangling one is an error that says so;
 *  - a missing parent directory is an error (nothing is created above --output);
 *  - an existing non-empty directory needs `replace`;
 *  - `replace` is refused outright on `/`, the home directory, the current directory and any
 *    directory holding it: replacing swaps the whole directory, which would delete the
 *    user's files (and pull the rug from under the shell's cwd).
 * Every refusal is an OciError('BAD_OUTPUT') (exit 2 in the CLI); nothing is written.
 */
import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve, sep } from 'node:path';
import { OciError } from './errors.js';

export interface PullTargetEnv {
  cwd: string;
  home: string;
}

const real = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};

/** The directory to extract into (the symlink's target when `output` is one). Throws OciError('BAD_OUTPUT'). */
export function pullTarget(output: string, replace: boolean, env: PullTargetEnv = { cwd: process.cwd(), home: homedir() }): string {
  const bad = (why: string) => new OciError('BAD_OUTPUT', `--output ${output}: ${why}; nothing was pulled`);
  const abs = resolve(env.cwd, output);
  let target = abs;
  if (lstatSync(abs, { throwIfNoEntry: false })?.isSymbolicLink()) {
    try {
      target = realpathSync(abs);
    } catch {
      throw bad(`is a symlink to ${readlinkSync(abs)}, which does not exist (create that directory, or choose another --output)`);
    }
  }
  const st = statSync(target, { throwIfNoEntry: false });
  if (!st) {
    const parent = dirname(target);
    const pst = statSync(parent, { throwIfNoEntry: false });
    if (!pst) throw bad(`its parent directory ${parent} does not exist (create it first)`);
    if (!pst.isDirectory()) throw bad(`${parent} is not a directory`);
    return target;
  }
  if (!st.isDirectory()) throw bad('exists and is not a directory');
  if (replace) {
    const dir = real(target);
    const cwd = real(env.cwd);
    if (dir === dirname(dir)) throw bad('refusing --replace on the root directory');
    if (dir === real(env.home)) throw bad('refusing --replace on your home directory');
    if (dir === cwd) throw bad('refusing --replace on the current directory: it would delete everything in it (pull into a new subdirectory instead)');
    if (cwd.startsWith(dir + sep)) throw bad(`refusing --replace on ${dir}: it holds the current directory`);
  } else if (readdirSync(target).length > 0) {
    throw bad('is not empty (pass --replace to replace its content, or choose an empty or new directory)');
  }
  return target;
}
