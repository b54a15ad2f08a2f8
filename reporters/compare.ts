/** @module `wai-conformance compare`: several reports (one per target) side by side per model × check, with a conformance score per target. */
import type { CheckId } from '../src/checks/types.js';
import type { ConformanceReport } from '../src/harness/report.js';
import type { CoverageReport } from '../src/harness/coverage-types.js';
import { coverageSummaryText } from './_internals/coverage-table.js';
import { escapeMarkdown, markdownCode } from './_internals/escape.js';
import { buildMatrix, checksOf, formatDuration, formatRate, passRate, rowLabel, type CellStatus } from './_internals/matrix.js';

export { renderComparisonHtml } from './compare-html.js';

/** Cell-level counts of one target: every model × check it has a cell for, by worst verdict. */
export interface CellCounts {
  passed: number;
  failed: number;
  /** Cells whose failures are all warnings (rules without enforcement evidence): left out of the score. */
  warning: number;
  skipped: number;
  /** Cells other targets have and this one does not (not run). */
  none: number;
}

/** One compared target: where its report came from, and how well it conforms. */
export interface ComparedTarget {
  label: string;
  tool: ConformanceReport['tool'];
  target: ConformanceReport['target'];
  seed: number;
  startedAt: string;
  durationMs: number;
  complete: boolean;
  incompleteReason?: string;
  /** The report's own summary (results, not cells). */
  summary: ConformanceReport['summary'];
  cells: CellCounts;
  /** Conformance score: passed / judged model × check cells of this target (null when it judged none). */
  score: number | null;
  /** The same over the cells every target judged: the fair comparison when selections differ. */
  commonScore: number | null;
  /** What the run covered of the contract, per facet (absent for reports written before coverage existed). */
  coverage?: CoverageReport['summary'];
}

/**
 * How the targets' verdicts on a cell relate: `same` (all equal), `differs` (one passed where
 * another failed), `coverage` (no contradiction, but some target skipped it or did not run it).
 */
export type Agreement = 'same' | 'differs' | 'coverage';

/** One model × check, side by side. Arrays are indexed like `targets`. */
export interface ComparedCell {
  model: string | null;
  task: string;
  check: CheckId;
  statuses: CellStatus[];
  /** First failure message of each target that failed it. */
  messages: (string | null)[];
  /** The command that reproduces each target's first failure. */
  reproduce: (string | null)[];
  agreement: Agreement;
}

/** Several reports compared: one row per model × check any of them has. */
export interface ComparisonResult {
  targets: ComparedTarget[];
  tasks: string[];
  checks: CheckId[];
  cells: ComparedCell[];
  /** Cells where one target passed and another failed. */
  differing: number;
  /** Cells some targets did not judge (skipped or not run), without a contradiction. */
  coverageGaps: number;
  /** Per task, each target's cell counts (indexed like `targets`); warnings are counted apart from failures. */
  byTask: Record<string, { passed: number; failed: number; warning: number }[]>;
}

function defaultLabels(reports: readonly ConformanceReport[]): string[] {
  return reports.map((r) => {
    let host = r.target.baseUrl;
    try {
      host = new URL(r.target.baseUrl).host || host;
    } catch {
      // not a URL: keep it as it is
    }
    return `${r.target.kind} ${host}`;
  });
}

/** Makes labels unique by numbering repeats (`emulator`, `emulator #2`). */
function unique(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} #${n}`;
  });
}

/** Verdicts that judged something: a cell where two of these meet is a disagreement. */
const JUDGED: readonly CellStatus[] = ['passed', 'failed', 'warning'];

function agreement(statuses: readonly CellStatus[]): Agreement {
  if (new Set(statuses.filter((s) => JUDGED.includes(s))).size > 1) return 'differs';
  return statuses.every((s) => s === statuses[0]) ? 'same' : 'coverage';
}

/**
 * Compares reports of the same suite against different targets. `labels` name the targets
 * (default: target kind and host), made unique. Cells are model × check with the worst verdict
 * over endpoints, as in the HTML matrix. Throws when given no report.
 */
export function compareReports(reports: readonly ConformanceReport[], labels: readonly string[] = defaultLabels(reports)): ComparisonResult {
  if (reports.length === 0) throw new Error('compareReports: at least one report is needed');
  if (labels.length !== reports.length) throw new Error(`compareReports: ${labels.length} labels for ${reports.length} reports`);
  const matrices = reports.map((r) => buildMatrix(r.results));
  const checks = checksOf(reports.flatMap((r) => r.results));
  const tasks: string[] = [];
  const rows = new Map<string, { model: string | null; task: string }>();
  for (const m of matrices) {
    for (const row of m.rows) {
      if (!rows.has(row.key)) rows.set(row.key, { model: row.model, task: row.task });
      if (!tasks.includes(row.task)) tasks.push(row.task);
    }
  }
  // Per target, row key → check → { status, first failure }.
  const lookup = reports.map((report, t) => {
    const m = matrices[t]!;
    const byKey = new Map<string, { status: CellStatus; message: string | null; reproduce: string | null }>();
    m.rows.forEach((row, r) =>
      m.checks.forEach((check, c) => {
        const cell = m.cells[r]![c]!;
        if (cell.status === 'none') return;
        const failure = cell.results.map((i) => report.results[i]!).flatMap((x) => x.failures)[0];
        byKey.set(`${row.key}\u0000${check}`, { status: cell.status, message: failure?.message ?? null, reproduce: failure?.reproduce ?? null });
      }),
    );
    return byKey;
  });
  const ordered = tasks.flatMap((task) => [...rows].filter(([, row]) => row.task === task));
  const cells: ComparedCell[] = [];
  for (const [key, row] of ordered) {
    for (const check of checks) {
      const entries = lookup.map((l) => l.get(`${key}\u0000${check}`));
      if (entries.every((e) => e === undefined)) continue;
      const statuses = entries.map((e) => e?.status ?? 'none');
      cells.push({ model: row.model, task: row.task, check, statuses, messages: entries.map((e) => e?.message ?? null), reproduce: entries.map((e) => e?.reproduce ?? null), agreement: agreement(statuses) });
    }
  }
  const byTask: ComparisonResult['byTask'] = {};
  for (const task of tasks) byTask[task] = reports.map(() => ({ passed: 0, failed: 0, warning: 0 }));
  const common = cells.filter((c) => c.statuses.every((s) => JUDGED.includes(s)));
  const names = unique(labels);
  const targets = reports.map((report, t): ComparedTarget => {
    const counts: CellCounts = { passed: 0, failed: 0, warning: 0, skipped: 0, none: 0 };
    for (const cell of cells) {
      const status = cell.statuses[t]!;
      counts[status]++;
      if (status === 'passed' || status === 'failed' || status === 'warning') byTask[cell.task]![t]![status]++;
    }
    // Warnings are not known non-conformance: like the score, the common score leaves them out.
    const commonPassed = common.filter((c) => c.statuses[t] === 'passed').length;
    const commonJudged = common.filter((c) => c.statuses[t] !== 'warning').length;
    return {
      label: names[t]!,
      tool: report.tool,
      target: report.target,
      seed: report.seed,
      startedAt: report.startedAt,
      durationMs: report.durationMs,
      complete: report.complete,
      ...(report.incompleteReason !== undefined ? { incompleteReason: report.incompleteReason } : {}),
      summary: report.summary,
      cells: counts,
      score: passRate(counts),
      commonScore: commonJudged ? commonPassed / commonJudged : null,
      ...(report.coverage ? { coverage: report.coverage.summary } : {}),
    };
  });
  return {
    targets,
    tasks,
    checks,
    cells,
    differing: cells.filter((c) => c.agreement === 'differs').length,
    coverageGaps: cells.filter((c) => c.agreement === 'coverage').length,
    byTask,
  };
}

/** The comparison as JSON (two-space indent, trailing newline). */
export function renderComparisonJson(result: ComparisonResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** Upper bound of the comparison summary in bytes (it may go to a GitHub step summary too). */
const MAX_BYTES = 60 * 1024;
const SYMBOL: Record<CellStatus, string> = { passed: '✅', failed: '❌', warning: '⚠️', skipped: '➖', none: '·' };

function targetsTable(result: ComparisonResult): string {
  const lines = [
    '| Target | Kind | Base URL | Tool | Seed | Started | Score | Common score | Coverage | Passed | Failed | Warnings | Skipped | Not run |',
    '|---|---|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...result.targets.map((t) => {
      const tool = `${t.tool.name} ${t.tool.version}`;
      const incomplete = t.complete ? '' : ' ⚠️ incomplete';
      return `| **${escapeMarkdown(t.label)}**${incomplete} | ${escapeMarkdown(t.target.kind)} | ${markdownCode(t.target.baseUrl, { table: true })} | ${escapeMarkdown(tool)} | ${t.seed} | ${escapeMarkdown(t.startedAt)} | **${formatRate(t.score)}** | ${formatRate(t.commonScore)} | ${coverageSummaryText(t.coverage)} | ${t.cells.passed} | ${t.cells.failed} | ${t.cells.warning} | ${t.cells.skipped} | ${t.cells.none} |`;
    }),
  ];
  return lines.join('\n');
}

function byTaskTable(result: ComparisonResult): string {
  const head = `| Task | ${result.targets.map((t) => escapeMarkdown(t.label)).join(' | ')} |`;
  const rule = `|---|${result.targets.map(() => '--:|').join('')}`;
  const rows = result.tasks.map((task) => {
    const counts = result.byTask[task]!;
    return `| ${escapeMarkdown(task)} | ${counts.map((c) => (c.passed + c.failed ? `${formatRate(passRate(c))} (${c.passed}/${c.passed + c.failed})` : '·')).join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}

function cellLine(result: ComparisonResult, cell: ComparedCell): string {
  const verdicts = cell.statuses.map((s, t) => {
    const message = cell.messages[t];
    return message ? `${SYMBOL[s]} ${escapeMarkdown(message.length > 140 ? `${message.slice(0, 140)}…` : message)}` : SYMBOL[s];
  });
  return `| ${markdownCode(rowLabel(cell), { table: true })} | ${markdownCode(cell.check, { table: true })} | ${verdicts.join(' | ')} |`;
}

function cellTable(result: ComparisonResult, title: string, cells: readonly ComparedCell[], budget: number): string {
  if (cells.length === 0) return '';
  const head = [`### ${title} (${cells.length})`, '', `| Model | Check | ${result.targets.map((t) => escapeMarkdown(t.label)).join(' | ')} |`, `|---|---|${result.targets.map(() => '---|').join('')}`];
  let used = Buffer.byteLength(head.join('\n')) + 120;
  const lines: string[] = [];
  for (const cell of cells) {
    const line = cellLine(result, cell);
    used += Buffer.byteLength(line) + 1;
    if (used > budget) break;
    lines.push(line);
  }
  const rest = cells.length - lines.length;
  return [...head, ...lines, ...(rest > 0 ? ['', `…and ${rest} more: see the JSON or HTML comparison.`] : [])].join('\n');
}

/**
 * Renders the comparison as Markdown: each target's score, conformance per task, then the cells
 * where targets differ and those only some judged, within about 60 KiB.
 */
export function renderComparisonMarkdown(result: ComparisonResult): string {
  const headline = result.differing
    ? `## Workers AI conformance: ${result.targets.length} targets compared, ${result.differing} model × check cells differ`
    : `## Workers AI conformance: ${result.targets.length} targets compared, no verdict differs`;
  const head = [
    headline,
    '',
    targetsTable(result),
    '',
    `Score = passed / (passed + failed) model × check cells (a cell's verdict is its worst over endpoints; warnings, failures on rules without enforcement evidence, are left out). Common score: over the ${result.cells.filter((c) => c.statuses.every((s) => s === 'passed' || s === 'failed')).length} cells every target judged. Coverage: contract items the run exercised (every facet; input and output schema items), as in each report's \`coverage\` section. Durations: ${result.targets.map((t) => `${escapeMarkdown(t.label)} ${formatDuration(t.durationMs)}`).join(', ')}.`,
    '',
    '### Conformance by task',
    '',
    byTaskTable(result),
    '',
  ].join('\n');
  const budget = MAX_BYTES - Buffer.byteLength(head);
  const differing = cellTable(result, 'Where they differ', result.cells.filter((c) => c.agreement === 'differs'), Math.floor(budget * 0.75));
  const gaps = cellTable(result, 'Judged by some targets only', result.cells.filter((c) => c.agreement === 'coverage'), budget - Buffer.byteLength(differing));
  const legend = '✅ passed · ❌ failed · ⚠️ warning (the rule rests on documentation alone) · ➖ skipped (not applicable) · · not run';
  return `${[head, differing, gaps, legend].filter(Boolean).join('\n\n')}\n`;
}
