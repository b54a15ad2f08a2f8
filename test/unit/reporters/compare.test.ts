import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../../src/harness/report.js';
import { compareCommand } from '../../../src/cli/commands/compare.js';
import type { Io } from '../../../src/cli/output.js';
import { UsageError } from '../../../src/cli/usage-error.js';
import { main } from '../../../src/cli/main.js';
import { compareReports, renderComparisonHtml, renderComparisonJson, renderComparisonMarkdown } from '../../../reporters/compare.js';
import { REPORT_FAULTS, realReport, syntheticReport, warningReport } from './reports.js';

const dir = mkdtempSync(join(tmpdir(), 'wai-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), stdin: async () => Buffer.alloc(0), stdout: () => out, stderr: () => err };
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** Model × check cells of a report with their worst verdict, computed independently of the reporter. */
function verdicts(report: ConformanceReport): Map<string, string> {
  const rank = { skipped: 0, passed: 1, failed: 2 } as const;
  const cells = new Map<string, keyof typeof rank>();
  for (const r of report.results) {
    const key = `${r.model ?? `(${r.task})`} ${r.check}`;
    const seen = cells.get(key);
    if (!seen || rank[r.status] > rank[seen]) cells.set(key, r.status);
  }
  return cells;
}

describe('compareReports', () => {
  it('places a clean and a faulty emulator run side by side: the differing cells and a score per target', async () => {
    const [clean, faulty] = await Promise.all([realReport(), realReport(REPORT_FAULTS)]);
    const result = compareReports([clean, faulty], ['clean', 'faulty']);
    const a = verdicts(clean);
    const b = verdicts(faulty);
    const expectedDiffer = [...a].filter(([key, s]) => (s === 'passed' && b.get(key) === 'failed') || (s === 'failed' && b.get(key) === 'passed')).map(([key]) => key);
    expect(expectedDiffer.length).toBeGreaterThan(0);
    const differing = result.cells.filter((c) => c.agreement === 'differs');
    expect(differing.map((c) => `${c.model ?? `(${c.task})`} ${c.check}`).sort()).toEqual(expectedDiffer.sort());
    expect(result.differing).toBe(expectedDiffer.length);
    expect(result.cells).toHaveLength(new Set([...a.keys(), ...b.keys()]).size);
    for (const cell of differing) {
      const failedAt = cell.statuses.indexOf('failed');
      expect(cell.messages[failedAt]).toEqual(expect.any(String));
      expect(cell.reproduce[failedAt]).toMatch(/^wai-conformance run /);
    }
    const score = (cells: Map<string, string>) => [...cells.values()].filter((s) => s === 'passed').length / [...cells.values()].filter((s) => s !== 'skipped').length;
    expect(result.targets.map((t) => t.label)).toEqual(['clean', 'faulty']);
    expect(result.targets[0]!.score).toBeCloseTo(score(a), 10);
    expect(result.targets[1]!.score).toBeCloseTo(score(b), 10);
    expect(result.targets[1]!.score!).toBeLessThan(result.targets[0]!.score!);
    const semantics = differing.find((c) => c.check === 'output.semantics' && c.model === '@cf/huggingface/distilbert-sst-2-int8');
    expect(semantics?.statuses).toEqual(['passed', 'failed']);
  });

  it('marks cells only some targets judged as coverage gaps, and scores the common cells separately', () => {
    const full = syntheticReport();
    const partial = syntheticReport({ results: full.results.filter((r) => r.model !== '@cf/test/painter') });
    const result = compareReports([full, partial]);
    expect(result.targets.map((t) => t.label)).toEqual(['url 127.0.0.1:9', 'url 127.0.0.1:9 #2']);
    const painter = result.cells.filter((c) => c.model === '@cf/test/painter');
    expect(painter.map((c) => c.agreement)).toEqual(['coverage']);
    expect(painter[0]!.statuses).toEqual(['failed', 'none']);
    expect(result.coverageGaps).toBe(1);
    expect(result.targets[1]!.cells.none).toBe(1);
    // Common cells exclude the painter's: both targets score the same there.
    expect(result.targets[0]!.commonScore).toBe(result.targets[1]!.commonScore);
    expect(result.targets[0]!.score).toBeLessThan(result.targets[1]!.score!);
  });

  it('renders Markdown with the scores and the differing cells, JSON that round-trips, and a self-contained page', async () => {
    const result = compareReports([await realReport(), await realReport(REPORT_FAULTS)], ['clean', 'faulty']);
    const markdown = renderComparisonMarkdown(result);
    expect(markdown).toContain(`${result.differing} model × check cells differ`);
    expect(markdown).toMatch(/\| \*\*clean\*\* \| emulator \|/);
    expect(markdown).toContain('### Where they differ');
    expect(markdown).toContain('| `@cf/huggingface/distilbert-sst-2-int8` | `output.semantics` | ✅ | ❌ ');
    expect(Buffer.byteLength(markdown)).toBeLessThan(64 * 1024);
    expect(JSON.parse(renderComparisonJson(result))).toEqual(JSON.parse(JSON.stringify(result)));
    const html = renderComparisonHtml(result);
    expect(html).toContain("default-src &apos;none&apos;");
    expect(html).not.toMatch(/\s(src|href)=["']?(https?:)?\/\//i);
  });

  it.skipIf(!existsSync('/usr/bin/chromium'))('draws the comparison page in Chromium: one square per target, differing cells outlined, no console error', async () => {
    const result = compareReports([await realReport(), await realReport(REPORT_FAULTS)], ['clean', 'faulty']);
    const path = file('comparison.html', renderComparisonHtml(result));
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`file://${path}`);
      expect(await page.locator('td.ccell[data-agreement="differs"]').count()).toBe(result.differing);
      expect(await page.locator('td.ccell[data-agreement="differs"] .mini').count()).toBe(result.differing * 2);
      // Default view: only rows with a differing cell.
      const rowsWithDifferences = new Set(result.cells.filter((c) => c.agreement === 'differs').map((c) => c.model ?? c.task));
      expect(await page.locator('#matrix tr.row:visible').count()).toBe(rowsWithDifferences.size);
      await page.locator('td.ccell[data-agreement="differs"]').first().click();
      expect(await page.locator('dialog#detail').textContent()).toMatch(/passed.*1\. clean.*failed.*2\. faulty/s);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('compareReports: warnings', () => {
  it('counts a warning cell apart, leaves it out of the score, and a warning against an error differs', () => {
    const result = compareReports([syntheticReport(), warningReport()], ['older', 'newer']);
    const painter = result.cells.find((c) => c.model === '@cf/test/painter')!;
    expect(painter.statuses).toEqual(['failed', 'warning']);
    expect(painter.agreement).toBe('differs');
    expect(result.targets[1]!.cells).toMatchObject({ failed: result.targets[0]!.cells.failed - 1, warning: 1 });
    const judged = (t: number) => result.targets[t]!.cells.passed / (result.targets[t]!.cells.passed + result.targets[t]!.cells.failed);
    expect(result.targets[1]!.score).toBe(judged(1));
    expect(result.targets[1]!.score).toBeGreaterThan(result.targets[0]!.score!);
    expect(renderComparisonMarkdown(result)).toContain('⚠️ image is 2×2');
  });
});

describe('wai-conformance compare', () => {
  it('prints the Markdown comparison without --out, writes the chosen formats with it', async () => {
    const a = file('clean.json', await realReport());
    const b = file('faulty.json', await realReport(REPORT_FAULTS));
    const printed = io();
    expect(await compareCommand([a, b], printed)).toBe(0);
    expect(printed.stdout()).toMatch(/^## Workers AI conformance: 2 targets compared, \d+ model × check cells differ/);
    expect(printed.stdout()).toContain('| **clean** |');

    const out = join(dir, 'out');
    const written = io();
    expect(await compareCommand([a, b, '--out', out, '--format', 'json,html'], written)).toBe(0);
    expect(written.stdout().trim().split('\n')).toEqual([join(out, 'comparison.json'), join(out, 'comparison.html')]);
    expect(existsSync(join(out, 'comparison.md'))).toBe(false);
    const json = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')) as { targets: { label: string }[] };
    expect(json.targets.map((t) => t.label)).toEqual(['clean', 'faulty']);
    expect(written.stderr()).toMatch(/^score: clean [\d.]+%, faulty [\d.]+%; \d+ model × check cells differ/);

    const labelled = io();
    expect(await compareCommand([a, b, '--label', 'prod', '--label', 'staging', '--format', 'json'], labelled)).toBe(0);
    expect((JSON.parse(labelled.stdout()) as { targets: { label: string }[] }).targets.map((t) => t.label)).toEqual(['prod', 'staging']);
  });

  it('rejects unreadable, non-JSON and invalid reports as usage errors (exit 2), naming the file and the schema errors', async () => {
    const good = file('good.json', syntheticReport());
    const missing = join(dir, 'missing.json');
    await expect(compareCommand([good, missing], io())).rejects.toThrow(new UsageError(`cannot read ${missing}: ENOENT`));
    const notJson = file('not-json.json', '{"tool":');
    await expect(compareCommand([good, notJson], io())).rejects.toThrow(/not-json\.json is not JSON/);
    const { seed: _seed, ...withoutSeed } = syntheticReport();
    const invalid = file('invalid.json', { ...withoutSeed, results: [{ ...syntheticReport().results[0], status: 'maybe' }] });
    const error = await compareCommand([good, invalid], io()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('invalid.json is not a conformance report');
    expect((error as Error).message).toContain('property "seed"');
    expect((error as Error).message).toContain('/results/0/status');
    await expect(compareCommand([good], io())).rejects.toThrow(/at least two reports/);
    await expect(compareCommand([good, good, '--format', 'pdf'], io())).rejects.toThrow(/unknown format "pdf"/);
    await expect(compareCommand([good, good, '--format', 'json,html'], io())).rejects.toThrow(/name one format/);
    await expect(compareCommand([good, good, '--label', 'only-one'], io())).rejects.toThrow(/1 labels for 2 reports/);
  });

  it('exits 2 through the CLI for an invalid report, 0 for valid ones', async () => {
    const good = file('cli-good.json', syntheticReport());
    const bad = file('cli-bad.json', { hello: 'world' });
    const failed = io();
    expect(await main(['compare', good, bad], failed)).toBe(2);
    expect(failed.stderr()).toContain('cli-bad.json is not a conformance report');
    expect(await main(['compare', good, good], io())).toBe(0);
  });
});
