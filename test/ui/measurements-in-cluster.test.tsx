/**
 * flux.measure's in-cluster rows in the measurements panel (the Ink view): the rows a real
 * rig run reported (test/rig/scenarios.test.ts prints the same through --plain), labelled
 * in-cluster, next to a local row, value formatted and the method note visible.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Measurement } from '../../src/engine/action.js';
import { MeasurementsPanel } from '../../src/ui/components/MeasurementsPanel.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import { renderAt, frameShows, type Rendered } from './render.js';

const mounted: Rendered[] = [];
afterEach(() => {
  while (mounted.length) mounted.pop()!.instance.unmount();
});

const ROWS: Measurement[] = [
  { method: 'ocilab manifest HEAD (no-change check)', metric: 'wall_ms', value: 5.2, unit: 'ms', method_note: 'median of 2 runs after 1 warm-up, spread 4 %' },
  { method: 'in-cluster GitRepository', metric: 'reconcile_wall_ms', value: 115.2, unit: 'ms', method_note: 'in-cluster, fleet-git: requestedAt → lastHandledReconcileAt (patch, then watch), median of 2 runs, spread 6.1 % (112–119 ms)' },
  { method: 'in-cluster GitRepository', metric: 'reconcile_count', value: 2, unit: 'count', method_note: 'in-cluster, fleet-git: Δ gotk_reconcile_duration_seconds_count over the batch (2 requested; metricsUrl)' },
  { method: 'in-cluster OCIRepository', metric: 'served_bytes', value: 2, unit: 'bytes', method_note: "in-cluster, fleet-oci: bytes ocilab's registry served per reconcile" },
  { method: 'in-cluster OCIRepository', metric: 'controller_memory_bytes', value: 86155264, unit: 'bytes', method_note: 'in-cluster, fleet-oci: source-controller memory after the batch: its own process_resident_memory_bytes (metricsUrl; 82.0 MiB before); kubelet summary unavailable: no node' },
];

describe('in-cluster rows in the measurements panel', () => {
  it('shows each row labelled in-cluster, its value and how it was measured', async () => {
    const r = renderAt(
      <ThemeContext.Provider value={createTheme(false)}>
        <MeasurementsPanel measurements={ROWS} width={200} height={10} />
      </ThemeContext.Provider>,
      { columns: 200, rows: 12 },
    );
    mounted.push(r);
    const f = await frameShows(r, 'in-cluster OCIRepository');
    expect(f).toMatch(/in-cluster GitRepository +reconcile_wall_ms +115 ?ms +in-cluster, fleet-git: requestedAt → lastHandledReconcileAt/);
    expect(f).toMatch(/in-cluster GitRepository +reconcile_count +2 +in-cluster, fleet-git: Δ gotk_reconcile_duration_seconds_count/);
    expect(f).toMatch(/in-cluster OCIRepository +served_bytes +2 ?B +in-cluster, fleet-oci: bytes ocilab's registry served/);
    expect(f).toMatch(/in-cluster OCIRepository +controller_memory_bytes +82\.2 ?MiB +in-cluster, fleet-oci: source-controller memory/);
    expect(f).toMatch(/ocilab manifest HEAD \(no-change check\) +wall_ms +5 ?ms +median of 2 runs/);
  });
});
