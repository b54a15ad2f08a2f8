/** @module The conformance report (DESIGN.md `reports/conformance.json`): the one result model every reporter renders. */
import type { CheckId, Finding, Severity } from '../checks/types.js';
import type { RecordedRequest, RecordedResponse, TargetKind, TransportError } from '../targets/types.js';
import type { CoverageReport } from './coverage-types.js';

/** A response as reports keep it: everything but the raw bytes (the body record stands for them). */
export type ReportedResponse = Omit<RecordedResponse, 'bytes'>;

/** One failure of one check, with what replays it. */
export interface FailureRecord extends Omit<Finding, 'check'> {
  request: RecordedRequest;
  response?: ReportedResponse;
  error?: TransportError;
  /** fast-check seed of the property run that found it. */
  seed: number;
  /** fast-check path of the (shrunk) case within that run; with the seed it replays the failure. */
  path: string;
  /** The command that reproduces it. */
  reproduce: string;
}

/** One model × check verdict. */
export interface ResultRecord {
  /** Model id, or null for checks of the whole API (catalogue, unknown model). */
  model: string | null;
  /** Task id of the model, or the area (`catalog`, `errors`, ...) for checks of the whole API. */
  task: string;
  /** The operation judged, e.g. `POST /ai/run/{model}`. */
  endpoint: string;
  check: CheckId;
  status: 'passed' | 'failed' | 'skipped';
  /**
   * For a failed result: `error` when some failure rests on an established rule, `warning` when every
   * failure rests on documentation alone (counted only by `run --strict`). Absent in older reports: an error.
   */
  severity?: Severity;
  /** Exchanges the check judged. */
  requests: number;
  failures: FailureRecord[];
  /** Latency of the judged exchanges (ms): time to first byte and total. */
  latency?: { firstByteMs: number[]; totalMs: number[] };
}

/** The whole report. */
export interface ConformanceReport {
  tool: { name: string; version: string };
  target: { kind: TargetKind; baseUrl: string };
  seed: number;
  startedAt: string;
  durationMs: number;
  /** False when the run was interrupted or the target died: the results cover what finished. */
  complete: boolean;
  /** Why the run is incomplete, when it is. */
  incompleteReason?: string;
  /** The settings of the run (no credentials). */
  settings: Record<string, unknown>;
  /**
   * `failed` counts every failed result, warnings included (as before severities existed); `warnings`
   * counts the failed results that are warnings, so errors = failed - warnings.
   */
  summary: { checks: number; passed: number; failed: number; skipped: number; requests: number; warnings?: number };
  results: ResultRecord[];
  /** What the run exercised of the contract (absent in reports written before coverage existed). */
  coverage?: CoverageReport;
}

/** Summary counts of a set of results; `requests` is what the target counted (retries included). */
export function summarise(results: readonly ResultRecord[], requests: number): ConformanceReport['summary'] {
  return {
    checks: results.length,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    requests,
    warnings: results.filter(isWarning).length,
  };
}

/** True for a failed result whose failures are all warnings. */
export function isWarning(result: Pick<ResultRecord, 'status' | 'severity'>): boolean {
  return result.status === 'failed' && result.severity === 'warning';
}

/** True for a failed result that is an error (older reports carry no severity: every failure was an error). */
export function isError(result: Pick<ResultRecord, 'status' | 'severity'>): boolean {
  return result.status === 'failed' && result.severity !== 'warning';
}

/** Failed results that count for the exit code: errors, and warnings too when `strict`. */
export function countsAsFailure(result: Pick<ResultRecord, 'status' | 'severity'>, strict: boolean): boolean {
  return strict ? result.status === 'failed' : isError(result);
}
