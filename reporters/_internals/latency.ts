/** @module Latency per matrix row (model): percentiles of the exchanges its results judged. */
import type { ResultRecord } from '../../src/harness/report.js';
import { rowKey } from './matrix.js';

/** Latency of one model's exchanges, in milliseconds. */
export interface RowLatency {
  key: string;
  samples: number;
  firstByteP50: number;
  totalP50: number;
  totalP95: number;
  totalMax: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Latency per row key. Checks of one endpoint judge the same exchanges, so each endpoint counts
 * once, by the result that judged the most exchanges.
 */
export function latencyByRow(results: readonly ResultRecord[]): Map<string, RowLatency> {
  const byEndpoint = new Map<string, NonNullable<ResultRecord['latency']>>();
  for (const r of results) {
    if (!r.latency || r.latency.totalMs.length === 0) continue;
    const key = `${rowKey(r)}\u0000${r.endpoint}`;
    const seen = byEndpoint.get(key);
    if (!seen || seen.totalMs.length < r.latency.totalMs.length) byEndpoint.set(key, r.latency);
  }
  const byRow = new Map<string, { firstByte: number[]; total: number[] }>();
  for (const [key, latency] of byEndpoint) {
    const row = key.slice(0, key.indexOf('\u0000'));
    if (!byRow.has(row)) byRow.set(row, { firstByte: [], total: [] });
    byRow.get(row)!.firstByte.push(...latency.firstByteMs);
    byRow.get(row)!.total.push(...latency.totalMs);
  }
  const out = new Map<string, RowLatency>();
  for (const [key, { firstByte, total }] of byRow) {
    const t = [...total].sort((a, b) => a - b);
    const f = [...firstByte].sort((a, b) => a - b);
    out.set(key, { key, samples: t.length, firstByteP50: percentile(f, 50), totalP50: percentile(t, 50), totalP95: percentile(t, 95), totalMax: t.at(-1) ?? 0 });
  }
  return out;
}
