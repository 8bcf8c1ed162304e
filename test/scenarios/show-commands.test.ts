/**
 * Every `show:` of a shipped scenario is something a user could type: each line (after the
 * params are filled in) starts with a real command, and nothing is elided with "…" except a
 * digest the user copies from the previous output (`sha256:…`) or a URL the run prints.
 * (Whether the command does what its step does is for review; this catches prose and
 * placeholders such as `git push …` or `a background loop printing "ready"`.)
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/all-actions.js';
import { loadScenario, shippedScenariosDir } from '../../src/engine/catalog.js';
import { interpolateKnown } from '../../src/engine/interpolate.js';

const COMMANDS = new Set([
  'ocilab', 'flux', 'kubectl', 'cosign', 'helm', 'crane', 'git', 'docker', 'bash', 'export', 'echo', 'printf',
  'read', 'for', 'cat', 'mkdir', '$EDITOR', 'kill', 'until', '(echo',
]);
const registry = buildActionRegistry();
const ids = readdirSync(shippedScenariosDir()).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));

describe('every show: is a command a user could type', () => {
  it.each(ids)('%s', (id) => {
    const scenario = loadScenario(id, registry);
    const params = Object.fromEntries(Object.entries(scenario.params).map(([k, v]) => [k, typeof v === 'string' ? v : v.default]));
    const bad: string[] = [];
    for (const step of scenario.steps) {
      if (!step.show) continue;
      const text = interpolateKnown(step.show, { ...params, target: 'local' });
      const logical = text.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      for (const line of logical) {
        const first = line.split(/\s+/)[0]!;
        if (!COMMANDS.has(first)) bad.push(`${step.id}: "${line}" does not start with a command`);
        if (line.replace(/sha256:…/g, '').includes('…')) bad.push(`${step.id}: "${line}" elides something with …`);
      }
    }
    expect(bad).toEqual([]);
  });
});
