/** @module The report's coverage section as data: facets, items (JSON pointers), figures. */

/** The facets of coverage, in the order reports show them. */
export const COVERAGE_FACETS = ['input', 'output', 'invalid', 'statuses', 'checks'] as const;
export type CoverageFacet = (typeof COVERAGE_FACETS)[number];
/** What `--min-coverage` can name: a facet, or `total` (every item of every facet). */
export type CoverageGateName = CoverageFacet | 'total';

/**
 * One item a run did not cover. `pointer` is a JSON pointer into the model's effective schema
 * (input, output: as `models/schema` serves it) or into openapi.yaml (statuses); `kind` says what
 * was missing there (`optional`, `enum`, `branch`, `minimum`, ..., a rule keyword, `status`, `skipped`).
 */
export interface CoverageItem {
  kind: string;
  pointer?: string;
  /** Checks facet: the check that judged nothing, and why. */
  check?: string;
  reason?: string;
}

/** How much of one facet a run covered, and what it did not. */
export interface FacetCoverage {
  covered: number;
  total: number;
  uncovered: CoverageItem[];
}

/** The invalid-input facet also says which broken rules the target accepted. */
export interface InvalidCoverage extends FacetCoverage {
  /** Rules whose invalid inputs the target did not refuse with a 4xx (each is also a `status.client-error` failure). */
  accepted: string[];
}

/** Coverage of one model. A facet is absent when the run planned nothing for it (e.g. `--checks` left out invalid inputs). */
export interface ModelCoverage {
  model: string;
  task: string;
  input?: FacetCoverage;
  output?: FacetCoverage;
  invalid?: InvalidCoverage;
  statuses?: FacetCoverage;
  checks?: FacetCoverage;
}

/** Statuses of one operation: documented in openapi.yaml, and answered during the run. */
export interface OperationCoverage {
  operation: string;
  documented: number[];
  seen: number[];
}

/** A run-wide figure: items covered of items planned, and the percentage (null when nothing was planned). */
export interface CoverageFigure {
  covered: number;
  total: number;
  percent: number | null;
}

/** The report's `coverage` section. */
export interface CoverageReport {
  summary: Record<CoverageGateName, CoverageFigure>;
  models: ModelCoverage[];
  operations: OperationCoverage[];
}
