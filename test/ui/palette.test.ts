/** One source of truth: the projector palette is the default's, shaded (PROJECTOR_SHADE). */
import { expect, test } from 'vitest';
import { createTheme, PROJECTOR_SHADE } from '../../src/ui/palette.js';

test('projector status marks and colours follow the default palette, shaded', () => {
  const base = createTheme(true);
  const projector = createTheme(true, 'projector');
  for (const [name, style] of Object.entries(base.status)) {
    const p = projector.status[name as keyof typeof base.status];
    expect([p.mark, p.word]).toEqual([style.mark, style.word]);
    expect(p.color).toBe(style.color === undefined ? undefined : PROJECTOR_SHADE[style.color]);
  }
  expect(projector.error).toBe(PROJECTOR_SHADE[base.error!]);
  expect(projector.warn).toBe(PROJECTOR_SHADE[base.warn!]);
  // Every colour the default uses has a shade entry (a new default colour must say how it projects).
  const used = [base.accent, base.heading, base.code, base.muted, base.warn, base.error, base.stderr, base.info, base.key, ...Object.values(base.status).map((s) => s.color)];
  for (const colour of used.filter((c): c is string => c !== undefined)) expect(Object.keys(PROJECTOR_SHADE)).toContain(colour);
});
