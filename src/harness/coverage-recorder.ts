/** @module Records what requests a run sent and what answers it judged, compactly, and turns them into coverage samples. */
import type { Contract } from '../contract/contract.js';
import type { ModelEntry } from '../contract/types.js';
import { toPointer } from '../contract/json-pointer.js';
import type { CheckId, Expectation } from '../checks/types.js';
import { SchemaCoverage } from './coverage-schema.js';

/**
 * One request and what came back, as coverage sees it: a model input and a model output, with the
 * documented operation and the status. No HTTP specifics: an in-process target records the same.
 */
export interface CoverageObservation {
  /** The model the request ran, when it ran one (`POST /ai/run/{model}` and its in-process equivalents). */
  model?: string;
  /** The documented operation, `METHOD /path/template` as openapi.yaml names it. */
  operation: string;
  /** The statuses openapi.yaml documents for the operation. */
  documented: readonly number[];
  /** The status answered; undefined when nothing was answered. */
  status?: number;
  expectation: Expectation;
  /** The model input sent (JSON data), when the request carried one. */
  input?: unknown;
  /** The model output judged (the envelope's `result`), when a successful JSON answer carried one. */
  output?: unknown;
  /** Invalid inputs: the JSON Schema keyword the input breaks. */
  rule?: string;
  /** The target refused the request without an HTTP status (a binding that threw); otherwise a 4xx status says so. */
  refused?: boolean;
}

/** Facets of a model that an execution set out to cover (so a facet nothing reached still counts as 0%). */
export type ModelFacet = 'input' | 'output' | 'invalid';

/** How a target answered the invalid inputs breaking one rule: `accepted` as soon as one was not refused with a 4xx. */
export type InvalidVerdict = 'rejected' | 'accepted';

/** What one execution covered of one model: item keys of its schemas, statuses seen, rules broken. */
export interface ModelSample {
  facets: ModelFacet[];
  input: string[];
  output: string[];
  /** Statuses the model's `/ai/run` requests were answered with. */
  statuses: number[];
  invalid: Record<string, InvalidVerdict>;
}

/** A check that judged nothing in an execution, and why. */
export interface SkipRecord {
  model: string | null;
  check: CheckId;
  reason: string;
}

/** An operation's documented statuses and those seen. */
export interface OperationSample {
  documented: number[];
  seen: number[];
}

/** What one execution covered: small, JSON, mergeable by union (it travels in vitest's task meta). */
export interface CoverageSample {
  models: Record<string, ModelSample>;
  operations: Record<string, OperationSample>;
  skips: SkipRecord[];
}

/** The operation every model's items are judged on. */
export const RUN_OPERATION = 'POST /accounts/{account_id}/ai/run/{model}';

/** JSON pointer of a documented status in openapi.yaml (`/paths/~1accounts~1.../post/responses/404`). */
export function statusPointer(operation: string, status: number): string {
  const space = operation.indexOf(' ');
  return toPointer(['paths', operation.slice(space + 1), operation.slice(0, space).toLowerCase(), 'responses', String(status)]);
}

interface ModelSchemas {
  input: SchemaCoverage;
  output: SchemaCoverage;
}

const schemaCache = new WeakMap<Contract, Map<string, ModelSchemas>>();

/** The coverage items of a model's input (values, bounds, sizes) and output (optional properties, branches), built once per contract. */
export function modelSchemas(contract: Contract, model: ModelEntry): ModelSchemas {
  let perContract = schemaCache.get(contract);
  if (!perContract) schemaCache.set(contract, (perContract = new Map()));
  let schemas = perContract.get(model.id);
  if (!schemas) {
    schemas = {
      input: new SchemaCoverage(contract.inlinedSchema(model, 'input'), { values: true }),
      output: new SchemaCoverage(contract.inlinedSchema(model, 'output'), { values: false }),
    };
    perContract.set(model.id, schemas);
  }
  return schemas;
}

const emptyModel = (): ModelSample => ({ facets: [], input: [], output: [], statuses: [], invalid: {} });

/**
 * Collects observations during a run (a push each: the work waits for `sample`) and turns them into
 * a CoverageSample: which schema items the inputs and outputs exercised, which statuses came back,
 * which rules the invalid inputs broke and whether the target refused them.
 */
export class CoverageRecorder {
  private readonly observations: CoverageObservation[] = [];
  private readonly facets = new Map<string, Set<ModelFacet>>();
  private readonly skips: SkipRecord[] = [];

  /** Records one request and what came back. */
  record(observation: CoverageObservation): void {
    this.observations.push(observation);
  }

  /** Marks facets of a model the execution set out to cover (counted even when no request went out). */
  expect(model: string, facets: readonly ModelFacet[]): void {
    let set = this.facets.get(model);
    if (!set) this.facets.set(model, (set = new Set()));
    for (const facet of facets) set.add(facet);
  }

  /** Records a check that judged nothing, and why. */
  skipped(skip: SkipRecord): void {
    this.skips.push(skip);
  }

  /** The sample of everything recorded: schema items are matched here, once, not per request. */
  sample(contract: Contract): CoverageSample {
    const models = new Map<string, { facets: Set<ModelFacet>; input: Set<string>; output: Set<string>; statuses: Set<number>; invalid: Record<string, InvalidVerdict> }>();
    const modelOf = (id: string) => {
      let entry = models.get(id);
      if (!entry) models.set(id, (entry = { facets: new Set(this.facets.get(id)), input: new Set(), output: new Set(), statuses: new Set(), invalid: {} }));
      return entry;
    };
    for (const id of this.facets.keys()) modelOf(id);
    const operations = new Map<string, { documented: number[]; seen: Set<number> }>();
    for (const o of this.observations) {
      let operation = operations.get(o.operation);
      if (!operation) operations.set(o.operation, (operation = { documented: [...o.documented], seen: new Set() }));
      if (o.status !== undefined) operation.seen.add(o.status);
      const entry = o.model !== undefined ? modelOf(o.model) : undefined;
      const model = o.model !== undefined ? contract.model(o.model) : undefined;
      if (!entry) continue;
      if (o.status !== undefined && o.operation === RUN_OPERATION) entry.statuses.add(o.status);
      if (!model) continue;
      const schemas = modelSchemas(contract, model);
      if (o.expectation === 'client-error') {
        if (o.rule === undefined || (o.status === undefined && !o.refused)) continue;
        const rejected = o.status !== undefined ? o.status >= 400 && o.status < 500 : o.refused === true;
        entry.invalid[o.rule] = entry.invalid[o.rule] === 'accepted' || !rejected ? 'accepted' : 'rejected';
        continue;
      }
      if (o.expectation !== 'success') continue;
      if (o.input !== undefined) schemas.input.observe(o.input, entry.input);
      if (o.output !== undefined) schemas.output.observe(o.output, entry.output);
    }
    const sample: CoverageSample = { models: {}, operations: {}, skips: [...this.skips] };
    for (const [id, e] of models) {
      sample.models[id] = { ...emptyModel(), facets: [...e.facets], input: [...e.input], output: [...e.output], statuses: [...e.statuses].sort((a, b) => a - b), invalid: e.invalid };
    }
    for (const [key, o] of operations) sample.operations[key] = { documented: o.documented, seen: [...o.seen].sort((a, b) => a - b) };
    return sample;
  }
}
