import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../../src/harness/report.js';
import { buildMatrix } from '../../../reporters/_internals/matrix.js';
import { renderHtml } from '../../../reporters/html.js';
import { HOSTILE, MEDIA, REPORT_FAULTS, realReport, syntheticReport, warningReport } from './reports.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts');
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const rowKeys = (report: ConformanceReport) => new Set(report.results.map((r) => r.model ?? `(${r.task})`));
const checks = (report: ConformanceReport) => new Set(report.results.map((r) => r.check));

/** The JSON embedded in the page, parsed back. */
function embedded(html: string): { report: ConformanceReport } {
  const match = /<script type="application\/json" id="wai-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(match![1]!) as { report: ConformanceReport };
}

describe('renderHtml (markup)', () => {
  it('is one self-contained document: CSP without network, no external reference', () => {
    const html = renderHtml(syntheticReport());
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`content="default-src &apos;none&apos;;`);
    expect(html).not.toMatch(/\s(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
  });

  it('escapes report text everywhere and embeds the report as JSON that cannot end its script element', () => {
    const report = syntheticReport();
    const html = renderHtml(report);
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toContain('<script>alert');
    // Only the page's own two scripts end with </script>.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(embedded(html).report).toEqual(JSON.parse(JSON.stringify(report)));
    expect(HOSTILE).toContain('</script>');
  });
});

describe.skipIf(!existsSync(CHROMIUM))(`renderHtml in headless Chromium (${existsSync(CHROMIUM) ? CHROMIUM : `skipped: ${CHROMIUM} is not installed; .ci/run must install Debian's chromium`})`, () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'wai-html-'));

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a rendered report from a file, recording console errors, page errors, alerts and every request. */
  async function open(report: ConformanceReport, name: string): Promise<{ page: Page; problems: string[]; requests: string[]; file: string }> {
    const file = join(dir, name);
    writeFileSync(file, renderHtml(report));
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog opened: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, problems, requests, file };
  }

  it('loads without console errors or requests, draws models × checks cells, filters, and opens a failure (real report)', async () => {
    const report = await realReport(REPORT_FAULTS);
    const { page, problems, requests, file } = await open(report, 'report.html');
    try {
      expect(await page.locator('td.cell').count()).toBe(rowKeys(report).size * checks(report).size);
      expect(await page.locator('#matrix tr.row').count()).toBe(rowKeys(report).size);
      expect(await page.locator('#verdict').textContent()).toBe(`${report.summary.failed} failed`);

      // Status filter: only rows with a failed cell stay; every passed-only row is hidden.
      const failedRows = new Set(report.results.filter((r) => r.status === 'failed').map((r) => r.model ?? `(${r.task})`));
      await page.selectOption('#f-status', 'failed');
      const visible = page.locator('#matrix tr.row:visible');
      expect(await visible.count()).toBe(failedRows.size);
      expect(await page.locator('#matrix tr.row:visible:not(:has(td.cell[data-status="failed"]))').count()).toBe(0);
      expect(await page.locator('#matrix tr.row[hidden]').count()).toBe(rowKeys(report).size - failedRows.size);

      // Task filter on top: only that task's rows.
      await page.selectOption('#f-status', '');
      await page.selectOption('#f-task', 'text-embeddings');
      const embeddings = new Set(report.results.filter((r) => r.task === 'text-embeddings').map((r) => r.model));
      expect(await page.locator('#matrix tr.row:visible').count()).toBe(embeddings.size);
      expect(await page.locator('.lat-row[data-row]:visible').count()).toBeLessThanOrEqual(embeddings.size);

      // Check filter hides the other columns.
      await page.selectOption('#f-task', '');
      await page.selectOption('#f-check', 'output.semantics');
      expect(await page.locator('#matrix tr.row:visible').first().locator('td.cell:visible').count()).toBe(1);
      await page.selectOption('#f-check', '');

      // A failed cell opens its failures with request, response and reproduce command.
      await page.selectOption('#f-status', 'failed');
      const cell = page.locator('td.cell[data-status="failed"]').first();
      const [r, c] = (await cell.getAttribute('data-cell'))!.split(':').map(Number);
      await cell.click();
      const dialog = page.locator('dialog#detail');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      const matrix = buildMatrix(report.results);
      const result = matrix.cells[r!]![c!]!.results.map((i) => report.results[i]!).find((x) => x.status === 'failed')!;
      expect(await dialog.locator('#detail-title').textContent()).toBe(`${matrix.rows[r!]!.model ?? `API (${matrix.rows[r!]!.task})`} · ${matrix.checks[c!]} · failed`);
      const failure = result.failures[0]!;
      const text = (await dialog.textContent())!;
      expect(text).toContain(failure.message);
      expect(text).toContain(failure.reproduce);
      expect(text).toContain(`${failure.request.method} ${failure.request.url}`);
      expect(text).toContain('Request');
      expect(text).toContain('Response');
      if (failure.response) expect(text).toContain(`HTTP ${failure.response.status}`);
      expect(await dialog.locator('details.failure[open] .request pre').first().isVisible()).toBe(true);
      expect(await dialog.locator('details.failure[open] .response').first().isVisible()).toBe(true);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'report.png') });
      writeFileSync(join(ARTIFACTS, 'report.html'), renderHtml(report));
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);

      expect(problems).toEqual([]);
      expect(requests.filter((u) => u !== pathToFileURL(file).href && !u.startsWith('data:'))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows warnings apart: their own cell status, filter, section and dialog badge', async () => {
    const { page, problems } = await open(warningReport(), 'warnings.html');
    try {
      expect(await page.locator('#verdict').textContent()).toBe('2 failed · 1 warning');
      const section = page.locator('#warnings-section');
      expect(await section.isVisible()).toBe(true);
      expect(await section.locator('tbody tr').count()).toBe(1);
      expect(await section.textContent()).toContain('image is 2×2, expected 512×512');
      expect(await section.textContent()).toContain('run --strict counts them');
      await page.selectOption('#f-status', 'warning');
      expect(await page.locator('#matrix tr.row:visible').count()).toBe(1);
      const cell = page.locator('#matrix tr.row:visible td.cell[data-status="warning"]');
      expect(await cell.textContent()).toBe('⚠');
      await cell.click();
      const dialog = page.locator('dialog#detail');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await dialog.locator('.result .badge').first().textContent()).toBe('warning');
      expect(await dialog.textContent()).toContain('only run --strict counts it');
      await page.keyboard.press('Escape');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('loads an empty, incomplete report without errors', async () => {
    const report = syntheticReport({ results: [], complete: false, incompleteReason: 'target unreachable', summary: { checks: 0, passed: 0, failed: 0, skipped: 0, requests: 0 } });
    const { page, problems } = await open(report, 'empty.html');
    try {
      expect(await page.locator('td.cell').count()).toBe(0);
      expect(await page.locator('header').textContent()).toContain('Incomplete run: target unreachable');
      await page.selectOption('#f-status', 'failed');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('runs no report text as markup, previews base64 media from JSON bodies, describes binary bodies', async () => {
    const { page, problems } = await open(syntheticReport(), 'synthetic.html');
    try {
      expect(await page.locator('td.cell').count()).toBe(4 * 6);
      await page.locator('#matrix tr.row', { hasText: '@cf/test/<b>bold</b>' }).locator('td.cell[data-status="failed"]').click();
      const dialog = page.locator('dialog#detail');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await dialog.locator('b, script:not([type])').count()).toBe(0);
      expect(await dialog.textContent()).toContain('<script>alert("x")</script>');
      expect(await dialog.textContent()).toContain('No response: timeout: no answer within 30000 ms');
      expect(await dialog.textContent()).toContain('Truncated:');
      await page.keyboard.press('Escape');

      await page.locator('#matrix tr.row', { hasText: '@cf/test/painter' }).locator('td.cell[data-status="failed"]').click();
      await expect.poll(() => dialog.isVisible()).toBe(true);
      const image = dialog.locator('.media img');
      expect(await image.getAttribute('src')).toBe(`data:image/png;base64,${MEDIA.png}`);
      await expect.poll(() => image.evaluate((img) => {
        const loaded = img as unknown as { complete: boolean; naturalWidth: number };
        return loaded.complete && loaded.naturalWidth;
      })).toBe(2);
      expect(await dialog.locator('.media audio').getAttribute('src')).toBe(`data:audio/wav;base64,${MEDIA.wav}`);
      await page.keyboard.press('Escape');

      await page.locator('#matrix tr.row', { hasText: '@cf/test/speech' }).locator('td.cell[data-status="failed"]').click();
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await dialog.textContent()).toContain(`Binary body: 2400 bytes of audio/mpeg, sha256 ${'a'.repeat(64)}`);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
