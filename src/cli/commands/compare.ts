/** @module `wai-conformance compare`: targets side by side from their conformance.json reports (Markdown, HTML, JSON). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { compareReports, renderComparisonHtml, renderComparisonJson, renderComparisonMarkdown, type ComparisonResult } from '../../../reporters/compare.js';
import { formatRate } from '../../../reporters/_internals/matrix.js';
import { validateReport } from '../../../reporters/report-schema.js';
import type { ConformanceReport } from '../../harness/report.js';
import { EXIT, UsageError } from '../usage-error.js';
import type { Io } from '../output.js';

export const COMPARE_USAGE = `wai-conformance compare A.json B.json ... [--out DIR] [--format markdown,html,json] [--label NAME ...]
  Place targets side by side per model × check from their reports (reports/conformance.json):
  where each conforms, where they differ, and a conformance score per target.
  --out DIR      write comparison.md, comparison.html and comparison.json (those --format selects) into DIR;
                 without it, print the comparison to standard output (Markdown unless --format names one other format)
  --format LIST  comma-separated: markdown, html, json (default: all with --out, markdown without)
  --label NAME   name the targets, once per report in order (default: the report file names)
  Exit 0 compared, 2 usage error or a report that cannot be read or is not a conformance report.`;

const FORMATS = { markdown: 'comparison.md', html: 'comparison.html', json: 'comparison.json' } as const;
type Format = keyof typeof FORMATS;

const RENDER: Record<Format, (result: ComparisonResult) => string> = {
  markdown: renderComparisonMarkdown,
  html: renderComparisonHtml,
  json: renderComparisonJson,
};

/** Reads and validates one report; every problem is a usage error (exit 2) that names the file. */
function readReport(file: string): ConformanceReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new UsageError(`${file} is not JSON: ${(cause as Error).message}`);
  }
  const errors = validateReport(data);
  if (errors.length) {
    const shown = errors.slice(0, 10).map((e) => `  ${e}`);
    if (errors.length > shown.length) shown.push(`  …and ${errors.length - shown.length} more`);
    throw new UsageError(`${file} is not a conformance report (reporters/conformance-report.schema.json):\n${shown.join('\n')}`);
  }
  return data as ConformanceReport;
}

/** File names without `.json`; the parent directory joins in when names repeat (`a/conformance`, `b/conformance`). */
function labelsOf(files: readonly string[]): string[] {
  const names = files.map((f) => basename(f).replace(/\.json$/i, ''));
  if (new Set(names).size === names.length) return names;
  return files.map((f, i) => `${basename(dirname(f))}/${names[i]}`);
}

function parseFormats(value: string | undefined, out: string | undefined): Format[] {
  if (value === undefined) return out === undefined ? ['markdown'] : (Object.keys(FORMATS) as Format[]);
  const formats = value.split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of formats) if (!(f in FORMATS)) throw new UsageError(`--format: unknown format "${f}" (one of ${Object.keys(FORMATS).join(', ')})`);
  if (formats.length === 0) throw new UsageError('--format: name at least one format');
  if (out === undefined && formats.length > 1) throw new UsageError('--format: name one format when printing to standard output, or give --out DIR');
  return [...new Set(formats)] as Format[];
}

/** Runs `wai-conformance compare`; resolves to the exit code. */
export async function compareCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string' },
      format: { type: 'string' },
      label: { type: 'string', multiple: true },
    },
  });
  if (positionals.length < 2) throw new UsageError(`compare needs at least two reports, got ${positionals.length}`);
  const labels = values.label ?? labelsOf(positionals);
  if (labels.length !== positionals.length) throw new UsageError(`--label: ${labels.length} labels for ${positionals.length} reports`);
  const formats = parseFormats(values.format, values.out);
  const reports = positionals.map(readReport);
  const result = compareReports(reports, labels);
  if (values.out === undefined) {
    io.out(RENDER[formats[0]!](result));
    return EXIT.ok;
  }
  try {
    mkdirSync(values.out, { recursive: true });
    for (const format of formats) {
      const path = join(values.out, FORMATS[format]);
      writeFileSync(path, RENDER[format](result));
      io.out(`${path}\n`);
    }
  } catch (cause) {
    throw new UsageError(`cannot write to ${values.out}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`);
  }
  io.err(`score: ${result.targets.map((t) => `${t.label} ${formatRate(t.score)}`).join(', ')}; ${result.differing} model × check cells differ\n`);
  return EXIT.ok;
}
