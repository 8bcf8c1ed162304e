import { describe, expect, it } from 'vitest';
import { projectFleet, projectionFormulaText, type OpCost } from '../../src/measure/projection.js';

const check: OpCost = { bytesDown: 600, bytesUp: 500, serverCpuMs: 6, requests: 1 };
const fetch: OpCost = { bytesDown: 27_000, bytesUp: 800, serverCpuMs: 20, requests: 2 };

describe('fleet projection', () => {
  it('1000 clusters every 1 min, 2 changes/h: every poll checks, changed polls also fetch', () => {
    const p = projectFleet({ clusters: 1000, intervalMinutes: 1, changesPerHour: 2 }, check, fetch);
    expect(p.pollsPerHour).toBe(60_000);
    expect(p.fetchesPerHour).toBe(2_000);
    expect(p.checksWithoutChangePerHour).toBe(58_000);
    expect(p.bytesDownPerHour).toBe(60_000 * 600 + 2_000 * 27_000);
    expect(p.bytesUpPerHour).toBe(60_000 * 500 + 2_000 * 800);
    expect(p.serverCpuSecondsPerHour).toBeCloseTo((60_000 * 6 + 2_000 * 20) / 1000);
    expect(p.serverCores).toBeCloseTo(400 / 3600);
    expect(p.requestsPerHour).toBe(64_000);
    expect(p.requestsPerSecond).toBeCloseTo(64_000 / 3600);
  });

  it('with a fetch that includes its check, changed polls cost the fetch alone', () => {
    const p = projectFleet({ clusters: 1000, intervalMinutes: 1, changesPerHour: 2, fetchIncludesCheck: true }, check, fetch);
    expect(p.bytesDownPerHour).toBe(58_000 * 600 + 2_000 * 27_000);
    expect(p.requestsPerHour).toBe(58_000 + 4_000);
  });

  it('changes faster than polls are picked up once per poll', () => {
    const p = projectFleet({ clusters: 10, intervalMinutes: 10, changesPerHour: 30 }, check, fetch);
    expect(p.pollsPerHour).toBe(60);
    expect(p.fetchesPerHour).toBe(60);
    expect(p.checksWithoutChangePerHour).toBe(0);
  });

  it('fractional intervals and no changes', () => {
    const p = projectFleet({ clusters: 3, intervalMinutes: 0.5, changesPerHour: 0 }, check, fetch);
    expect(p.pollsPerHour).toBe(360);
    expect(p.fetchesPerHour).toBe(0);
    expect(p.bytesDownPerHour).toBe(360 * 600);
  });

  it('an unmeasured cost makes the total n/a, unless its count is zero', () => {
    const noCpu = { ...fetch, serverCpuMs: null };
    expect(projectFleet({ clusters: 5, intervalMinutes: 5, changesPerHour: 1 }, check, noCpu).serverCpuSecondsPerHour).toBeNull();
    expect(projectFleet({ clusters: 5, intervalMinutes: 5, changesPerHour: 0 }, check, noCpu).serverCpuSecondsPerHour).toBeCloseTo(
      (60 * 6) / 1000,
    );
  });

  it('rejects nonsense parameters with a clear message', () => {
    expect(() => projectFleet({ clusters: 1, intervalMinutes: 0, changesPerHour: 1 }, check, fetch)).toThrow(/interval must be > 0/);
    expect(() => projectFleet({ clusters: -1, intervalMinutes: 1, changesPerHour: 1 }, check, fetch)).toThrow(/clusters/);
    expect(() => projectFleet({ clusters: 1, intervalMinutes: 1, changesPerHour: NaN }, check, fetch)).toThrow(/changes per hour/);
  });

  it('renders its formula as text', () => {
    expect(projectionFormulaText().join('\n')).toContain('polls × X_check + fetches × X_fetch');
    expect(projectionFormulaText(true).join('\n')).toContain('(polls − fetches) × X_check');
  });
});
