/** @module reports/summary.md: a GitHub step summary: verdict, pass rate, task × check table, first failures with their reproduce commands. */
import { isError, isWarning, type ConformanceReport, type FailureRecord, type ResultRecord } from '../src/harness/report.js';
import { escapeMarkdown, markdownCode, markdownFence, xmlSafe } from './_internals/escape.js';
import { findingDetail, requestText, responseText } from './_internals/failure-text.js';
import { coverageMarkdown } from './_internals/coverage-table.js';
import { checksOf, countStatuses, formatDuration, formatRate, passRate, rowLabel, summaryCounts } from './_internals/matrix.js';

/** Upper bound of the summary in bytes: GitHub takes 1 MiB per step summary, people read far less. */
export const MARKDOWN_MAX_BYTES = 60 * 1024;
/** Failures shown with their request and response. */
const DETAILED_FAILURES = 5;
/** Failures listed one a line after the detailed ones. */
const LISTED_FAILURES = 50;
/** Body characters shown per request or response. */
const BODY_CHARS = 1200;

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
// Sections pass through xmlSafe before they are measured: control characters (and lone
// surrogates) from response bodies become a visible \uXXXX, not bytes a terminal acts on.

/** The verdict line: conformant, not conformant, or incomplete. */
function heading(report: ConformanceReport): string {
  const { failed, warnings } = summaryCounts(report.summary);
  const strict = report.settings?.strict === true;
  const warned = `${warnings} warning${warnings === 1 ? '' : 's'}`;
  if (failed > 0 || (strict && warnings > 0)) return `## ❌ Workers AI conformance: ${failed} failed${warnings ? ` and ${warned}${strict ? ' (--strict)' : ''}` : ''}`;
  if (!report.complete) return '## ⚠️ Workers AI conformance: incomplete run';
  return `## ✅ Workers AI conformance: conformant${warnings ? ` (${warned})` : ''}`;
}

function overview(report: ConformanceReport): string {
  const { target } = report;
  const summary = summaryCounts(report.summary);
  const rate = formatRate(passRate(summary));
  const judged = summary.passed + summary.failed;
  const lines = [
    heading(report),
    '',
    `**Pass rate ${rate}**: ${summary.passed} of ${judged} judged checks passed, ${summary.failed} failed, ${summary.warnings} warnings, ${summary.skipped} skipped (not applicable) · ${report.summary.requests} requests · ${formatDuration(report.durationMs)}`,
    '',
    `Target ${markdownCode(target.kind)} ${markdownCode(target.baseUrl)} · seed ${markdownCode(String(report.seed))} · ${escapeMarkdown(`${report.tool.name} ${report.tool.version}`)} · started ${escapeMarkdown(report.startedAt)}`,
  ];
  if (!report.complete) lines.push('', `> **⚠️ Incomplete run:** ${escapeMarkdown(report.incompleteReason ?? 'the run did not complete')}. The results cover what finished.`);
  return lines.join('\n');
}

/** A task × check cell: ✅ n (all judged passed), ❌ failed/judged, ➖ not applicable, blank when not run. */
function cell(results: readonly ResultRecord[]): string {
  if (results.length === 0) return '';
  const { passed, failed, warnings } = countStatuses(results);
  if (failed > 0) return `❌ ${failed}/${passed + failed + warnings}`;
  if (warnings > 0) return `⚠️ ${warnings}/${passed + warnings}`;
  if (passed > 0) return `✅ ${passed}`;
  return '➖';
}

function table(report: ConformanceReport): string {
  if (report.results.length === 0) return '### Results by task and check\n\n_The report has no results._';
  const checks = checksOf(report.results);
  const byTask = new Map<string, ResultRecord[]>();
  for (const r of report.results) {
    if (!byTask.has(r.task)) byTask.set(r.task, []);
    byTask.get(r.task)!.push(r);
  }
  const header = `| Task | Models | Pass rate | ${checks.map(escapeMarkdown).join(' | ')} |`;
  const rule = `|---|--:|--:|${checks.map(() => ':-:|').join('')}`;
  const rows = [...byTask].map(([task, results]) => {
    const models = new Set(results.flatMap((r) => (r.model === null ? [] : [r.model]))).size || '—';
    const cells = checks.map((check) => cell(results.filter((r) => r.check === check)));
    return `| ${escapeMarkdown(task)} | ${models} | ${formatRate(passRate(countStatuses(results)))} | ${cells.join(' | ')} |`;
  });
  return [
    '### Results by task and check',
    '',
    header,
    rule,
    ...rows,
    '',
    '✅ n: all n judged results passed · ❌ f/n: f of n failed · ⚠️ w/n: w of n are warnings (the rule rests on documentation alone) · ➖ not applicable · blank: not run. A result is one model × check × endpoint.',
  ].join('\n');
}

/** Failed results that are errors, in report order; each is shown by its first failure. */
function failedResults(report: ConformanceReport): ResultRecord[] {
  return report.results.filter(isError);
}

function where(result: ResultRecord): string {
  return `${markdownCode(rowLabel(result))} · ${markdownCode(result.check)} · ${escapeMarkdown(result.endpoint)}`;
}

const more = (result: ResultRecord) => (result.failures.length > 1 ? ` (and ${result.failures.length - 1} more)` : '');

function detailed(result: ResultRecord, failure: FailureRecord | undefined): string {
  if (!failure) return `#### ❌ ${where(result)}

Failed without a recorded failure.
`;
  const detail = findingDetail(failure);
  const exchange = [requestText(failure.request, { bodyChars: BODY_CHARS })];
  if (failure.response) exchange.push(responseText(failure.response, { bodyChars: BODY_CHARS }));
  if (failure.error) exchange.push(`(no response: ${failure.error.kind}: ${failure.error.message})`);
  return [
    `#### ❌ ${where(result)}`,
    '',
    `${escapeMarkdown(failure.message)}${detail ? ` (${escapeMarkdown(detail)})` : ''}${more(result)}`,
    '',
    markdownFence(failure.reproduce, 'sh'),
    '',
    '<details><summary>Request and response</summary>',
    '',
    markdownFence(exchange.join('\n\n'), 'http'),
    '',
    '</details>',
    '',
  ].join('\n');
}

function listed(result: ResultRecord): string {
  const failure = result.failures[0];
  const message = failure ? `${escapeMarkdown(failure.message)}${more(result)}` : 'failed without a recorded failure';
  const reproduce = failure ? markdownCode(failure.reproduce, { table: true }) : '';
  return `| ${markdownCode(rowLabel(result), { table: true })} | ${markdownCode(result.check, { table: true })} | ${message} | ${reproduce} |`;
}

/** Adds failed results while they fit in the byte budget: the first in detail, then one a line; says what was left out. */
function failures(report: ConformanceReport, budget: number): string {
  const failed = failedResults(report);
  if (failed.length === 0) return '';
  const total = failed.reduce((sum, r) => sum + r.failures.length, 0);
  const parts = [`### Failures: ${failed.length} failed results, ${total} failures`, ''];
  // Room for the closing "…and N more" line.
  let used = bytes(parts.join('\n')) + 200;
  let shown = 0;
  for (const result of failed.slice(0, DETAILED_FAILURES)) {
    const section = xmlSafe(detailed(result, result.failures[0]));
    if (used + bytes(section) + 1 > budget) break;
    parts.push(section);
    used += bytes(section) + 1;
    shown++;
  }
  const rest = failed.slice(shown, shown + LISTED_FAILURES);
  if (rest.length) {
    const lines = [`#### ${shown ? 'More failed results' : 'Failed results'}`, '', '| Model | Check | Failure | Reproduce |', '|---|---|---|---|'];
    used += bytes(lines.join('\n')) + 1;
    for (const result of rest) {
      const line = xmlSafe(listed(result));
      if (used + bytes(line) + 1 > budget) break;
      lines.push(line);
      used += bytes(line) + 1;
      shown++;
    }
    if (lines.length > 4) parts.push(lines.join('\n'), '');
  }
  if (shown < failed.length) parts.push(`…and ${failed.length - shown} more failed results: see \`junit.xml\`, \`report.html\` or \`conformance.json\` for every failure.`);
  return parts.join('\n');
}

/**
 * Warnings in their own section, one a line while they fit: failures on rules the real API is not known
 * to enforce (spec/enforcement.yaml) or that rest on documentation alone. They fail a run only with --strict.
 */
function warnings(report: ConformanceReport, budget: number): string {
  const warned = report.results.filter(isWarning);
  if (warned.length === 0 || budget < 512) return '';
  const counted = report.settings?.strict === true ? 'counted: this run used `--strict`' : 'not counted for the exit code; `run --strict` counts them';
  const lines = [
    `### Warnings: ${warned.length} results (${counted})`,
    '',
    'A warning is a failure on a rule that rests on documentation alone: the real API is not known to enforce it.',
    '',
    '| Model | Check | Warning | Reproduce |',
    '|---|---|---|---|',
  ];
  let used = bytes(lines.join('\n')) + 200;
  let shown = 0;
  for (const result of warned.slice(0, LISTED_FAILURES)) {
    const line = xmlSafe(listed(result));
    if (used + bytes(line) + 1 > budget) break;
    lines.push(line);
    used += bytes(line) + 1;
    shown++;
  }
  if (shown < warned.length) lines.push('', `…and ${warned.length - shown} more warnings: see \`junit.xml\`, \`report.html\` or \`conformance.json\`.`);
  return lines.join('\n');
}

/**
 * Renders the report as Markdown for a GitHub step summary: the verdict and pass rate, a task ×
 * check table, then the first failures (with request, response and reproduce command) as long as
 * the whole stays under {@link MARKDOWN_MAX_BYTES}.
 */
export function renderMarkdown(report: ConformanceReport): string {
  const coverage = coverageMarkdown(report.coverage);
  const head = xmlSafe(`${overview(report)}\n\n${table(report)}\n${coverage ? `\n${coverage}\n` : ''}`);
  const footer = `\n<sub>Pass rate = passed / (passed + failed); warnings and skipped checks are left out of it. Generated by ${escapeMarkdown(report.tool.name)} ${escapeMarkdown(report.tool.version)}.</sub>\n`;
  const budget = MARKDOWN_MAX_BYTES - bytes(head) - bytes(footer);
  const body = budget > 1024 ? failures(report, budget) : report.summary.failed ? '_Failures left out to keep this summary short: see `junit.xml` or `report.html`._' : '';
  // Warnings come after every error, in what is left of the budget.
  const warned = budget > 1024 ? warnings(report, budget - bytes(body) - 2) : '';
  return `${head}${body ? `\n${body}\n` : ''}${warned ? `\n${warned}\n` : ''}${footer}`;
}
