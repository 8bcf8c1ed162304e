/**
 * `npm pack` ships package-lock.json as npm-shrinkwrap.json (prepack writes it, postpack
 * removes it), so `npm install -g ./ocilab-*.tgz` installs the dependency versions ocilab was
 * tested with instead of the newest ones its ranges allow. npm's docs recommend a shrinkwrap for
 * command-line tools installed globally; dev dependencies in it are not installed.
 *
 * `node scripts/shrinkwrap.mjs write|remove`
 */
import { copyFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const lock = fileURLToPath(new URL('../package-lock.json', import.meta.url));
const shrinkwrap = fileURLToPath(new URL('../npm-shrinkwrap.json', import.meta.url));

const verb = process.argv[2];
if (verb === 'write') copyFileSync(lock, shrinkwrap);
else if (verb === 'remove') rmSync(shrinkwrap, { force: true });
else {
  process.stderr.write('usage: node scripts/shrinkwrap.mjs write|remove\n');
  process.exit(2);
}
