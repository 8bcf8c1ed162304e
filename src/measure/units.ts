/** Numbers for people at the back of a room: few digits, a unit that fits. */
import type { MetricUnit } from './types.js';

export const NA = 'n/a';

function digits(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a < 10) return v.toFixed(2).replace(/\.?0+$/, '') || '0';
  if (a < 100) return v.toFixed(1).replace(/\.0$/, '');
  return Math.round(v).toString();
}

/** 0.42 ms, 4.2 ms, 135 ms, 1.25 s, 12.5 s, 125 s. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return NA;
  if (Math.abs(ms) < 1000) return `${digits(ms)} ms`;
  return `${digits(ms / 1000)} s`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 512 B, 25.2 KiB, 10.5 MiB (binary units, like the baseline). */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return NA;
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(v)} B` : `${digits(v)} ${BYTE_UNITS[i]}`;
}

/** 7, 2.5, 60,000, 1.2 M. */
export function formatCount(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return NA;
  if (Math.abs(n) >= 1e7) return `${digits(n / 1e6)} M`;
  if (Number.isInteger(n) || Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return digits(n);
}

/** 0.034 → "3.4 %". */
export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return NA;
  return `${digits(ratio * 100)} %`;
}

export function formatValue(unit: MetricUnit, v: number | null): string {
  switch (unit) {
    case 'ms':
      return formatMs(v);
    case 'bytes':
      return formatBytes(v);
    case 'count':
      return formatCount(v);
  }
}
