/** @module The comparison as one self-contained HTML page: scores, conformance per task, a side-by-side matrix with filters. */
import type { ComparedCell, ComparisonResult } from './compare.js';
import { escapeHtml } from './_internals/escape.js';
import { htmlPage } from './_internals/html-page.js';
import { coverageSummaryText } from './_internals/coverage-table.js';
import { formatDuration, formatRate, passRate, rowLabel } from './_internals/matrix.js';

const AGREEMENT_TEXT = { same: 'all agree', differs: 'verdicts differ', coverage: 'judged by some targets only' } as const;

function scores(result: ComparisonResult): string {
  const rows = result.targets.map(
    (t, i) =>
      `<tr><td class="num">${i + 1}</td><th scope="row">${escapeHtml(t.label)}${t.complete ? '' : ` <span class="badge incomplete">incomplete: ${escapeHtml(t.incompleteReason ?? 'did not complete')}</span>`}</th><td class="mono">${escapeHtml(t.target.kind)} ${escapeHtml(t.target.baseUrl)}</td><td>${escapeHtml(`${t.tool.name} ${t.tool.version}`)}</td><td class="num mono">${t.seed}</td><td class="mono">${escapeHtml(t.startedAt)}</td><td class="num">${formatDuration(t.durationMs)}</td><td class="num"><b class="score">${formatRate(t.score)}</b></td><td class="num">${formatRate(t.commonScore)}</td><td class="num coverage">${escapeHtml(coverageSummaryText(t.coverage))}</td><td class="num">${t.cells.passed}</td><td class="num">${t.cells.failed}</td><td class="num">${t.cells.warning}</td><td class="num">${t.cells.skipped}</td><td class="num">${t.cells.none}</td></tr>`,
  );
  return `<table class="plain" id="scores"><thead><tr><th>#</th><th>Target</th><th>Kind, base URL</th><th>Tool</th><th>Seed</th><th>Started</th><th>Duration</th><th>Score</th><th>Common score</th><th>Coverage</th><th>Passed</th><th>Failed</th><th>Warnings</th><th>Skipped</th><th>Not run</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="muted">Score = passed / judged model × check cells (a cell's verdict is its worst over endpoints). Common score: over the cells every target judged. Coverage: contract items the run exercised (total; input and output schema items).</p>`;
}

function byTask(result: ComparisonResult): string {
  const head = `<tr><th>Task</th>${result.targets.map((t) => `<th>${escapeHtml(t.label)}</th>`).join('')}</tr>`;
  const rows = result.tasks.map((task) => {
    const cells = result.byTask[task]!.map((c) => `<td class="num">${c.passed + c.failed ? `${formatRate(passRate(c))} <span class="muted">(${c.passed}/${c.passed + c.failed})</span>` : '·'}</td>`);
    return `<tr><th scope="row">${escapeHtml(task)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="plain" id="by-task"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function matrix(result: ComparisonResult): { html: string; cells: Record<string, number> } {
  const rowKeys: string[] = [];
  const rowOf = new Map<string, ComparedCell>();
  for (const cell of result.cells) {
    const key = cell.model ?? `(${cell.task})`;
    if (!rowOf.has(key)) {
      rowOf.set(key, cell);
      rowKeys.push(key);
    }
  }
  const index = new Map<string, number>();
  result.cells.forEach((cell, i) => index.set(`${cell.model ?? `(${cell.task})`}\u0000${cell.check}`, i));
  const cells: Record<string, number> = {};
  const head = `<tr><th class="row-head">Model</th>${result.checks.map((c) => `<th class="check" data-col="${escapeHtml(c)}"><span>${escapeHtml(c)}</span></th>`).join('')}</tr>`;
  const body: string[] = [];
  let task: string | undefined;
  rowKeys.forEach((key, r) => {
    const first = rowOf.get(key)!;
    if (first.task !== task) {
      task = first.task;
      body.push(`<tr class="group" data-task="${escapeHtml(task)}"><th colspan="${result.checks.length + 1}">${escapeHtml(task)}</th></tr>`);
    }
    const label = rowLabel(first);
    const tds = result.checks.map((check, c) => {
      const i = index.get(`${key}\u0000${check}`);
      if (i === undefined) return `<td class="ccell" data-agreement="none" data-col="${escapeHtml(check)}"></td>`;
      cells[`${r}:${c}`] = i;
      const cell = result.cells[i]!;
      const minis = cell.statuses.map((s, t) => `<span class="mini" data-status="${s}">${t + 1}</span>`).join('');
      const title = `${label} · ${check}: ${cell.statuses.map((s, t) => `${result.targets[t]!.label} ${s}`).join(', ')}`;
      return `<td class="ccell" data-agreement="${cell.agreement}" data-col="${escapeHtml(check)}" data-cell="${r}:${c}" tabindex="0" role="button" title="${escapeHtml(title)}">${minis}</td>`;
    });
    body.push(`<tr class="row" data-task="${escapeHtml(first.task)}" data-model="${escapeHtml(label.toLowerCase())}"><th class="row-head mono">${escapeHtml(label)}</th>${tds.join('')}</tr>`);
  });
  return { html: `<div class="matrix-wrap"><table class="matrix" id="matrix"><thead>${head}</thead><tbody>${body.join('\n')}</tbody></table></div>`, cells };
}

const CSS = `
td.ccell { padding: 1px 3px; border: 1px solid var(--bg); white-space: nowrap; text-align: center; cursor: pointer; }
td.ccell[data-agreement="differs"] { outline: 2px solid var(--fail); outline-offset: -2px; }
td.ccell[data-agreement="none"] { cursor: default; }
.mini { display: inline-block; width: 14px; height: 16px; margin: 0 1px; border-radius: 3px; font-size: 9px; line-height: 16px; color: transparent; }
.mini[data-status="passed"] { background: var(--pass); } .mini[data-status="failed"] { background: var(--fail); } .mini[data-status="warning"] { background: var(--warn); }
.mini[data-status="skipped"] { background: var(--skip-bg); border: 1px solid var(--skip); } .mini[data-status="none"] { background: transparent; border: 1px dashed var(--line); }
td.ccell:focus-visible .mini, td.ccell:hover .mini { color: var(--bg); }
`;

const SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('wai-data').textContent);
  function $(s) { return document.querySelector(s); }
  function $$(s, root) { return Array.prototype.slice.call((root || document).querySelectorAll(s)); }
  var fShow = $('#f-show'), fTask = $('#f-task'), fCheck = $('#f-check'), fModel = $('#f-model'), fCount = $('#f-count');
  var rows = $$('#matrix tr.row');
  function apply() {
    var show = fShow.value, task = fTask.value, check = fCheck.value, text = fModel.value.trim().toLowerCase();
    $$('#matrix [data-col]').forEach(function (n) { n.hidden = check !== '' && n.getAttribute('data-col') !== check; });
    var shown = 0, tasks = {};
    rows.forEach(function (row) {
      var ok = (task === '' || row.getAttribute('data-task') === task) && (text === '' || row.getAttribute('data-model').indexOf(text) !== -1);
      var cells = $$('td.ccell', row).filter(function (c) { return !c.hidden; });
      var wanted = function (c) { var a = c.getAttribute('data-agreement'); return show === 'all' ? a !== 'none' : show === 'differs' ? a === 'differs' : a === 'differs' || a === 'coverage'; };
      cells.forEach(function (c) { c.classList.toggle('dim', !wanted(c) && c.getAttribute('data-agreement') !== 'none'); });
      if (ok) ok = cells.some(wanted);
      row.hidden = !ok;
      if (ok) { shown++; tasks[row.getAttribute('data-task')] = true; }
    });
    $$('#matrix tr.group').forEach(function (g) { g.hidden = !tasks[g.getAttribute('data-task')]; });
    fCount.textContent = shown + ' of ' + rows.length + ' rows';
  }
  [fShow, fTask, fCheck].forEach(function (f) { f.addEventListener('change', apply); });
  fModel.addEventListener('input', apply);
  var dialog = $('#detail');
  function open(td) {
    var i = data.cells[td.getAttribute('data-cell')];
    if (i === undefined) return;
    var cell = data.result.cells[i];
    $('#detail-title').textContent = (cell.model || 'API (' + cell.task + ')') + ' · ' + cell.check + ' · ' + data.agreementText[cell.agreement];
    var list = $('#detail-body');
    list.replaceChildren();
    cell.statuses.forEach(function (s, t) {
      var item = document.createElement('section');
      var h = document.createElement('h3');
      var badge = document.createElement('span');
      badge.className = 'badge ' + s; badge.textContent = s === 'none' ? 'not run' : s;
      h.append(badge, ' ' + (t + 1) + '. ' + data.result.targets[t].label);
      item.append(h);
      if (cell.messages[t]) { var p = document.createElement('p'); p.textContent = cell.messages[t]; item.append(p); }
      if (cell.reproduce[t]) { var code = document.createElement('pre'); code.textContent = cell.reproduce[t]; item.append(code); }
      list.append(item);
    });
    if (!dialog.open) dialog.showModal();
  }
  $('#detail-close').addEventListener('click', function () { dialog.close(); });
  dialog.addEventListener('click', function (e) { if (e.target === dialog) dialog.close(); });
  var matrix = $('#matrix');
  if (matrix) {
    matrix.addEventListener('click', function (e) { var td = e.target.closest('td.ccell'); if (td) open(td); });
    matrix.addEventListener('keydown', function (e) { var td = e.target.closest('td.ccell'); if (td && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); open(td); } });
  }
  apply();
})();
`;

/**
 * Renders a comparison as one self-contained HTML page: each target's score, conformance per
 * task, and a model × check matrix with one square per target (numbered as in the scores table),
 * cells whose verdicts differ outlined; filters by agreement, task, check and model.
 */
export function renderComparisonHtml(result: ComparisonResult): string {
  const { html, cells } = matrix(result);
  const options = (values: readonly string[]) => values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`).join('');
  const headline = result.differing ? `${result.differing} model × check cells differ` : 'no verdict differs';
  const body = `<header><h1>Workers AI conformance: ${result.targets.length} targets compared <span class="badge ${result.differing ? 'failed' : 'passed'}">${escapeHtml(headline)}</span></h1>
<p class="muted">${result.cells.length} model × check cells, ${result.coverageGaps} judged by some targets only.</p></header>
<nav class="filters" aria-label="Filters">
<label>Show <select id="f-show"><option value="differs">verdicts differ</option><option value="gaps">differ or judged by some only</option><option value="all">all cells</option></select></label>
<label>Task <select id="f-task"><option value="">all tasks</option>${options(result.tasks)}</select></label>
<label>Check <select id="f-check"><option value="">all checks</option>${options(result.checks)}</select></label>
<label>Model <input id="f-model" type="search" placeholder="filter by id" size="28"></label>
<span id="f-count" class="muted" aria-live="polite"></span>
</nav>
<main>
<section><h2>Scores</h2>${scores(result)}</section>
<section><h2>Conformance by task</h2>${byTask(result)}</section>
<section><h2>Side by side</h2><p class="muted">One square per target, in the order of the scores table: green passed, red failed, amber warning (the rule rests on documentation alone), grey skipped, dashed not run. Outlined: the verdicts differ. Click a cell for each target's first failure and its reproduce command.</p>${html}</section>
</main>
<dialog id="detail" aria-labelledby="detail-title"><div class="detail-head"><h2 id="detail-title"></h2><button type="button" id="detail-close">Close</button></div><div id="detail-body"></div></dialog>`;
  return htmlPage({
    title: `Workers AI conformance: ${result.targets.map((t) => t.label).join(' vs ')}`,
    css: CSS,
    body,
    data: { result, cells, agreementText: AGREEMENT_TEXT },
    script: SCRIPT,
  });
}
