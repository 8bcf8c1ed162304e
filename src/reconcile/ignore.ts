/**
 * Which files go into an artifact: fluxcd/pkg sourceignore as source-controller applies it
 * (storage.SourceIgnoreFilter). Defaults are VCS + extensions + CI + extra files; when the
 * repository has a `.sourceignore` or the object sets `spec.ignore`, those patterns
 * REPLACE the non-VCS defaults (VCS files are always excluded).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const EXCLUDE_VCS = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'];
export const EXCLUDE_EXT = ['*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip'];
export const EXCLUDE_CI = [
  '.github/',
  '.circleci/',
  '.travis.yml',
  '.gitlab-ci.yml',
  'appveyor.yml',
  '.drone.yml',
  'cloudbuild.yaml',
  'codeship-services.yml',
  'codeship-steps.yml',
];
export const EXCLUDE_EXTRA = ['**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml'];

/** Non-comment, non-blank lines of a gitignore-syntax text. */
export function readPatterns(text: string | undefined): string[] {
  if (!text) return [];
  return text.split('\n').filter((l) => !l.startsWith('#') && l.trim().length > 0);
}

/**
 * The patterns to archive `dir` with. Only the root `.sourceignore` is read (source-controller
 * also reads nested ones, scoped to their folder: a documented difference).
 */
export async function sourceIgnorePatterns(dir: string, specIgnore: string | undefined): Promise<string[]> {
  const file = await readFile(join(dir, '.sourceignore'), 'utf8').catch(() => undefined);
  const user = [...readPatterns(file), ...readPatterns(specIgnore)];
  return user.length > 0 ? [...EXCLUDE_VCS, ...user] : [...EXCLUDE_VCS, ...EXCLUDE_EXT, ...EXCLUDE_CI, ...EXCLUDE_EXTRA];
}
