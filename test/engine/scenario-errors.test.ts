import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/engine/scenario-load.js';
import { builtinRegistry as registry, errorOf, scenarioHead as head } from './load-errors.js';

describe('invalid scenario files: file:line:col, field, what was expected', () => {
  const cases: [string, string, string][] = [
    ['YAML syntax error', `${head}steps:\n  - id: a\n    title: [unclosed\n`, 'bad.yaml:9:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['duplicate key', `${head}budget: 6m\nsteps: []\n`, 'bad.yaml:6:1: invalid YAML: Map keys must be unique'],
    ['not a mapping', '- just\n- a list\n', 'bad.yaml:1:1: expected a mapping with id, title, summary, targets, budget and steps'],
    ['missing steps', head, 'bad.yaml:1:1: steps: required: expected a list'],
    ['empty steps', `${head}steps: []\n`, 'bad.yaml:6:8: steps: expected at least 1 item(s)'],
    ['bad id', head.replace('id: demo', 'id: Demo Day') + 'steps:\n  - { id: a, title: A }\n', 'bad.yaml:1:5: id: expected an id of lowercase letters, digits, ".", "_" or "-", got the string "Demo Day"'],
    ['unknown target', head.replace('[local]', '[local, moon]') + 'steps:\n  - { id: a, title: A }\n', 'bad.yaml:4:18: targets[1]: expected one of: local, kind, cluster, got the string "moon"'],
    ['bad budget', head.replace('5m', '5 minutes') + 'steps:\n  - { id: a, title: A }\n', 'bad.yaml:5:9: budget: expected a duration like "90s", "25m", "1h30m" or "500ms", got the string "5 minutes"'],
    ['unknown top-level field', `${head}autor: me\nsteps:\n  - { id: a, title: A }\n`, 'bad.yaml:6:1: autor: unknown field "autor" (expected one of: id, title, summary, targets, budget, params, steps)'],
    ['step without title', `${head}steps:\n  - id: a\n`, 'bad.yaml:7:5: steps[0].title: required: expected a string'],
    ['unknown step field', `${head}steps:\n  - id: a\n    title: A\n    colour: red\n`, 'bad.yaml:9:5: steps[0].colour: unknown field "colour" (expected one of: id, title, say, notes, show, run, check, solve, hint, budget, timeout, optional)'],
    ['unknown action', `${head}steps:\n  - id: a\n    title: A\n    run:\n      - shel: echo hi\n`, 'bad.yaml:10:9: steps[0].run[0].shel: unknown action "shel" (known: print, shell, wait)'],
    ['bare string action', `${head}steps:\n  - id: a\n    title: A\n    run:\n      - echo hi\n`, 'bad.yaml:10:9: steps[0].run[0]: expected an action like `- shell: "echo hi"` (one of: print, shell, wait), got the string "echo hi"'],
    ['two actions in one item', `${head}steps:\n  - id: a\n    title: A\n    check:\n      - shell: "true"\n        print: hi\n`, 'bad.yaml:11:9: steps[0].check[0].print: one action per list item, found: shell, print'],
    ['wrong arg type', `${head}steps:\n  - id: a\n    title: A\n    run:\n      - shell: { command: 42 }\n`, 'bad.yaml:10:27: steps[0].run[0].shell.command: expected a string, got number 42'],
    ['unknown action arg', `${head}steps:\n  - id: a\n    title: A\n    solve:\n      - shell: { command: ls, cdw: /tmp }\n`, 'bad.yaml:10:31: steps[0].solve[0].shell.cdw: unknown field "cdw" (expected one of: command, cwd, env, exit, background)'],
    ['bad action timeout', `${head}steps:\n  - id: a\n    title: A\n    run:\n      - shell: ls\n        timeout: soon\n`, 'bad.yaml:11:18: steps[0].run[0].timeout: expected a duration like "90s", "25m", "1h30m" or "500ms", got the string "soon"'],
    ['hint of wrong type', `${head}steps:\n  - id: a\n    title: A\n    hint: 3\n`, 'bad.yaml:9:11: steps[0].hint: expected a string or a list, got number 3'],
    ['duplicate step id', `${head}steps:\n  - { id: a, title: A }\n  - { id: a, title: B }\n`, 'bad.yaml:8:11: steps[1].id: duplicate step id "a" (also steps[0])'],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(errorOf(text)).toBe(expected);
  });

  it('reports every problem of a file, in source order', () => {
    const text = `${head.replace('5m', 'soon')}steps:\n  - id: a\n    title: A\n    run:\n      - nope: 1\n`;
    expect(errorOf(text).split('\n')).toEqual([
      'bad.yaml:5:9: budget: expected a duration like "90s", "25m", "1h30m" or "500ms", got the string "soon"',
      'bad.yaml:10:9: steps[0].run[0].nope: unknown action "nope" (known: print, shell, wait)',
    ]);
  });

  it('loads a valid file with defaults applied', () => {
    const s = parseScenario(`${head}steps:\n  - id: a\n    title: A\n    run:\n      - shell: echo hi\n        timeout: 5s\n`, 'ok.yaml', registry);
    expect(s.steps[0]).toMatchObject({ id: 'a', optional: false, run: [{ shell: 'echo hi', timeout: '5s' }] });
    expect(s.params).toEqual({});
  });
});
