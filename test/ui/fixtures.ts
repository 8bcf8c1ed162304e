/** Plain view data shaped like the hello scenario mid-run, for component tests. */
import type { MainScreenProps } from '../../src/ui/components/MainScreen.js';
import { initialUiState } from '../../src/ui/input.js';
import type { HeaderView, LogLine, Measurement, StepView } from '../../src/ui/view-model.js';

export const T0 = Date.UTC(2026, 10, 27, 18, 0, 0);

export const header: HeaderView = {
  scenarioTitle: 'Hello, ocilab',
  index: 1,
  total: 4,
  target: 'local',
  mode: 'present',
  startedAt: T0,
  budgetMs: 5 * 60_000,
};

export const steps: StepView[] = [
  { id: 'greet', title: 'Say hello', optional: false, status: 'passed', durationMs: 1200 },
  {
    id: 'wait',
    title: 'Wait a moment',
    optional: false,
    status: 'running',
    narration: '## Waiting\n\nThis step runs `sleep 2` so you can see a **running** step.\n\n- it prints a line\n- then *waits*',
  },
  { id: 'files', title: 'List the work directory', optional: true, status: 'pending' },
  { id: 'done', title: 'Say goodbye', optional: false, status: 'pending' },
];

export const lines: LogLine[] = [
  { index: 0, stream: 'info', line: '$ echo hello' },
  { index: 0, stream: 'stdout', line: 'hello' },
  { index: 1, stream: 'info', line: '$ sleep 2' },
  { index: 1, stream: 'stdout', line: 'waiting for two seconds' },
];

export const measurements: Measurement[] = [
  { method: 'git shallow clone', metric: 'wall_ms', value: 412, unit: 'ms', method_note: 'median of 5 runs' },
  { method: 'oci pull', metric: 'bytes_down', value: 18_432, unit: 'bytes', method_note: 'single run' },
];

/** MainScreen with the bars overlay open, 83 s into the run at step 2 of 4, showing these measurements and samples. */
export function barsOverlayProps(
  size: { columns: number; rows: number },
  shown: Pick<MainScreenProps, 'measurements' | 'samples'>,
): MainScreenProps {
  return {
    columns: size.columns,
    rows: size.rows,
    header,
    steps,
    viewing: 1,
    lines: [],
    totalLines: 0,
    logWindow: () => [],
    ...shown,
    ui: { ...initialUiState, overlay: 'bars' },
    state: '▶ running 2/4',
    now: T0 + 83_000,
  };
}
