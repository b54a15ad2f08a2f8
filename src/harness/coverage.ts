/** @module The report's coverage section: built from execution samples and results, merged across shards, gated by `--min-coverage`. */
import type { Contract } from '../contract/contract.js';
import { RUN_OPERATION, modelSchemas, statusPointer, type CoverageSample, type InvalidVerdict } from './coverage-recorder.js';
import { itemKey } from './coverage-schema.js';
import type { ResultRecord } from './report.js';
import { COVERAGE_FACETS, type CoverageFacet, type CoverageFigure, type CoverageGateName, type CoverageItem, type CoverageReport, type FacetCoverage, type InvalidCoverage, type ModelCoverage, type OperationCoverage } from './coverage-types.js';

export * from './coverage-types.js';
export * from './coverage-gate.js';

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
