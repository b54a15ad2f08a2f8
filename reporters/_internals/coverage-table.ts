/** @module The coverage part of summary.md: run-wide figures and a short per-task table. */
import { COVERAGE_FACETS, coverageByTask, type CoverageFigure, type CoverageReport } from '../../src/harness/coverage.js';
import { escapeMarkdown } from './escape.js';

/** A figure as a table cell: `83.3 %`, or `—` when there was nothing to cover. */
export function formatCoverage(f: CoverageFigure | undefined): string {
  return f && f.percent !== null ? `${f.percent.toFixed(1)} %` : '—';
}

/** A run's coverage in a few words: the total, then input and output schema items (`—` for reports without coverage). */
export function coverageSummaryText(summary: CoverageReport['summary'] | undefined): string {
  if (!summary) return '—';
  return `${formatCoverage(summary.total)} (input ${formatCoverage(summary.input)}, output ${formatCoverage(summary.output)})`;
}

/** `### Coverage`: the total, then one row per task with each facet's percentage. */
export function coverageMarkdown(coverage: CoverageReport | undefined): string {
  if (!coverage) return '';
  const { summary } = coverage;
  const header = `| Task | Models | ${COVERAGE_FACETS.join(' | ')} |`;
  const rule = `|---|--:|${COVERAGE_FACETS.map(() => '--:|').join('')}`;
  const rows = coverageByTask(coverage).map((t) => `| ${escapeMarkdown(t.task)} | ${t.models} | ${COVERAGE_FACETS.map((f) => formatCoverage(t.figures[f])).join(' | ')} |`);
  const all = `| **all** | ${coverage.models.length} | ${COVERAGE_FACETS.map((f) => `**${formatCoverage(summary[f])}**`).join(' | ')} |`;
  return [
    `### Coverage: ${formatCoverage(summary.total)} of ${summary.total.total} contract items`,
    '',
    header,
    rule,
    ...rows,
    all,
    '',
    'input: optional properties, enum values, branches, bounds and array sizes of the input schemas sent · output: optional properties and branches of the answers · invalid: rules broken by invalid inputs · statuses: documented statuses answered · checks: planned checks that judged something. Every uncovered JSON pointer is in `conformance.json` and `report.html`.',
  ].join('\n');
}
