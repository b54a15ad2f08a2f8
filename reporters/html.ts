/** @module reports/report.html: one self-contained page: model × check matrix, filters, failure details, latency chart, settings. */
import { CHECKS } from '../src/checks/index.js';
import { isWarning, type ConformanceReport } from '../src/harness/report.js';
import { escapeHtml } from './_internals/escape.js';
import { REPORT_SCRIPT } from './_internals/html-report-script.js';
import { COVERAGE_CSS, coverageSection } from './_internals/coverage-html.js';
import { htmlPage } from './_internals/html-page.js';
import { latencyByRow, type RowLatency } from './_internals/latency.js';
import { buildMatrix, formatDuration, formatRate, passRate, rowLabel, summaryCounts, type CellStatus, type Matrix } from './_internals/matrix.js';

const SYMBOL: Record<CellStatus, string> = { passed: '✓', failed: '✗', warning: '⚠', skipped: '–', none: '' };
const attr = escapeHtml;

function description(check: string): string {
  return (CHECKS as Record<string, { description: string } | undefined>)[check]?.description ?? check;
}

function header(report: ConformanceReport): string {
  const summary = { ...report.summary, ...summaryCounts(report.summary) };
  const strict = report.settings?.strict === true;
  const warned = summary.warnings ? `${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}` : '';
  const verdict =
    summary.failed > 0 || (strict && summary.warnings > 0)
      ? ['failed', `${summary.failed} failed${warned ? ` · ${warned}${strict ? ' (--strict)' : ''}` : ''}`]
      : !report.complete
        ? ['incomplete', 'incomplete']
        : ['passed', `conformant${warned ? ` · ${warned}` : ''}`];
  const stat = (label: string, value: string, cls = '') => `<div class="stat ${cls}"><b>${escapeHtml(value)}</b><span class="muted">${escapeHtml(label)}</span></div>`;
  return `<header>
<h1>Workers AI conformance <span class="badge ${verdict[0]}" id="verdict">${escapeHtml(verdict[1]!)}</span></h1>
<div class="muted">Target <code>${escapeHtml(report.target.kind)}</code> <code>${escapeHtml(report.target.baseUrl)}</code> · seed <code>${escapeHtml(String(report.seed))}</code> · started ${escapeHtml(report.startedAt)} · ${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)}</div>
${report.complete ? '' : `<p class="badge incomplete">Incomplete run: ${escapeHtml(report.incompleteReason ?? 'the run did not complete')}. The results cover what finished.</p>`}
<div class="stats">${stat('pass rate (passed / judged)', formatRate(passRate(summary)))}${stat('passed', String(summary.passed))}${stat('failed', String(summary.failed))}${stat('warnings (not established)', String(summary.warnings))}${stat('skipped (not applicable)', String(summary.skipped))}${stat('results', String(summary.checks))}${stat('requests', String(summary.requests))}${stat('duration', formatDuration(report.durationMs))}</div>
</header>`;
}

function filters(matrix: Matrix): string {
  const options = (values: readonly string[]) => values.map((v) => `<option value="${attr(v)}">${escapeHtml(v)}</option>`).join('');
  return `<nav class="filters" aria-label="Filters">
<label>Task <select id="f-task"><option value="">all tasks</option>${options(matrix.tasks)}</select></label>
<label>Check <select id="f-check"><option value="">all checks</option>${options(matrix.checks)}</select></label>
<label>Status <select id="f-status"><option value="">any</option><option value="failed">failed</option><option value="warning">warning</option><option value="passed">passed</option><option value="skipped">skipped</option></select></label>
<label>Model <input id="f-model" type="search" placeholder="filter by id" size="28"></label>
<span id="f-count" class="muted" aria-live="polite"></span>
</nav>`;
}

function matrixTable(report: ConformanceReport, matrix: Matrix): string {
  if (matrix.rows.length === 0) return '<p class="muted">The report has no results.</p>';
  const head = `<tr><th class="row-head" scope="col">Model</th>${matrix.checks.map((c) => `<th class="check" scope="col" data-col="${attr(c)}" title="${attr(`${c}: ${description(c)}`)}"><span>${escapeHtml(c)}</span></th>`).join('')}</tr>`;
  const body: string[] = [];
  let task: string | undefined;
  matrix.rows.forEach((row, r) => {
    if (row.task !== task) {
      task = row.task;
      const count = matrix.rows.filter((x) => x.task === task).length;
      body.push(`<tr class="group" data-task="${attr(task)}"><th colspan="${matrix.checks.length + 1}">${escapeHtml(task)} <span class="muted">(${count})</span></th></tr>`);
    }
    const label = rowLabel(row);
    const cells = matrix.checks.map((check, c) => {
      const cell = matrix.cells[r]![c]!;
      const results = cell.results.map((i) => report.results[i]!);
      const failed = results.filter((x) => x.status === 'failed').length; // warnings included: they failed, less surely
      const title = cell.status === 'none' ? `${label} · ${check}: not run` : `${label} · ${check}: ${cell.status}${results.length > 1 ? ` (${failed} of ${results.length} endpoints failed)` : ''}`;
      const interactive = cell.status === 'none' ? '' : ' tabindex="0" role="button"';
      return `<td class="cell" data-status="${cell.status}" data-col="${attr(check)}" data-cell="${r}:${c}" title="${attr(title)}"${interactive}>${SYMBOL[cell.status]}</td>`;
    });
    body.push(`<tr class="row" data-row="${r}" data-task="${attr(row.task)}" data-model="${attr(label.toLowerCase())}"><th class="row-head mono" scope="row">${escapeHtml(label)}</th>${cells.join('')}</tr>`);
  });
  return `<div class="matrix-wrap"><table class="matrix" id="matrix"><thead>${head}</thead><tbody>${body.join('\n')}</tbody></table></div>
<p class="muted">✓ passed · ✗ failed · ⚠ warning (the rule rests on documentation alone) · – not applicable (skipped) · empty: not run. A cell is the worst verdict over the endpoints judged; click it for requests, responses and failures.</p>`;
}

/** A log scale from the power of ten below the fastest median to the one above the slowest p95: latencies span decades. */
function logScale(values: readonly number[]): { position: (ms: number) => string; ticks: number[] } {
  const positive = values.filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...positive, 1))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...positive, lo * 10)));
  const span = Math.log10(hi) - Math.log10(lo);
  const position = (ms: number) => `${(((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / span) * 100).toFixed(2)}%`;
  const ticks: number[] = [];
  for (let t = lo; t <= hi * 1.0001; t *= 10) ticks.push(t);
  return { position, ticks };
}

const formatMs = (v: number) => (v >= 1000 ? `${+(v / 1000).toFixed(2)} s` : v >= 1 ? `${Math.round(v)} ms` : `${+v.toFixed(2)} ms`);

function latencyChart(matrix: Matrix, latency: Map<string, RowLatency>): string {
  const rows = matrix.rows.map((row, r) => ({ row, r, l: latency.get(row.key) })).filter((x): x is typeof x & { l: RowLatency } => x.l !== undefined);
  if (rows.length === 0) return '<p class="muted">No latency was recorded.</p>';
  const { position, ticks } = logScale(rows.flatMap((x) => [x.l.firstByteP50, x.l.totalP50, x.l.totalP95]));
  const axis = `<div class="lat-row lat-axis" aria-hidden="true"><span></span><span class="lat-track">${ticks.map((t) => `<span class="lat-tick" style="left:${position(t)}">${formatMs(t)}</span>`).join('')}</span><span class="muted">median · p95 · exchanges</span></div>`;
  const lines = rows.map(({ row, r, l }) => {
    const title = `${rowLabel(row)}: median ${formatMs(l.totalP50)} total, ${formatMs(l.firstByteP50)} to first byte; p95 ${formatMs(l.totalP95)}; max ${formatMs(l.totalMax)}; ${l.samples} exchanges`;
    return `<div class="lat-row" data-row="${r}" title="${attr(title)}"><span class="lat-label mono">${escapeHtml(rowLabel(row))}</span><span class="lat-track"><span class="lat-total" style="width:${position(l.totalP50)}"></span><span class="lat-first" style="width:${position(l.firstByteP50)}"></span><span class="lat-p95" style="left:${position(l.totalP95)}"></span></span><span class="lat-value mono">${formatMs(l.totalP50)} <span class="muted">· ${formatMs(l.totalP95)} · ${l.samples}</span></span></div>`;
  });
  return `<p class="muted">Per exchange, log scale. Bar: median total time; dark part: median time to first byte; tick: 95th percentile.</p><div class="lat-chart" id="latency-chart">${axis}\n${lines.join('\n')}</div>`;
}

/**
 * Warnings apart from failures: each with its model, check, message and reproduce command. A warning
 * rests on a rule the real API is not known to enforce, so it fails a run only under --strict.
 */
function warningsSection(report: ConformanceReport): string {
  const warned = report.results.filter(isWarning);
  if (warned.length === 0) return '';
  const counted = report.settings?.strict === true ? 'This run used --strict: they count as failures.' : 'They do not fail the run; run --strict counts them.';
  const rows = warned.map((r) => {
    const first = r.failures[0];
    return `<tr><td class="mono">${escapeHtml(rowLabel(r))}</td><td class="mono">${escapeHtml(r.check)}</td><td>${escapeHtml(first?.message ?? '')}${r.failures.length > 1 ? ` <span class="muted">(and ${r.failures.length - 1} more)</span>` : ''}</td><td><code>${escapeHtml(first?.reproduce ?? '')}</code></td></tr>`;
  });
  return `<section id="warnings-section"><h2>Warnings <span class="badge warning">${warned.length}</span></h2>
<p class="muted">Failures on rules that rest on documentation alone: the real API is not known to enforce them (spec/enforcement.yaml). ${counted}</p>
<table class="plain" id="warnings"><thead><tr><th>Model</th><th>Check</th><th>Warning</th><th>Reproduce</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function settingsTable(report: ConformanceReport): string {
  const rows: [string, string][] = [
    ['tool', `${report.tool.name} ${report.tool.version}`],
    ['target', `${report.target.kind} ${report.target.baseUrl}`],
    ['seed', String(report.seed)],
    ['started', report.startedAt],
    ['duration', `${formatDuration(report.durationMs)} (${report.durationMs} ms)`],
    ['complete', report.complete ? 'yes' : `no: ${report.incompleteReason ?? 'the run did not complete'}`],
    ...Object.entries(report.settings).map(([k, v]): [string, string] => [`settings.${k}`, JSON.stringify(v) ?? 'undefined']),
  ];
  return `<table class="plain" id="settings">${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td class="mono">${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

const CSS = `
.lat-chart { display: grid; gap: 2px; max-width: 1100px; }
.lat-row { display: grid; grid-template-columns: minmax(180px, 320px) 1fr 210px; gap: 8px; align-items: center; font-size: 12px; }
.lat-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.lat-track { position: relative; height: 14px; background: var(--panel); border-radius: 3px; }
.lat-total, .lat-first { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 3px; }
.lat-total { background: color-mix(in srgb, var(--accent) 45%, transparent); }
.lat-first { background: var(--accent); }
.lat-p95 { position: absolute; top: -2px; bottom: -2px; width: 2px; background: var(--fg); }
.lat-axis .lat-track { background: none; height: 16px; border-bottom: 1px solid var(--line); border-radius: 0; }
.lat-tick { position: absolute; bottom: 0; transform: translateX(-50%); font-size: 11px; color: var(--muted); white-space: nowrap; }
.lat-tick::after { content: ""; position: absolute; left: 50%; bottom: -4px; height: 4px; border-left: 1px solid var(--line); }
.result { border-top: 1px solid var(--line); padding-top: 6px; margin-top: 10px; }
.failure { border: 1px solid var(--line); border-left: 4px solid var(--fail); border-radius: 6px; padding: 6px 10px; margin: 8px 0; }
.failure > summary { cursor: pointer; font-weight: 600; }
.exchange { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
@media (max-width: 900px) { .exchange { grid-template-columns: 1fr; } }
.exchange h4 { margin: 6px 0 2px; }
.repro { display: flex; gap: 8px; align-items: center; margin: 6px 0; }
.repro code { flex: 1; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 4px 8px; word-break: break-all; }
.media img { max-width: 100%; max-height: 320px; border: 1px solid var(--line); background: repeating-conic-gradient(#ccc 0 25%, #fff 0 50%) 50% / 16px 16px; }
.media figcaption { font-size: 12px; color: var(--muted); }
.binary { background: var(--panel); border: 1px dashed var(--line); border-radius: 6px; padding: 6px 8px; }
`;

/**
 * Renders the report as one self-contained HTML page (no network: a CSP forbids it): the
 * verdict, a model × check matrix with filters by task, check, status and model, a dialog with
 * each cell's requests, responses and failures, latency per model, and the run's settings. The
 * report is embedded as JSON; the page's script reads it for the details.
 */
export function renderHtml(report: ConformanceReport): string {
  const matrix = buildMatrix(report.results);
  const checkDescriptions = Object.fromEntries(matrix.checks.map((c) => [c, description(c)]));
  const cells: Record<string, number[]> = {};
  matrix.cells.forEach((row, r) => row.forEach((cell, c) => cell.results.length && (cells[`${r}:${c}`] = cell.results)));
  const body = `${header(report)}
${filters(matrix)}
<main>
<section id="matrix-section"><h2>Model × check <span class="muted" id="matrix-size">(${matrix.rows.length} × ${matrix.checks.length})</span></h2>${matrixTable(report, matrix)}</section>
${warningsSection(report)}
${coverageSection(report.coverage)}
<section id="latency"><h2>Latency per model</h2>${latencyChart(matrix, latencyByRow(report.results))}</section>
<section id="settings-section"><h2>Run settings</h2>${settingsTable(report)}</section>
</main>
<dialog id="detail" aria-labelledby="detail-title"><div class="detail-head"><h2 id="detail-title"></h2><button type="button" id="detail-close">Close</button></div><div id="detail-body"></div></dialog>
<footer>Generated by ${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)}. Binary bodies are recorded as size and SHA-256, not bytes: images and audio are previewed only when a JSON body carries them (base64) in full.</footer>`;
  return htmlPage({
    title: `Workers AI conformance: ${report.target.kind} ${report.startedAt}`,
    css: CSS + COVERAGE_CSS,
    body,
    data: { report, rows: matrix.rows, checks: matrix.checks, checkDescriptions, cells },
    script: REPORT_SCRIPT,
  });
}
