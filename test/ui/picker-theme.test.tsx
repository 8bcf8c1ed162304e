/** The scenario picker honours the projector theme: centred within 100 columns (its palette: test/ui/projector.test.tsx). */
import { afterEach, expect, test } from 'vitest';
import { ScenarioPicker } from '../../src/ui/components/ScenarioPicker.js';
import { frameBox } from '../../src/ui/layout.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import { renderAt, frameShows, type Rendered } from './render.js';

let r: Rendered | undefined;
afterEach(() => r?.instance.unmount());

const scenarios = [
  { id: 'git-vs-oci', title: 'Git vs OCI — the same manifests, two ways', summary: 'One fleet repo delivered by a GitRepository and by an OCIRepository, every fetch measured live and projected to a fleet.' },
  { id: 'hello', title: 'Hello, ocilab', summary: 'A first run.' },
];

test.each([
  { theme: 'projector' as const, columns: 200 },
  { theme: 'default' as const, columns: 200 },
])('$theme theme at $columns columns', async ({ theme, columns }) => {
  r = renderAt(
    <ThemeContext.Provider value={createTheme(true, theme)}>
      <ScenarioPicker scenarios={scenarios} onPick={() => undefined} />
    </ThemeContext.Provider>,
    { columns, rows: 30 },
  );
  const rows = (await frameShows(r, 'pick a scenario')).split('\n').filter((row) => row.trim() !== '');
  const box = frameBox(columns, 30, theme === 'projector');
  const lefts = rows.map((row) => row.length - row.trimStart().length);
  if (theme === 'projector') {
    for (const row of rows) expect(row.length, row).toBeLessThanOrEqual(box.left + box.width + 1);
    expect(Math.min(...lefts)).toBeGreaterThanOrEqual(box.left);
  } else {
    expect(Math.min(...lefts)).toBe(1);
  }
});
