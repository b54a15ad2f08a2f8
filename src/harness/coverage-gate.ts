/** @module `run --min-coverage`: thresholds parsed from the flag, and the facets a report's coverage leaves below them. */
import { COVERAGE_FACETS, type CoverageGateName, type CoverageReport } from './coverage-types.js';

/** `--min-coverage`: thresholds in percent, by facet (or `total`). */
export type CoverageThresholds = Partial<Record<CoverageGateName, number>>;

const GATE_NAMES: readonly CoverageGateName[] = ['total', ...COVERAGE_FACETS];

/**
 * Parses `--min-coverage`: `N` (the total over every facet) or `FACET=N,...` (facets: total, input,
 * output, invalid, statuses, checks), each N a percentage from 0 to 100. Throws an Error naming
 * what is wrong.
 */
export function parseCoverageThresholds(text: string): CoverageThresholds {
  const thresholds: CoverageThresholds = {};
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new Error(`--min-coverage: empty entry in "${text}" (expected N or FACET=N,...)`);
  for (const part of parts) {
    const [name, value] = part.includes('=') ? part.split('=', 2).map((s) => s.trim()) : ['total', part];
    if (!(GATE_NAMES as readonly string[]).includes(name!)) throw new Error(`--min-coverage: unknown facet "${name}" (facets: ${GATE_NAMES.join(', ')})`);
    const n = Number(value);
    if (value === '' || !/^\d+(\.\d+)?$/.test(value!) || n > 100) throw new Error(`--min-coverage: ${name} must be a percentage from 0 to 100, not "${value}"`);
    if ((name as CoverageGateName) in thresholds) throw new Error(`--min-coverage: ${name} is given twice`);
    thresholds[name as CoverageGateName] = n;
  }
  return thresholds;
}

/** One facet below its threshold, with the message a user reads. */
export interface CoverageShortfall {
  facet: CoverageGateName;
  percent: number | null;
  threshold: number;
  message: string;
}

/** The facets a report's coverage leaves below the thresholds (none: the gate passes). A report without coverage fails every threshold. */
export function coverageShortfalls(coverage: CoverageReport | undefined, thresholds: CoverageThresholds): CoverageShortfall[] {
  const out: CoverageShortfall[] = [];
  for (const name of GATE_NAMES) {
    const threshold = thresholds[name];
    if (threshold === undefined) continue;
    const f = coverage?.summary[name];
    if (!f || f.percent === null) {
      out.push({ facet: name, percent: null, threshold, message: `coverage ${name}: nothing to cover in this run (0 items planned), below --min-coverage ${name}=${threshold}%` });
    } else if (f.percent < threshold) {
      out.push({ facet: name, percent: f.percent, threshold, message: `coverage ${name} is ${f.percent}% (${f.covered} of ${f.total} items), below --min-coverage ${name}=${threshold}%` });
    }
  }
  return out;
}
