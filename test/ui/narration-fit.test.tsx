/**
 * The narration is never cut silently: every step of every shipped scenario (loaded with the
 * real loader, its text interpolated as the runner does on the local target) is rendered at
 * 80x24 and 100x30, default and projector theme, without and with a measurements panel (7
 * rows: what git-vs-oci's step 5 has reported when it is on screen), and the narration rows
 * on screen are compared with the whole narration rendered at the same width. Either all of
 * it shows, or what shows is its start and the pane says `↓ more`.
 */
import { dirname } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildActionRegistry } from '../../src/actions.js';
import { loadCatalog } from '../../src/engine/catalog.js';
import { stepTextOf } from '../../src/engine/steps.js';
import type { Scenario } from '../../src/engine/scenario-schema.js';
import { MainScreen } from '../../src/ui/components/MainScreen.js';
import { Markdown } from '../../src/ui/components/Markdown.js';
import { initialUiState } from '../../src/ui/input.js';
import { frameBox, planLayout } from '../../src/ui/layout.js';
import { createTheme, ThemeContext, type Theme } from '../../src/ui/theme.js';
import type { Measurement, StepView } from '../../src/ui/view-model.js';
import { header, T0 } from './fixtures.js';
import { frameShows, renderAt, type Rendered } from './render.js';

const scenarios: Scenario[] = loadCatalog(buildActionRegistry()).flatMap((e) => ('scenario' in e ? [e.scenario] : []));

/** The runner's first vars on the local target: params at their defaults, target, scenario dir. */
function varsOf(s: Scenario): Record<string, string> {
  const params = Object.fromEntries(Object.entries(s.params ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : v.default]));
  return { ...params, target: 'local', 'scenario.dir': dirname(s.file) };
}

function stepViews(s: Scenario, shown: number): StepView[] {
  const vars = varsOf(s);
  return s.steps.map((step, i) => {
    const text = stepTextOf(step, vars);
    return {
      id: step.id,
      title: step.title,
      optional: step.optional,
      // The step on screen has just passed: its result row shows, as on stage.
      status: i <= shown ? 'passed' : 'pending',
      ...(i <= shown ? { durationMs: 1234 } : {}),
      ...(text.say !== undefined ? { narration: text.say } : {}),
      ...(text.show !== undefined ? { command: text.show } : {}),
    };
  });
}

const trimRows = (text: string): string[] => {
  const rows = text.split('\n').map((r) => r.trimEnd());
  while (rows.length > 0 && rows.at(-1) === '') rows.pop();
  return rows;
};

const wholeCache = new Map<string, string[]>();

/** The narration rendered whole at `width` columns (a terminal tall enough for all of it). */
async function wholeNarration(source: string, width: number, theme: Theme): Promise<string[]> {
  const key = `${theme.name} ${width} ${source}`;
  const cached = wholeCache.get(key);
  if (cached) return cached;
  const r = renderAt(
    <ThemeContext.Provider value={theme}>
      <Markdown source={source} />
    </ThemeContext.Provider>,
    { columns: width, rows: 400 },
  );
  const rows = trimRows(await frameShows(r, (f) => f.trim() !== ''));
  r.instance.unmount();
  wholeCache.set(key, rows);
  return rows;
}

const sizes = [
  { columns: 80, rows: 24 },
  { columns: 100, rows: 30 },
];
const panel = (n: number) => ({ panel: n ? `${n} measurements` : 'no measurements', measurements: n });
/** The projector theme only with the measurements panel: the tighter of its two layouts. */
const configs = [
  { name: 'default', projector: false, ...panel(0) },
  { name: 'default', projector: false, ...panel(7) },
  { name: 'projector', projector: true, ...panel(7) },
];

/** artifact.push and artifact.pull's figures: git-vs-oci step 5 passed. */
const measured: Measurement[] = [
  ...(['wall_ms', 'bytes_up'] as const).map((metric) => ({ method: 'oci push', metric, value: 1, unit: 'ms' as const })),
  ...(['manifest_ms', 'layer_ms', 'extract_ms', 'wall_ms', 'bytes_down'] as const).map((metric) => ({ method: 'oci pull', metric, value: 1, unit: 'ms' as const })),
];

const cases = scenarios.flatMap((s) =>
  s.steps.flatMap((step, index) => (step.say ? [{ scenario: s, index, name: `${s.id} step ${index + 1} ${step.id}` }] : [])),
);

let r: Rendered | undefined;
afterAll(() => r?.instance.unmount());

describe.each(sizes)('at $columns x $rows', (size) => {
  describe.each(configs)('$name theme, $panel', ({ projector, measurements: count }) => {
    const measurements = measured.slice(0, count);
    test.each(cases)('$name: narration whole, or its start and ↓ more', async ({ scenario, index }) => {
      const theme = createTheme(false, projector ? 'projector' : 'default');
      const box = frameBox(size.columns, size.rows, projector);
      const steps = stepViews(scenario, index);
      const layout = planLayout({ columns: box.width, rows: size.rows, steps: steps.length, measurements: measurements.length, prompt: 0, gap: box.gap });
      const whole = await wholeNarration(steps[index]!.narration!, layout.mainWidth, theme);
      const tree = (
        <ThemeContext.Provider value={theme}>
          <MainScreen
            columns={box.width}
            rows={size.rows}
            gap={box.gap}
            header={{ ...header, scenarioTitle: scenario.title, total: steps.length, index }}
            steps={steps}
            viewing={index}
            lines={[{ index, stream: 'stdout', line: 'output' }]}
            totalLines={1}
            logWindow={() => []}
            measurements={measurements}
            ui={initialUiState}
            now={T0}
          />
        </ThemeContext.Provider>
      );
      r?.instance.unmount();
      r = renderAt(tree, size);
      const frame = await frameShows(r, `── ${index + 1} `);
      const left = layout.wide ? layout.stepsWidth + 1 : 0;
      const rows = frame.split('\n').map((row) => row.slice(left).trimEnd());
      const rule = rows.findIndex((row) => row.startsWith(`── ${index + 1} `));
      expect(rule, frame).toBeGreaterThanOrEqual(0);
      const body = rows.slice(rule + 1);
      const marker = body.findIndex((row) => /↓ more/.test(row));
      if (marker === -1) {
        expect(body.slice(0, whole.length), `narration cut without "↓ more":\n${frame}`).toEqual(whole);
      } else {
        // Clipped: the rows above the marker are the narration's first rows, unchanged (none
        // when the pane has one row left: a long `show` and the measurements took the rest).
        const shown = body.slice(0, marker);
        expect(shown.length, frame).toBeLessThan(whole.length);
        expect(shown, `clipped narration rows changed:\n${frame}`).toEqual(whole.slice(0, shown.length));
      }
    });
  });
});
