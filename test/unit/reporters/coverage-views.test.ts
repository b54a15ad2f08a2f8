import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../reporters/html.js';
import { renderMarkdown } from '../../../reporters/markdown.js';
import { compareReports, renderComparisonHtml, renderComparisonMarkdown } from '../../../reporters/compare.js';
import { COVERAGE_FACETS, coverageByTask } from '../../../src/harness/coverage.js';
import { realReport, syntheticReport } from './reports.js';

const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('coverage in summary.md', () => {
  it('has one row per task with each facet, and the run-wide figures', async () => {
    const report = await realReport();
    const markdown = renderMarkdown(report);
    const tasks = coverageByTask(report.coverage!);
    expect(markdown).toContain(`### Coverage: ${report.coverage!.summary.total.percent!.toFixed(1)} % of ${report.coverage!.summary.total.total} contract items`);
    expect(markdown).toContain(`| Task | Models | ${COVERAGE_FACETS.join(' | ')} |`);
    for (const t of tasks) expect(markdown).toMatch(new RegExp(`^\\| ${t.task} \\| ${t.models} \\| `, 'm'));
    expect(markdown).toMatch(/^\| \*\*all\*\* \| 5 \| /m);
  });

  it('is left out for a report written before coverage existed', () => {
    expect(renderMarkdown(syntheticReport())).not.toContain('### Coverage');
    expect(renderHtml(syntheticReport())).not.toContain('id="coverage"');
  });
});

describe('coverage in compare', () => {
  it('shows the coverage of each target beside its score, and — for a report written before coverage existed', async () => {
    const report = await realReport();
    const { coverage: _coverage, ...older } = report;
    const result = compareReports([report, older], ['now', 'older']);
    expect(result.targets[0]!.coverage).toEqual(report.coverage!.summary);
    expect(result.targets[1]!.coverage).toBeUndefined();
    const { total, input, output } = report.coverage!.summary;
    const text = `${total.percent!.toFixed(1)} % (input ${input.percent!.toFixed(1)} %, output ${output.percent!.toFixed(1)} %)`;
    const markdown = renderComparisonMarkdown(result);
    expect(markdown).toContain('| Score | Common score | Coverage |');
    expect(markdown).toMatch(new RegExp(`\\| \\*\\*now\\*\\* .*\\| ${text.replace(/[().%]/g, '\\$&')} \\|`));
    expect(markdown).toMatch(/\| \*\*older\*\* .*\| — \|/);
    expect(renderComparisonHtml(result)).toContain(`<td class="num coverage">${text}</td>`);
  });
});

describe.skipIf(!existsSync(CHROMIUM))('coverage heat map in report.html (headless Chromium)', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'wai-coverage-html-'));
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws a model × facet heat map whose cells open to the exact uncovered JSON pointers', async () => {
    const report = await realReport();
    const coverage = report.coverage!;
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(report));
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    try {
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      expect(await page.locator('#coverage tr.cov-row').count()).toBe(coverage.models.length);
      expect(await page.locator('#coverage td.cov-cell').count()).toBe(coverage.models.length * COVERAGE_FACETS.length);

      // The first model's input cell: its uncovered items, pointer by pointer.
      const index = coverage.models.findIndex((m) => (m.input?.uncovered.length ?? 0) > 0);
      const model = coverage.models[index]!;
      const cell = page.locator(`td.cov-cell[data-model="${index}"][data-facet="input"]`);
      expect(await cell.textContent()).toBe(`${model.input!.covered === model.input!.total ? '100.0' : ((model.input!.covered / model.input!.total) * 100).toFixed(1)} %`);
      await cell.click();
      const dialog = page.locator('dialog#detail');
      expect(await dialog.isVisible()).toBe(true);
      expect(await page.locator('#detail-title').textContent()).toBe(`${model.model} · input coverage · ${model.input!.covered} of ${model.input!.total}`);
      expect(await dialog.locator('li.uncovered-item code.pointer').allTextContents()).toEqual(model.input!.uncovered.map((i) => i.pointer || '(root)'));
      expect(await dialog.locator('li.uncovered-item .kind').allTextContents()).toEqual(model.input!.uncovered.map((i) => i.kind));
      await page.click('#detail-close');

      // A checks cell opens by keyboard and names each skipped check with its reason.
      const skipped = coverage.models.findIndex((m) => (m.checks?.uncovered.length ?? 0) > 0);
      if (skipped >= 0) {
        await page.locator(`td.cov-cell[data-model="${skipped}"][data-facet="checks"]`).focus();
        await page.keyboard.press('Enter');
        const first = coverage.models[skipped]!.checks!.uncovered[0]!;
        expect(await dialog.locator('li.uncovered-item').first().textContent()).toContain(`${first.check} ${first.reason}`);
      }
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
