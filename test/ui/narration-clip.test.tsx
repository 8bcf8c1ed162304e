/**
 * A narration taller than its share of the screen is clipped at the bottom, never squeezed:
 * squeezed, Yoga shrank the paragraph's box below the rows its text wraps to, the text
 * still printed every row, and the next block (the blank row between blocks) landed on one
 * of them and blanked its first column ("ocal reconciler" in a 100x30 git-vs-oci talk).
 */
import { afterEach, expect, test } from 'vitest';
import { MainScreen, type MainScreenProps } from '../../src/ui/components/MainScreen.js';
import { initialUiState } from '../../src/ui/input.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import type { StepView } from '../../src/ui/view-model.js';
import { header, T0 } from './fixtures.js';
import { renderAt, frameShows, type Rendered } from './render.js';

const paragraph =
  'A `GitRepository` points source-controller at the repo and a branch. It clones (shallow, one branch), packs the checkout into an artifact and records the revision `main@sha1:…`. Here: ocilab\'s local reconciler (standing in for source-controller).';
const narration = `${paragraph}\n\n\`\`\`yaml\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: { name: fleet-git }\nspec:\n  interval: 1m\n\`\`\`\n\nOn \`kind\` and \`cluster\`, a Kustomization applies what it fetched.`;
const titles = ['GitOps and Flux', 'A Git server and an OCI registry', 'A fleet repo with history', 'Deliver it from Git (GitRepository)', 'Publish the same manifests as an OCI artifact'];
const steps: StepView[] = titles.map((title, i) => ({
  id: `s${i}`,
  title,
  optional: false,
  status: i < 4 ? 'passed' : 'pending',
  ...(i < 4 ? { durationMs: [248, 2400, 147, 3600][i] } : {}),
  ...(i === 3 ? { narration, command: 'kubectl apply -f gitrepository.yaml' } : {}),
}));

let r: Rendered | undefined;
afterEach(() => r?.instance.unmount());

test.each([
  { columns: 100, rows: 30 },
  { columns: 80, rows: 24 },
  { columns: 200, rows: 50 },
])('a clipped narration keeps every row whole at $columns x $rows', async (size) => {
  const props: MainScreenProps = {
    ...size,
    header: { ...header, total: steps.length, index: 3 },
    steps,
    viewing: 3,
    lines: Array.from({ length: 30 }, (_, i) => ({ index: 3, stream: 'stdout' as const, line: `output line ${i}` })),
    totalLines: 30,
    logWindow: () => [],
    measurements: Array.from({ length: 13 }, (_, i) => ({ method: 'git shallow', metric: 'wall_ms' as const, value: i, unit: 'ms' as const, method_note: 'single run' })),
    ui: initialUiState,
    state: '→ goes to 5/5',
    now: T0,
  };
  r = renderAt(
    <ThemeContext.Provider value={createTheme(false)}>
      <MainScreen {...props} />
    </ThemeContext.Provider>,
    size,
  );
  // The narration's rows, read back from the right column, are the paragraph's words in order.
  const frame = await frameShows(r, '── 4 Deliver it from Git');
  const left = size.columns >= 100 ? Math.min(42, Math.floor(size.columns * 0.32)) + 1 : 0;
  const rule = frame.split('\n').findIndex((row) => row.includes('── 4 Deliver it from Git'));
  const body = frame.split('\n').slice(rule + 1).map((row) => row.slice(left).trim());
  const words = paragraph.split(' ');
  const shown = body.slice(0, body.findIndex((row) => row === '' || row.startsWith('apiVersion') || row.startsWith('↓ more'))).join(' ');
  expect(shown.length, frame).toBeGreaterThan(0);
  expect(words.join(' ').startsWith(shown), `narration rows changed:\n${frame}`).toBe(true);
});
