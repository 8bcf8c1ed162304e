import { expect, test } from 'vitest';
import { Markdown } from '../../src/ui/components/Markdown.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import { renderAt, frameShows } from './render.js';

const source = `# Git or OCI?

Flux fetches **the same manifests** either *from a Git repository* or from an \`OCIRepository\`.
See [the Flux docs](https://fluxcd.io/flux/components/source/ocirepositories/).

1. push the artifact
2. point Flux at it

- a bullet with ***both*** styles
  - a nested bullet

> The local target says where it differs from a cluster.

\`\`\`yaml
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
\`\`\`

---
The end.`;

test('narration Markdown is rendered: no markup left, structure kept, wraps at the width', async () => {
  const r = renderAt(
    <ThemeContext.Provider value={createTheme(false)}>
      <Markdown source={source} />
    </ThemeContext.Provider>,
    { columns: 60, rows: 40 },
  );
  const frame = await frameShows(r, /^Git or OCI\?$/m);
  r.instance.unmount();
  expect(frame).toMatch(/^Git or OCI\?$/m);
  expect(frame).not.toMatch(/[#*]|\*\*|\[the Flux docs\]/);
  expect(frame).toContain('Flux fetches the same manifests either from a Git');
  expect(frame).toContain('`OCIRepository`'); // inline code keeps its backticks
  expect(frame).toMatch(/See the Flux docs\s+<https:\/\/fluxcd\.io\/flux\/components\/source\/ocirepositories\/>\./);
  // A soft line break in the source is a space: "OCIRepository`." and "See" share a row.
  expect(frame).toMatch(/`OCIRepository`\. See/);
  expect(frame).toMatch(/^1\. push the artifact\n2\. point Flux at it$/m);
  expect(frame).toMatch(/^• a bullet with both styles\n {2}• a nested bullet$/m);
  expect(frame).toMatch(/^│ The local target says where it differs from a cluster\.$/m);
  expect(frame).toMatch(/^ {2}apiVersion: source\.toolkit\.fluxcd\.io\/v1\n {2}kind: OCIRepository$/m);
  expect(frame).toMatch(/^────────$/m);
  for (const row of frame.split('\n')) expect(row.length).toBeLessThanOrEqual(60);
  // Wrapped prose rows do not start with the space they were broken at.
  expect(frame).toMatch(/^Flux fetches the same manifests either from a Git repository\nor from an/m);
});
