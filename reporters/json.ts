/** @module reports/conformance.json: the report itself, as DESIGN.md defines it. */
import type { ConformanceReport } from '../src/harness/report.js';

/** Renders the report as JSON (two-space indent, trailing newline). */
export function renderJson(report: ConformanceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
