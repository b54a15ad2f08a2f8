import { describe, expect, it } from 'vitest';
import type { ConformanceReport, ResultRecord } from '../../../src/harness/report.js';
import { summarise } from '../../../src/harness/report.js';
import { MARKDOWN_MAX_BYTES, renderMarkdown } from '../../../reporters/markdown.js';
import { REPORT_FAULTS, realReport, syntheticReport, warningReport } from './reports.js';

/** The rows of the task × check table: task → cells by check. */
function table(markdown: string): Map<string, Record<string, string>> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| Task |'));
  const header = lines[start]!.split('|').slice(1, -1).map((c) => c.trim());
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    rows.set(cells[0]!, Object.fromEntries(header.map((h, i) => [h, cells[i]!])));
  }
  return rows;
}

/** The Markdown with fenced blocks and code spans removed: what GitHub would parse as prose and HTML. */
function outsideCode(markdown: string): string {
  const withoutFences = markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
  return withoutFences.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');
}

describe('renderMarkdown', () => {
  it('states the pass rate and verdict, and tabulates task × check (real report)', async () => {
    const report = await realReport(REPORT_FAULTS);
    const markdown = renderMarkdown(report);
    const { passed, failed } = report.summary;
    expect(markdown).toMatch(new RegExp(`^## ❌ Workers AI conformance: ${failed} failed`));
    const rate = ((passed / (passed + failed)) * 100).toFixed(1);
    expect(markdown).toContain(`**Pass rate ${rate}%**: ${passed} of ${passed + failed} judged checks passed, ${failed} failed`);
    const rows = table(markdown);
    expect([...rows.keys()]).toEqual([...new Set(report.results.map((r) => r.task))]);
    const classification = rows.get('text-classification')!;
    const semantics = report.results.filter((r) => r.task === 'text-classification' && r.check === 'output.semantics');
    const failedSemantics = semantics.filter((r) => r.status === 'failed').length;
    expect(failedSemantics).toBeGreaterThan(0);
    expect(classification['output.semantics']).toBe(`❌ ${failedSemantics}/${semantics.filter((r) => r.status !== 'skipped').length}`);
    expect(rows.get('text-embeddings')!['status.success']).toMatch(/^✅ \d+$/);
  });

  it('shows the first failures with their reproduce commands', async () => {
    const report = await realReport(REPORT_FAULTS);
    const markdown = renderMarkdown(report);
    const first = report.results.find((r) => r.status === 'failed')!;
    expect(markdown).toContain(`\`\`\`sh\n${first.failures[0]!.reproduce}\n\`\`\``);
    for (const failed of report.results.filter((r) => r.status === 'failed')) expect(markdown).toContain(failed.failures[0]!.reproduce);
  });

  it('says a conformant run is conformant', async () => {
    const report = await realReport();
    const markdown = renderMarkdown(report);
    if (report.summary.failed === 0) expect(markdown).toMatch(/^## ✅ Workers AI conformance: conformant/);
    expect(markdown).toContain('### Results by task and check');
  });

  it('stays under the size bound however many failures there are', () => {
    const base = syntheticReport();
    const template = base.results[0]!;
    const results: ResultRecord[] = Array.from({ length: 3000 }, (_, i) => ({ ...template, model: `@cf/test/model-${i}`, failures: template.failures.map((f) => ({ ...f, message: `${f.message} ${'x'.repeat(400)}` })) }));
    const report: ConformanceReport = { ...base, results, summary: summarise(results, 6000) };
    const markdown = renderMarkdown(report);
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MARKDOWN_MAX_BYTES);
    expect(markdown).toMatch(/…and \d+ more failed results/);
    expect(markdown).toContain('### Results by task and check');
  });

  it('leaves no raw markup outside code, and keeps code spans and fences intact', () => {
    const markdown = renderMarkdown(syntheticReport());
    const prose = outsideCode(markdown);
    expect(prose).not.toMatch(/<(?!\/?(details|summary|sub)>)/);
    expect(markdown).toContain('`@cf/test/<b>bold</b>`');
    // The binary body is described, never inlined.
    expect(markdown).toContain(`sha256 ${'a'.repeat(64)}`);
    // Every fence opened is closed.
    const fences = markdown.split('\n').filter((l) => /^`{3,}/.test(l));
    expect(fences.length % 2).toBe(0);
  });

  it('warns about an incomplete run', () => {
    const markdown = renderMarkdown(syntheticReport({ complete: false, incompleteReason: 'target unreachable' }));
    expect(markdown).toContain('**⚠️ Incomplete run:** target unreachable');
  });
});

describe('renderMarkdown: warnings', () => {
  it('shows warnings in their own section, not among the failures, and the table marks them ⚠️', () => {
    const markdown = renderMarkdown(warningReport());
    expect(markdown).toMatch(/^## ❌ Workers AI conformance: 2 failed and 1 warning$/m);
    const [beforeWarnings, warningsPart] = markdown.split('### Warnings: 1 results');
    expect(warningsPart).toBeDefined();
    expect(warningsPart).toContain('image is 2×2, expected 512×512');
    expect(warningsPart).toContain('`run --strict` counts them');
    expect(beforeWarnings).not.toContain('image is 2×2');
    expect(table(markdown).get('text-to-image')!['output.semantics']).toBe('⚠️ 1/1');
  });

  it('a run with only warnings is conformant (with warnings); under --strict it is not', () => {
    const onlyWarning = (strict: boolean) => {
      const report = warningReport(strict);
      const results = report.results.filter((r) => r.status !== 'failed' || r.severity === 'warning');
      return { ...report, results, summary: summarise(results, 1) };
    };
    expect(renderMarkdown(onlyWarning(false))).toMatch(/^## ✅ Workers AI conformance: conformant \(1 warning\)$/m);
    expect(renderMarkdown(onlyWarning(true))).toMatch(/^## ❌ Workers AI conformance: 0 failed and 1 warning \(--strict\)$/m);
  });
});
