/** `ocilab bench --fleet N`: the fleet run (fleet.ts) as a measurement report, for every export. */
import { FLEET_DEFAULTS, runFleet, type FleetOptions } from './fleet.js';
import { buildReport } from './report.js';
import { ReportSchema, type MeasureReport } from './report-schema.js';

export async function runFleetBench(o: Omit<FleetOptions, 'calibrationRuns'> & { calibrationRuns?: number }): Promise<MeasureReport> {
  const fleet = await runFleet({ calibrationRuns: FLEET_DEFAULTS.calibrationRuns, ...o });
  return ReportSchema.parse({ ...buildReport([]), fleet });
}
export { checkFleetOptions } from './fleet.js';
