/** @module The report's coverage section: built from execution samples and results, merged across shards, gated by `--min-coverage`. */
import type { Contract } from '../contract/contract.js';
import { RUN_OPERATION, modelSchemas, statusPointer, type CoverageSample, type InvalidVerdict } from './coverage-recorder.js';
import { itemKey } from './coverage-schema.js';
import type { ResultRecord } from './report.js';

/** The facets of coverage, in the order reports show them. */
export const COVERAGE_FACETS = ['input', 'output', 'invalid', 'statuses', 'checks'] as const;
export type CoverageFacet = (typeof COVERAGE_FACETS)[number];
/** What `--min-coverage` can name: a facet, or `total` (every item of every facet). */
export type CoverageGateName = CoverageFacet | 'total';

/**
 * One item a run did not cover. `pointer` is a JSON pointer into the model's effective schema
 * (input, output: as `models/schema` serves it) or into openapi.yaml (statuses); `kind` says what
 * was missing there (`optional`, `enum`, `branch`, `minimum`, ..., a rule keyword, `status`, `skipped`).
 */
export interface CoverageItem {
  kind: string;
  pointer?: string;
  /** Checks facet: the check that judged nothing, and why. */
  check?: string;
  reason?: string;
}

/** How much of one facet a run covered, and what it did not. */
export interface FacetCoverage {
  covered: number;
  total: number;
  uncovered: CoverageItem[];
}

/** The invalid-input facet also says which broken rules the target accepted. */
export interface InvalidCoverage extends FacetCoverage {
  /** Rules whose invalid inputs the target did not refuse with a 4xx (each is also a `status.client-error` failure). */
  accepted: string[];
}

/** Coverage of one model. A facet is absent when the run planned nothing for it (e.g. `--checks` left out invalid inputs). */
export interface ModelCoverage {
  model: string;
  task: string;
  input?: FacetCoverage;
  output?: FacetCoverage;
  invalid?: InvalidCoverage;
  statuses?: FacetCoverage;
  checks?: FacetCoverage;
}

/** Statuses of one operation: documented in openapi.yaml, and answered during the run. */
export interface OperationCoverage {
  operation: string;
  documented: number[];
  seen: number[];
}

/** A run-wide figure: items covered of items planned, and the percentage (null when nothing was planned). */
export interface CoverageFigure {
  covered: number;
  total: number;
  percent: number | null;
}

/** The report's `coverage` section. */
export interface CoverageReport {
  summary: Record<CoverageGateName, CoverageFigure>;
  models: ModelCoverage[];
  operations: OperationCoverage[];
}

/** A percentage with one decimal, or null when there is nothing to cover. */
export function percentOf(covered: number, total: number): number | null {
  return total === 0 ? null : Math.round((covered / total) * 1000) / 10;
}

function figure(covered: number, total: number): CoverageFigure {
  return { covered, total, percent: percentOf(covered, total) };
}

const union = <T>(lists: readonly (readonly T[])[]): T[] => [...new Set(lists.flat())];

/** Samples merged by union (executions shared between suite areas are sampled once; shards sample again). */
function mergeSamples(samples: readonly CoverageSample[]): CoverageSample {
  const merged: CoverageSample = { models: {}, operations: {}, skips: [] };
  const skipKeys = new Set<string>();
  for (const sample of samples) {
    for (const [id, m] of Object.entries(sample.models)) {
      const into = merged.models[id];
      if (!into) {
        merged.models[id] = { facets: [...m.facets], input: [...m.input], output: [...m.output], statuses: [...m.statuses], invalid: { ...m.invalid } };
        continue;
      }
      into.facets = union([into.facets, m.facets]);
      into.input = union([into.input, m.input]);
      into.output = union([into.output, m.output]);
      into.statuses = union([into.statuses, m.statuses]).sort((a, b) => a - b);
      for (const [rule, verdict] of Object.entries(m.invalid)) into.invalid[rule] = into.invalid[rule] === 'accepted' ? 'accepted' : verdict;
    }
    for (const [key, o] of Object.entries(sample.operations)) {
      const into = merged.operations[key];
      merged.operations[key] = into ? { documented: union([into.documented, o.documented]), seen: union([into.seen, o.seen]).sort((a, b) => a - b) } : { documented: [...o.documented], seen: [...o.seen] };
    }
    for (const skip of sample.skips) {
      const key = `${skip.model}\u0000${skip.check}`;
      if (!skipKeys.has(key)) (skipKeys.add(key), merged.skips.push(skip));
    }
  }
  return merged;
}

function facetOf(all: readonly CoverageItem[], covered: (item: CoverageItem) => boolean): FacetCoverage {
  const uncovered = all.filter((item) => !covered(item));
  return { covered: all.length - uncovered.length, total: all.length, uncovered };
}

/** The checks facet of one model: a planned result covers when its check judged something. */
function checksFacet(results: readonly ResultRecord[], reasons: ReadonlyMap<string, string>): FacetCoverage {
  const uncovered: CoverageItem[] = results
    .filter((r) => r.status === 'skipped')
    .map((r) => ({ kind: 'skipped', check: r.check, reason: reasons.get(`${r.model}\u0000${r.check}`) ?? 'applied to none of the exchanges' }));
  return { covered: results.length - uncovered.length, total: results.length, uncovered };
}

/** Run-wide figures from the models' facets and the operations' statuses. */
export function summariseCoverage(models: readonly ModelCoverage[], operations: readonly OperationCoverage[], apiWide: readonly ResultRecord[] = []): Record<CoverageGateName, CoverageFigure> {
  const sum = (facet: CoverageFacet): [number, number] =>
    models.reduce<[number, number]>(([c, t], m) => [c + (m[facet]?.covered ?? 0), t + (m[facet]?.total ?? 0)], [0, 0]);
  const [input, output, invalid, checks] = (['input', 'output', 'invalid', 'checks'] as const).map(sum) as [number, number][];
  const apiJudged = apiWide.filter((r) => r.status !== 'skipped').length;
  const statuses: [number, number] = operations.reduce<[number, number]>(([c, t], o) => [c + o.seen.filter((s) => o.documented.includes(s)).length, t + o.documented.length], [0, 0]);
  const checksAll: [number, number] = [checks![0] + apiJudged, checks![1] + apiWide.length];
  const parts = [input!, output!, invalid!, statuses, checksAll];
  return {
    total: figure(parts.reduce((n, [c]) => n + c, 0), parts.reduce((n, [, t]) => n + t, 0)),
    input: figure(...input!),
    output: figure(...output!),
    invalid: figure(...invalid!),
    statuses: figure(...statuses),
    checks: figure(...checksAll),
  };
}

/**
 * The coverage section of a run: for every model the run judged, which items of its input and
 * output schemas the requests sent and answers judged exercised, which rules its invalid inputs
 * broke (and whether the target refused them), which documented statuses came back, and which
 * planned checks judged something. Items come from the contract, so every shard and every target
 * counts against the same list.
 */
export function buildCoverage(contract: Contract, samples: readonly CoverageSample[], results: readonly ResultRecord[]): CoverageReport {
  const sample = mergeSamples(samples);
  const reasons = new Map(sample.skips.map((s) => [`${s.model}\u0000${s.check}`, s.reason]));
  const resultsOf = new Map<string, ResultRecord[]>();
  for (const r of results) if (r.model !== null) resultsOf.set(r.model, [...(resultsOf.get(r.model) ?? []), r]);
  const ids = [...new Set([...resultsOf.keys(), ...Object.keys(sample.models)])];
  const runDocumented = sample.operations[RUN_OPERATION]?.documented ?? [];
  const models: ModelCoverage[] = [];
  for (const model of [...contract.models.values()].filter((m) => ids.includes(m.id))) {
    const seen = sample.models[model.id];
    const schemas = modelSchemas(contract, model);
    const entry: ModelCoverage = { model: model.id, task: model.task };
    if (seen?.facets.includes('input')) {
      const hit = new Set(seen.input);
      entry.input = facetOf(schemas.input.items, (i) => hit.has(itemKey(i)));
    }
    if (seen?.facets.includes('output')) {
      const hit = new Set(seen.output);
      entry.output = facetOf(schemas.output.items, (i) => hit.has(itemKey(i)));
    }
    if (seen?.facets.includes('invalid')) {
      const rules = [...schemas.input.rules].map(([kind, pointer]) => ({ kind, pointer }));
      const broken: Record<string, InvalidVerdict> = seen.invalid;
      entry.invalid = { ...facetOf(rules, (i) => i.kind in broken), accepted: Object.keys(broken).filter((r) => broken[r] === 'accepted').sort() };
    }
    if (seen && seen.statuses.length + seen.facets.length > 0 && runDocumented.length) {
      const seenPointers = new Set(seen.statuses.map((s) => statusPointer(RUN_OPERATION, s)));
      entry.statuses = facetOf(runDocumented.map((s) => ({ kind: 'status', pointer: statusPointer(RUN_OPERATION, s) })), (i) => seenPointers.has(i.pointer!));
    }
    const modelResults = resultsOf.get(model.id);
    if (modelResults) entry.checks = checksFacet(modelResults, reasons);
    models.push(entry);
  }
  const operations: OperationCoverage[] = Object.entries(sample.operations)
    .map(([operation, o]) => ({ operation, documented: [...o.documented].sort((a, b) => a - b), seen: o.seen }))
    .sort((a, b) => a.operation.localeCompare(b.operation));
  const apiWide = results.filter((r) => r.model === null);
  return { summary: summariseCoverage(models, operations, apiWide), models, operations };
}

function intersectItems(lists: readonly (readonly CoverageItem[])[]): CoverageItem[] {
  const [first = [], ...rest] = lists;
  const keyOf = (i: CoverageItem) => `${i.kind}\u0000${i.pointer ?? ''}\u0000${i.check ?? ''}`;
  const keep = rest.map((list) => new Set(list.map(keyOf)));
  return first.filter((i) => keep.every((set) => set.has(keyOf(i))));
}

/** Shard facets of one model merged: covered anywhere is covered (what every shard left uncovered stays so). */
function mergeFacet<T extends FacetCoverage>(facets: readonly (T | undefined)[]): T | undefined {
  const present = facets.filter((f): f is T => f !== undefined);
  const [first] = present;
  if (!first) return undefined;
  const uncovered = intersectItems(present.map((f) => f.uncovered));
  const total = Math.max(...present.map((f) => f.total));
  const merged = { ...first, covered: total - uncovered.length, total, uncovered };
  if ('accepted' in first) (merged as unknown as InvalidCoverage).accepted = union(present.map((f) => (f as unknown as InvalidCoverage).accepted)).sort();
  return merged;
}

/**
 * The coverage of shard reports merged by union. Reports written before coverage existed have no
 * section: they add nothing, and when none has one the merged report has none either.
 */
export function mergeCoverage(sections: readonly (CoverageReport | undefined)[], results: readonly ResultRecord[]): CoverageReport | undefined {
  const present = sections.filter((s): s is CoverageReport => s !== undefined);
  if (present.length === 0) return undefined;
  const byModel = new Map<string, ModelCoverage[]>();
  for (const section of present) for (const m of section.models) byModel.set(m.model, [...(byModel.get(m.model) ?? []), m]);
  const models: ModelCoverage[] = [...byModel.values()].map((entries) => {
    const merged: ModelCoverage = { model: entries[0]!.model, task: entries[0]!.task };
    for (const facet of COVERAGE_FACETS) {
      const value = mergeFacet(entries.map((e) => e[facet]));
      if (value) (merged as unknown as Record<string, FacetCoverage>)[facet] = value;
    }
    return merged;
  });
  const byOperation = new Map<string, OperationCoverage>();
  for (const section of present) {
    for (const o of section.operations) {
      const into = byOperation.get(o.operation);
      byOperation.set(o.operation, into ? { operation: o.operation, documented: union([into.documented, o.documented]).sort((a, b) => a - b), seen: union([into.seen, o.seen]).sort((a, b) => a - b) } : { ...o });
    }
  }
  const operations = [...byOperation.values()].sort((a, b) => a.operation.localeCompare(b.operation));
  return { summary: summariseCoverage(models, operations, results.filter((r) => r.model === null)), models, operations };
}

/** One task's coverage: its models' facets added up; statuses seen by any of its models count. */
export interface TaskCoverage {
  task: string;
  models: number;
  figures: Record<CoverageFacet, CoverageFigure>;
}

/** Coverage per task, in the order tasks first appear (for summary tables). */
export function coverageByTask(coverage: CoverageReport): TaskCoverage[] {
  const byTask = new Map<string, ModelCoverage[]>();
  for (const m of coverage.models) byTask.set(m.task, [...(byTask.get(m.task) ?? []), m]);
  return [...byTask].map(([task, models]) => {
    const figures = {} as Record<CoverageFacet, CoverageFigure>;
    for (const facet of COVERAGE_FACETS) {
      if (facet === 'statuses') {
        const merged = mergeFacet(models.map((m) => m.statuses));
        figures.statuses = figure(merged?.covered ?? 0, merged?.total ?? 0);
      } else {
        figures[facet] = figure(models.reduce((n, m) => n + (m[facet]?.covered ?? 0), 0), models.reduce((n, m) => n + (m[facet]?.total ?? 0), 0));
      }
    }
    return { task, models: models.length, figures };
  });
}

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
