/** A step's show/say/notes/hints interpolated with the run's vars known so far, in the runner and the store. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import { interpolateKnown } from '../../src/engine/interpolate.js';
import { Runner } from '../../src/engine/runner.js';
import { loadScenarioFile } from '../../src/engine/scenario-load.js';
import { createRunStore } from '../../src/store/run-store.js';
import { makeRunner, setVarAction, testRegistry } from './helpers.js';

describe('interpolateKnown', () => {
  it.each([
    ['echo "${greeting} from ocilab"', 'echo "hi from ocilab"'],
    ['curl ${registry.url}/v2/', 'curl ${registry.url}/v2/'],
    ['echo $${greeting} ${HOME}', 'echo ${greeting} ${HOME}'],
    ['${target}:${greeting}', 'kind:hi'],
  ])('%s → %s', (text, shown) => {
    expect(interpolateKnown(text, { greeting: 'hi', target: 'kind' })).toBe(shown);
  });
});

describe('step display text', () => {
  it('hello shows its command with the greeting param, in the store', async () => {
    const registry = testRegistry();
    const scenario = loadScenarioFile(join(fileURLToPath(new URL('../../scenarios/', import.meta.url)), 'hello.yaml'), registry);
    const cleanup = new CleanupRegistry();
    const runner = new Runner({ scenario, registry, cleanup, params: { greeting: 'bonjour' } });
    const store = createRunStore(runner);
    runner.start();
    expect(store.getState().steps[0]!.show).toBe('echo "bonjour from ocilab"');
    await cleanup.runAll();
  });

  it('uses the values known so far: a later var fills pending steps once the step that sets it ends', async () => {
    const t = makeRunner(
      `  - id: a
    title: A
    show: start a registry for \${target}
    run: [{ test.set: { name: demo.url, value: "http://127.0.0.1:5000" } }]
  - id: b
    title: B
    say: Pull from \${demo.url} with \${greeting}.
    notes: "\${demo.url} is on loopback"
    show: crane ls \${demo.url}/demo $\${greeting} \${HOME}
    hint: ["try \${demo.url}"]
    run: [{ print: b }]
`,
      { extra: 'params: { greeting: hi }\n', extraActions: [setVarAction] },
    );
    const store = createRunStore(t.runner);
    t.runner.start();
    const step = (i: number) => store.getState().steps[i]!;
    expect(step(0).show).toBe('start a registry for local');
    expect(step(1)).toMatchObject({
      say: 'Pull from ${demo.url} with hi.',
      show: 'crane ls ${demo.url}/demo ${greeting} ${HOME}',
      hints: ['try ${demo.url}'],
    });
    await store.getState().next();
    expect(step(0).status).toBe('passed');
    expect(step(1)).toMatchObject({
      say: 'Pull from http://127.0.0.1:5000 with hi.',
      notes: 'http://127.0.0.1:5000 is on loopback',
      show: 'crane ls http://127.0.0.1:5000/demo ${greeting} ${HOME}',
      hints: ['try http://127.0.0.1:5000'],
    });
    // Emitted before step.end, once: a listener moving on at step.end sees the new text.
    const kinds = t.events.map((e) => e.type);
    expect(kinds.filter((k) => k === 'step.text')).toHaveLength(1);
    expect(kinds.indexOf('step.text')).toBeLessThan(kinds.indexOf('step.end'));
    await t.cleanup.runAll();
  });
});
