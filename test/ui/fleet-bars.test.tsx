/**
 * The bars view's own table "fleet: measured vs projected": measure.fleet's figures (each with
 * its projected figure) become rows of their own, never bars of the comparison charts.
 */
import { afterEach, expect, test } from 'vitest';
import type { Measurement } from '../../src/engine/action-definition.js';
import { fleetTableLines } from '../../src/ui/components/BarsView.js';
import { MainScreen } from '../../src/ui/components/MainScreen.js';
import { chartsFrom, fleetTableFrom } from '../../src/ui/measure-bars.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import { barsOverlayProps } from './fixtures.js';
import { renderAt, settle, type Rendered } from './render.js';

const mounted: Rendered[] = [];
afterEach(() => {
  while (mounted.length) mounted.pop()!.instance.unmount();
});

const fleet = (transport: 'git' | 'oci', metric: Measurement['metric'], unit: Measurement['unit'], value: number, projected: number): Measurement => ({
  method: `fleet: ${transport}`,
  methodId: `fleet.${transport}`,
  short: `fleet ${transport}`,
  transport,
  metric,
  unit,
  value,
  fleet: { projected },
});

const FLEET: Measurement[] = [
  fleet('git', 'server_cpu_ms', 'ms', 16_300, 18_600),
  fleet('git', 'bytes_down', 'bytes', 3_009_413, 3_051_356),
  fleet('oci', 'server_cpu_ms', 'ms', 2_540, 2_290),
];

test('fleet figures become table rows with measured, projected and their ratio, and no chart bars', () => {
  const rows = fleetTableFrom(FLEET);
  expect(rows).toEqual([
    { kind: 'git', figure: 'server CPU', measured: '16.3 s', projected: '18.6 s', ratio: '0.88×' },
    { kind: 'git', figure: 'bytes down', measured: '2.87 MiB', projected: '2.91 MiB', ratio: '0.99×' },
    { kind: 'oci', figure: 'server CPU', measured: '2.54 s', projected: '2.29 s', ratio: '1.11×' },
  ]);
  expect(chartsFrom(FLEET)).toEqual([]);
  expect(fleetTableLines(rows)[1]).toBe('█ git  server CPU    16.3 s     18.6 s  0.88×');
});

test('the bars view shows the table under its title when a fleet was measured', async () => {
  const props = barsOverlayProps({ columns: 100, rows: 30 }, { measurements: FLEET, samples: [] });
  const r = renderAt(
    <ThemeContext.Provider value={createTheme(false)}>
      <MainScreen {...props} />
    </ThemeContext.Provider>,
    { columns: 100, rows: 30 },
  );
  mounted.push(r);
  await settle(40);
  const frame = r.frame();
  expect(frame).toContain('fleet: measured vs projected');
  expect(frame).toContain('▓ oci  server CPU');
  expect(frame).not.toContain('no comparison yet');
});
