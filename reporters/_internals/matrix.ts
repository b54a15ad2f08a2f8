/** @module The model × check matrix every view draws: results grouped into rows (models) and columns (checks). */
import { CHECK_IDS } from '../../src/checks/index.js';
import type { CheckId } from '../../src/checks/types.js';
import { isWarning, type ConformanceReport, type ResultRecord } from '../../src/harness/report.js';

/**
 * A cell's verdict: `none` when the report has no result for that model and check; `warning` when its
 * failures rest on rules without enforcement evidence only (a failed result of severity warning).
 */
export type CellStatus = 'passed' | 'failed' | 'warning' | 'skipped' | 'none';

/** One row of the matrix: a model, or the whole API for a task-less area (`catalog`, `errors`). */
export interface MatrixRow {
  /** Unique within the report: the model id, or `(area)` for checks of the whole API. */
  key: string;
  model: string | null;
  task: string;
}

/** One model × check cell: the worst verdict of its results (one per endpoint judged). */
export interface MatrixCell {
  status: CellStatus;
  /** Indexes into `report.results`. */
  results: number[];
}

/** Rows in the report's order, grouped by task; columns in catalogue order. */
export interface Matrix {
  rows: MatrixRow[];
  checks: CheckId[];
  /** `cells[row][column]`. */
  cells: MatrixCell[][];
  tasks: string[];
}

/** The row key of a result: its model, or `(task)` when it judges the whole API. */
export function rowKey(result: Pick<ResultRecord, 'model' | 'task'>): string {
  return result.model ?? `(${result.task})`;
}

/** How a row is labelled: the model id, or `API (area)`. */
export function rowLabel(row: Pick<MatrixRow, 'model' | 'task'>): string {
  return row.model ?? `API (${row.task})`;
}

const SEVERITY: Record<CellStatus, number> = { none: 0, skipped: 1, passed: 2, warning: 3, failed: 4 };

/** A result's verdict as views show it: a failed result that is a warning is `warning`. */
export function resultStatus(result: Pick<ResultRecord, 'status' | 'severity'>): Exclude<CellStatus, 'none'> {
  return isWarning(result) ? 'warning' : result.status;
}

/** The worse of two verdicts: failed beats warning beats passed beats skipped beats nothing. */
export function worse(a: CellStatus, b: CellStatus): CellStatus {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

/** Checks present in `results`, catalogue order first, ids from newer tools after them. */
export function checksOf(results: readonly Pick<ResultRecord, 'check'>[]): CheckId[] {
  const present = new Set(results.map((r) => r.check));
  const known = CHECK_IDS.filter((id) => present.has(id));
  const unknown = [...present].filter((id) => !CHECK_IDS.includes(id)).sort();
  return [...known, ...unknown];
}

/** Groups results into the model × check matrix. Tasks keep the order they first appear in. */
export function buildMatrix(results: readonly ResultRecord[]): Matrix {
  const checks = checksOf(results);
  const column = new Map(checks.map((c, i) => [c, i]));
  const tasks: string[] = [];
  const rowsByTask = new Map<string, MatrixRow[]>();
  const rowOf = new Map<string, MatrixRow>();
  for (const result of results) {
    const key = rowKey(result);
    if (rowOf.has(key)) continue;
    const row: MatrixRow = { key, model: result.model, task: result.task };
    rowOf.set(key, row);
    if (!rowsByTask.has(result.task)) {
      tasks.push(result.task);
      rowsByTask.set(result.task, []);
    }
    rowsByTask.get(result.task)!.push(row);
  }
  const rows = tasks.flatMap((t) => rowsByTask.get(t)!);
  const index = new Map(rows.map((r, i) => [r.key, i]));
  const cells: MatrixCell[][] = rows.map(() => checks.map(() => ({ status: 'none' as CellStatus, results: [] })));
  results.forEach((result, i) => {
    const cell = cells[index.get(rowKey(result))!]![column.get(result.check)!]!;
    cell.results.push(i);
    cell.status = worse(cell.status, resultStatus(result));
  });
  return { rows, checks, cells, tasks };
}

/**
 * Passed over judged (passed + failed): skipped checks judged nothing. Callers pass errors as `failed`
 * (countStatuses, summaryCounts): warnings are not known non-conformance, so they stay out of the rate.
 * Null when nothing was judged.
 */
export function passRate(counts: { passed: number; failed: number }): number | null {
  const judged = counts.passed + counts.failed;
  return judged === 0 ? null : counts.passed / judged;
}

/** A pass rate as people read it: `97.3%`, `100%` only when nothing failed, `n/a` when nothing was judged. */
export function formatRate(rate: number | null): string {
  if (rate === null) return 'n/a';
  if (rate === 1) return '100%';
  // Never round a failure up to 100%, nor a pass down to 0%.
  const percent = Math.min(99.9, Math.max(rate > 0 ? 0.1 : 0, Math.round(rate * 1000) / 10));
  return `${percent.toFixed(1)}%`;
}

/** Counts of verdicts in a set of results: `failed` counts errors, `warnings` the failed results that are warnings. */
export function countStatuses(results: readonly Pick<ResultRecord, 'status' | 'severity'>[]): { passed: number; failed: number; skipped: number; warnings: number } {
  const counts = { passed: 0, failed: 0, skipped: 0, warnings: 0 };
  for (const r of results) {
    if (isWarning(r)) counts.warnings++;
    else counts[r.status]++;
  }
  return counts;
}

/** A report summary as views count it: `failed` = errors, warnings apart (older reports: no warnings). */
export function summaryCounts(summary: ConformanceReport['summary']): { passed: number; failed: number; skipped: number; warnings: number } {
  const warnings = summary.warnings ?? 0;
  return { passed: summary.passed, failed: summary.failed - warnings, skipped: summary.skipped, warnings };
}

/** A duration for people: `850 ms`, `12.4 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}
