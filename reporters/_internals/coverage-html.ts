/** @module The coverage part of report.html: a model × facet heat map whose cells open to the uncovered JSON pointers. */
import { COVERAGE_FACETS, type CoverageFacet, type CoverageReport, type FacetCoverage } from '../../src/harness/coverage.js';
import { escapeHtml } from './escape.js';
import { formatCoverage } from './coverage-table.js';

const FACET_TITLES: Record<CoverageFacet, string> = {
  input: 'input schema: optional properties sent, enum values, branches, bounds, array sizes',
  output: 'output schema: optional properties and branches seen in successful answers',
  invalid: 'rules broken by invalid inputs (and whether the target refused them)',
  statuses: 'documented statuses of POST /ai/run/{model} answered',
  checks: 'planned checks that judged something',
};

function cell(facet: FacetCoverage | undefined, model: number, name: CoverageFacet): string {
  if (!facet) return `<td class="cov-cell" data-status="none" title="not planned in this run">—</td>`;
  const percent = facet.total === 0 ? 100 : (facet.covered / facet.total) * 100;
  const title = `${facet.covered} of ${facet.total} covered${facet.uncovered.length ? `; ${facet.uncovered.length} uncovered: click for the JSON pointers` : ''}`;
  return `<td class="cov-cell" data-model="${model}" data-facet="${name}" tabindex="0" role="button" style="--cov:${percent.toFixed(1)}%" title="${escapeHtml(title)}">${facet.total === 0 ? 'n/a' : escapeHtml(formatCoverage({ ...facet, percent: Math.round(percent * 10) / 10 }))}</td>`;
}

/** The heat map section (empty when the report has no coverage). */
export function coverageSection(coverage: CoverageReport | undefined): string {
  if (!coverage) return '';
  const head = `<tr><th class="row-head" scope="col">Model</th>${COVERAGE_FACETS.map((f) => `<th scope="col" title="${escapeHtml(FACET_TITLES[f])}">${f}</th>`).join('')}</tr>`;
  const total = `<tr class="cov-total"><th class="row-head" scope="row">all models</th>${COVERAGE_FACETS.map((f) => `<td class="mono">${escapeHtml(formatCoverage(coverage.summary[f]))}</td>`).join('')}</tr>`;
  const rows = coverage.models.map(
    (m, i) => `<tr class="cov-row" data-task="${escapeHtml(m.task)}" data-model="${escapeHtml(m.model.toLowerCase())}"><th class="row-head mono" scope="row" title="${escapeHtml(m.task)}">${escapeHtml(m.model)}</th>${COVERAGE_FACETS.map((f) => cell(m[f], i, f)).join('')}</tr>`,
  );
  const operations = coverage.operations
    .map((o) => `<tr><td class="mono">${escapeHtml(o.operation)}</td><td class="mono">${o.documented.map((s) => `<span class="${o.seen.includes(s) ? 'seen' : 'unseen'}">${s}</span>`).join(' ')}</td></tr>`)
    .join('');
  return `<section id="coverage-section"><h2>Coverage: ${escapeHtml(formatCoverage(coverage.summary.total))} of ${coverage.summary.total.total} contract items</h2>
<p class="muted">What the run exercised of the contract, from the requests it sent and the answers it judged. Click a cell for the exact uncovered schema locations (JSON pointers into the model's schema as <code>models/schema</code> serves it, or into openapi.yaml).</p>
<div class="matrix-wrap"><table class="matrix" id="coverage"><thead>${head}</thead><tbody>${total}\n${rows.join('\n')}</tbody></table></div>
<h3>Statuses per operation</h3><table class="plain" id="coverage-operations"><tr><th>operation</th><th>documented statuses (answered in bold)</th></tr>${operations}</table></section>`;
}

/** Styles of the heat map: red (nothing covered) to green (everything). */
export const COVERAGE_CSS = `
td.cov-cell { min-width: 64px; text-align: right; padding: 1px 6px; border: 1px solid var(--bg); border-radius: 4px; cursor: pointer;
  background: color-mix(in srgb, var(--pass-bg) var(--cov), var(--fail-bg)); font-variant-numeric: tabular-nums; }
td.cov-cell[data-status="none"] { background: var(--skip-bg); color: var(--skip); cursor: default; text-align: center; }
td.cov-cell:focus-visible { outline: 2px solid var(--accent); }
tr.cov-total td { text-align: right; font-weight: 600; padding: 1px 6px; }
#coverage-operations .seen { font-weight: 700; color: var(--pass); } #coverage-operations .unseen { color: var(--muted); }
ul.uncovered { list-style: none; padding: 0; margin: 4px 0; } ul.uncovered li { padding: 1px 0; } ul.uncovered .kind { display: inline-block; min-width: 110px; color: var(--muted); }
`;

/** The page script's part for the heat map: a cell opens the dialog with its uncovered items (text only). */
export const COVERAGE_SCRIPT = String.raw`
  /* ---- coverage heat map ---- */
  function openCoverage(cell) {
    var coverage = report.coverage;
    var model = coverage && coverage.models[Number(cell.getAttribute('data-model'))];
    var name = cell.getAttribute('data-facet');
    var facet = model && model[name];
    if (!facet) return;
    $('#detail-title').textContent = model.model + ' · ' + name + ' coverage · ' + facet.covered + ' of ' + facet.total;
    var items = facet.uncovered.map(function (item) {
      return el('li', { class: 'uncovered-item' }, el('span', { class: 'kind', text: item.kind }), ' ',
        item.pointer !== undefined ? el('code', { class: 'pointer', text: item.pointer || '(root)' }) : null,
        item.check ? el('code', { text: item.check }) : null, item.reason ? el('span', { class: 'muted', text: ' ' + item.reason }) : null);
    });
    $('#detail-body').replaceChildren(
      el('p', { class: 'muted', text: 'Task ' + model.task + '. ' + (items.length ? items.length + ' not covered:' : 'Everything covered.') }),
      items.length ? el('ul', { class: 'uncovered' }, ...items) : null,
      facet.accepted && facet.accepted.length ? el('p', { class: 'badge failed', text: 'Invalid inputs the target accepted (rules): ' + facet.accepted.join(', ') }) : null);
    if (!dialog.open) dialog.showModal();
    dialog.scrollTop = 0;
  }
  var heatMap = $('#coverage');
  if (heatMap) {
    heatMap.addEventListener('click', function (event) {
      var cell = event.target.closest('td.cov-cell[data-facet]');
      if (cell) openCoverage(cell);
    });
    heatMap.addEventListener('keydown', function (event) {
      var cell = event.target.closest('td.cov-cell[data-facet]');
      if (cell && (event.key === 'Enter' || event.key === ' ')) { event.preventDefault(); openCoverage(cell); }
    });
  }
`;
