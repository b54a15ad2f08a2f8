/** @module Merges the reports of a sharded run (one per CI machine) into the report of the whole run. */
import { mergeCoverage } from './coverage.js';
import { summarise, type ConformanceReport } from './report.js';

/**
 * One report from shard reports of the same run: results concatenated, requests and durations
 * added (machines run in parallel, so the duration is the longest shard's), complete only if
 * every shard was, coverage the union of the shards' (see mergeCoverage). Reports of different
 * targets or seeds are not one run: that is an error.
 */
export function mergeReports(reports: readonly ConformanceReport[]): ConformanceReport {
  const [first, ...rest] = reports;
  if (!first) throw new Error('no report to merge');
  for (const other of rest) {
    if (other.target.kind !== first.target.kind || other.seed !== first.seed) {
      throw new Error(`cannot merge reports of different runs (target ${other.target.kind} seed ${other.seed} vs ${first.target.kind} seed ${first.seed}); use compare for different targets`);
    }
  }
  const results = reports.flatMap((r) => r.results);
  const incomplete = reports.filter((r) => !r.complete);
  const startedAt = reports.map((r) => r.startedAt).sort()[0]!;
  const coverage = mergeCoverage(reports.map((r) => r.coverage), results);
  const { coverage: _firstCoverage, ...firstReport } = first;
  return {
    ...firstReport,
    startedAt,
    durationMs: Math.max(...reports.map((r) => r.durationMs)),
    complete: incomplete.length === 0,
    ...(incomplete.length ? { incompleteReason: incomplete.map((r) => r.incompleteReason).join('; ') } : {}),
    settings: { ...first.settings, shard: undefined, mergedShards: reports.length },
    summary: summarise(results, reports.reduce((n, r) => n + r.summary.requests, 0)),
    results,
    ...(coverage ? { coverage } : {}),
  };
}
