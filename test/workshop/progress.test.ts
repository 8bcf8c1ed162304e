import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderEnvFile } from '../../src/workshop/env-file.js';
import { configDir, envFile, progressFile, stateDir, type PlatformEnv } from '../../src/workshop/paths.js';
import { ProgressStore, resumeIndex } from '../../src/workshop/progress.js';

const linux = (env: NodeJS.ProcessEnv = {}): PlatformEnv => ({ platform: 'linux', env, home: '/home/ada' });

describe('config and state paths', () => {
  it.each([
    [linux(), '/home/ada/.config/ocilab', '/home/ada/.local/state/ocilab'],
    [linux({ XDG_CONFIG_HOME: '/x/cfg', XDG_STATE_HOME: '/x/st' }), '/x/cfg/ocilab', '/x/st/ocilab'],
    [linux({ XDG_CONFIG_HOME: 'relative' }), '/home/ada/.config/ocilab', '/home/ada/.local/state/ocilab'],
    [{ platform: 'darwin', env: {}, home: '/Users/ada' } as PlatformEnv, '/Users/ada/Library/Application Support/ocilab', '/Users/ada/Library/Application Support/ocilab'],
    [{ platform: 'win32', env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, home: 'C:\\Users\\ada' } as PlatformEnv, join('C:\\Users\\ada\\AppData\\Roaming', 'ocilab'), join('C:\\Users\\ada\\AppData\\Local', 'ocilab')],
  ])('%#', (p, config, state) => {
    expect(configDir(p)).toBe(config);
    expect(stateDir(p)).toBe(state);
  });

  it('puts progress and env files per scenario', () => {
    expect(progressFile('workshop', linux())).toBe('/home/ada/.config/ocilab/progress/workshop.json');
    expect(envFile('workshop', linux())).toBe('/home/ada/.local/state/ocilab/workshop.env');
  });
});

describe('ProgressStore', () => {
  let dir: string;
  let p: PlatformEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ocilab-progress-'));
    p = linux({ XDG_CONFIG_HOME: dir });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves atomically (0600, no temp file left) and loads back', () => {
    const store = new ProgressStore('workshop', p);
    expect(store.load()).toBeUndefined();
    store.save({ lab: 'passed', clone: 'skipped' }, new Date('2026-01-01T00:00:00Z'));
    expect(readdirSync(join(dir, 'ocilab', 'progress'))).toEqual(['workshop.json']);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(store.load()).toEqual({ version: 1, scenario: 'workshop', updatedAt: '2026-01-01T00:00:00.000Z', done: { lab: 'passed', clone: 'skipped' } });
    store.reset();
    expect(store.load()).toBeUndefined();
  });

  it('ignores a damaged file with a warning', () => {
    const store = new ProgressStore('workshop', p);
    store.save({});
    writeFileSync(store.file, '{"version": 1, "scen');
    const warnings: string[] = [];
    expect(store.load((w) => warnings.push(w))).toBeUndefined();
    expect(warnings[0]).toMatch(/^ignoring damaged progress file .*workshop\.json/);
  });

  it('resumes at the first step not done', () => {
    const scenario = { steps: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] } as never;
    const at = (done: Record<string, 'passed' | 'skipped'>) => resumeIndex(scenario, { version: 1, scenario: 'x', updatedAt: '', done });
    expect(resumeIndex(scenario, undefined)).toBeUndefined();
    expect(at({})).toBeUndefined();
    expect(at({ a: 'passed' })).toBe(1);
    expect(at({ a: 'passed', b: 'skipped' })).toBe(2);
    expect(at({ a: 'passed', c: 'passed' })).toBe(1);
    expect(at({ a: 'passed', b: 'passed', c: 'passed' })).toBe(3);
  });
});

describe('env file', () => {
  it('exports the run addresses, quoted, and an ocilab function', () => {
    const text = renderEnvFile({ 'registry.host': '127.0.0.1:5000', 'run.workDir': "/tmp/it's", 'git.repo.url': 'http://127.0.0.1:1/small.git' }, '/opt/ocilab/dist/cli.js', 'workshop');
    expect(text).toContain("export OCILAB_REGISTRY='127.0.0.1:5000'\n");
    expect(text).toContain("export OCILAB_WORKDIR='/tmp/it'\\''s'\n");
    expect(text).toContain("export OCILAB_GIT_REPO='http://127.0.0.1:1/small.git'\n");
    expect(text).toMatch(/ocilab\(\) \{ '.*node.*' '\/opt\/ocilab\/dist\/cli\.js' "\$@"; \}/);
    expect(text).not.toContain('OCILAB_GIT_URL');
  });
});
