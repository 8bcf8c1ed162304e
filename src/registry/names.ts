/**
 * Repository names and tags, validated with the distribution-spec grammar before anything
 * touches storage (a name becomes a directory path on disk).
 */
import { RegistryError } from './errors.js';

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const MAX_NAME = 255;

export function assertRepositoryName(name: string): void {
  if (name.length > MAX_NAME || !NAME.test(name)) {
    throw new RegistryError(
      400,
      'NAME_INVALID',
      `"${name}" is not a valid repository name (lowercase letters, digits, separators . _ __ - inside components, / between them, at most ${MAX_NAME} characters)`,
      { name },
    );
  }
}

export function isTag(reference: string): boolean {
  return TAG.test(reference);
}

export function assertTag(tag: string): void {
  if (!isTag(tag)) {
    throw new RegistryError(400, 'MANIFEST_INVALID', `"${tag}" is not a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127})`, { tag });
  }
}
