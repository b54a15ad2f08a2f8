/** @module Writes every selected report file for one ConformanceReport, and the GitHub step summary. */
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReporterName } from '../src/harness/options.js';
import type { ConformanceReport } from '../src/harness/report.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';

/** File name of each reporter's output. */
export const REPORT_FILES: Record<ReporterName, string> = {
  json: 'conformance.json',
  junit: 'junit.xml',
  markdown: 'summary.md',
  html: 'report.html',
};

const RENDERERS: Record<ReporterName, (report: ConformanceReport) => string> = {
  json: renderJson,
  junit: renderJunit,
  markdown: renderMarkdown,
  html: renderHtml,
};

/**
 * Writes the selected reports into `dir` (each atomically: a reader never sees half a file) and
 * appends the Markdown summary to `$GITHUB_STEP_SUMMARY` when set. Returns the paths written.
 */
export function writeReports(report: ConformanceReport, dir: string, reporters: readonly ReporterName[], env: NodeJS.ProcessEnv = process.env): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const name of reporters) {
    const path = join(dir, REPORT_FILES[name]);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, RENDERERS[name](report));
    renameSync(temporary, path);
    written.push(path);
  }
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${renderMarkdown(report)}\n`);
  return written;
}
