import { describe, expect, it } from 'vitest';
import { Contract } from '../../../src/contract/contract.js';
import { SPEC_BASE_URI } from '../../../src/contract/ajv.js';
import type { JsonSchema, ModelEntry } from '../../../src/contract/types.js';
import { CoverageRecorder, RUN_OPERATION, type CoverageObservation } from '../../../src/harness/coverage-recorder.js';
import { SchemaCoverage, itemKey } from '../../../src/harness/coverage-schema.js';
import { buildCoverage, coverageShortfalls, mergeCoverage, parseCoverageThresholds } from '../../../src/harness/coverage.js';
import type { ResultRecord } from '../../../src/harness/report.js';

/** A small hand-made input schema: one of each kind of coverage item. */
const INPUT: JsonSchema = {
  type: 'object',
  required: ['prompt'],
  properties: {
    prompt: { type: 'string', minLength: 1, maxLength: 8 },
    mode: { enum: ['fast', 'slow', 'exact'] },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    seed: { type: 'integer', exclusiveMinimum: 0 },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
    image: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'integer' }, minItems: 1 }] },
  },
  additionalProperties: false,
};

/** A small output schema: optional properties and a branch. */
const OUTPUT: JsonSchema = {
  type: 'object',
  required: ['response'],
  properties: {
    response: { type: 'string' },
    usage: { type: 'object', properties: { tokens: { type: 'integer' } } },
    tool_calls: { oneOf: [{ type: 'array', items: { type: 'object' } }, { type: 'null' }] },
  },
};

describe('SchemaCoverage', () => {
  it('lists one item per optional property, enum value, branch, bound and array size, as JSON pointers', () => {
    const items = new SchemaCoverage(INPUT, { values: true }).items.map(itemKey);
    expect(items).toEqual([
      'minLength /properties/prompt/minLength',
      'maxLength /properties/prompt/maxLength',
      'optional /properties/mode',
      'enum /properties/mode/enum/0',
      'enum /properties/mode/enum/1',
      'enum /properties/mode/enum/2',
      'optional /properties/temperature',
      'minimum /properties/temperature/minimum',
      'maximum /properties/temperature/maximum',
      'optional /properties/seed',
      'minimum /properties/seed/exclusiveMinimum',
      'optional /properties/tags',
      'empty /properties/tags',
      'one /properties/tags',
      'many /properties/tags',
      'optional /properties/image',
      'branch /properties/image/anyOf/0',
      'branch /properties/image/anyOf/1',
      'one /properties/image/anyOf/1',
      'many /properties/image/anyOf/1',
    ]);
  });

  it('lists only optional properties and branches of an output schema', () => {
    expect(new SchemaCoverage(OUTPUT, { values: false }).items.map(itemKey)).toEqual([
      'optional /properties/usage',
      'optional /properties/usage/properties/tokens',
      'optional /properties/tool_calls',
      'branch /properties/tool_calls/oneOf/0',
      'branch /properties/tool_calls/oneOf/1',
    ]);
  });

  it('marks what a value exercises: bounds met exactly, the branch the value validates against', () => {
    const coverage = new SchemaCoverage(INPUT, { values: true });
    const hit = new Set<string>();
    coverage.observe({ prompt: 'a', mode: 'slow', temperature: 2, seed: 1, tags: [], image: [7, 8] }, hit);
    expect([...hit].sort()).toEqual(
      [
        'minLength /properties/prompt/minLength',
        'optional /properties/mode',
        'enum /properties/mode/enum/1',
        'optional /properties/temperature',
        'maximum /properties/temperature/maximum',
        'optional /properties/seed',
        'minimum /properties/seed/exclusiveMinimum',
        'optional /properties/tags',
        'empty /properties/tags',
        'optional /properties/image',
        'branch /properties/image/anyOf/1',
        'many /properties/image/anyOf/1',
      ].sort(),
    );
    const more = new Set<string>();
    coverage.observe({ prompt: '12345678', temperature: 1.5, seed: 2, tags: ['x'], image: 'abc' }, more);
    expect(more.has('maxLength /properties/prompt/maxLength')).toBe(true);
    expect(more.has('minimum /properties/temperature/minimum')).toBe(false);
    expect(more.has('minimum /properties/seed/exclusiveMinimum')).toBe(false);
    expect(more.has('one /properties/tags')).toBe(true);
    expect(more.has('branch /properties/image/anyOf/0')).toBe(true);
    expect(more.has('branch /properties/image/anyOf/1')).toBe(false);
  });

  it('lists the rules an invalid input can break, each at its first location', () => {
    expect(Object.fromEntries(new SchemaCoverage(INPUT, { values: true }).rules)).toEqual({
      type: '/type',
      required: '/required',
      additionalProperties: '/additionalProperties',
      minLength: '/properties/prompt/minLength',
      maxLength: '/properties/prompt/maxLength',
      enum: '/properties/mode/enum',
      minimum: '/properties/temperature/minimum',
      maximum: '/properties/temperature/maximum',
      exclusiveMinimum: '/properties/seed/exclusiveMinimum',
      maxItems: '/properties/tags/maxItems',
      minItems: '/properties/image/anyOf/1/minItems',
    });
  });
});

/** A one-model contract made by hand (no spec/ files): what coverage counts against. */
function tinyContract(): Contract {
  const schemaUri = `${SPEC_BASE_URI}models/tiny.effective.json`;
  const model: ModelEntry = {
    id: '@cf/test/tiny',
    task: 'text-generation',
    source: 'overlay',
    facts: { response: { contentType: 'application/json', envelope: true }, streams: false, transport: 'http' },
    input: INPUT,
    output: OUTPUT,
    schemaUri,
  };
  return new Contract({
    dir: '/nowhere',
    openapi: () => ({}),
    typesPackage: { name: 'none', version: '0' },
    tasks: new Map(),
    models: new Map([[model.id, model]]),
    schemaDocuments: [{ file: 'tiny.json', doc: { $id: schemaUri, $defs: { input: INPUT, output: OUTPUT } } }],
    lazyDocuments: new Map(),
  });
}

const MODEL = '@cf/test/tiny';
const DOCUMENTED = [200, 400, 401, 404];
const observation = (over: Partial<CoverageObservation>): CoverageObservation => ({ model: MODEL, operation: RUN_OPERATION, documented: DOCUMENTED, expectation: 'success', status: 200, ...over });
const result = (check: ResultRecord['check'], status: ResultRecord['status']): ResultRecord => ({ model: MODEL, task: 'text-generation', endpoint: 'POST /ai/run/{model}', check, status, requests: status === 'skipped' ? 0 : 1, failures: [] });

describe('buildCoverage', () => {
  const contract = tinyContract();

  function sample() {
    const recorder = new CoverageRecorder();
    recorder.expect(MODEL, ['input', 'output', 'invalid']);
    recorder.record(observation({ input: { prompt: 'hi', mode: 'fast' }, output: { response: 'x', tool_calls: null } }));
    recorder.record(observation({ input: { prompt: 'hi', tags: ['a', 'b'] }, output: { response: 'y', usage: { tokens: 3 } } }));
    recorder.record(observation({ expectation: 'client-error', rule: 'minLength', status: 400, input: { prompt: '' } }));
    recorder.record(observation({ expectation: 'client-error', rule: 'maximum', status: 200, input: { prompt: 'a', temperature: 9 } }));
    recorder.skipped({ model: MODEL, check: 'output.semantics', reason: 'applies to none of the 2 answers (status 200)' });
    return recorder.sample(contract);
  }

  const results = [result('output.schema', 'passed'), result('output.semantics', 'skipped'), result('status.client-error', 'failed')];

  it('counts each facet of a model against the contract, and lists exactly what was not covered', () => {
    const coverage = buildCoverage(contract, [sample()], results);
    const [tiny] = coverage.models;
    expect(tiny!.input).toMatchObject({ covered: 4, total: 20 });
    expect(tiny!.input!.uncovered.map(itemKey)).not.toContain('enum /properties/mode/enum/0');
    expect(tiny!.input!.uncovered.map(itemKey)).toContain('enum /properties/mode/enum/2');
    expect(tiny!.output).toEqual({ covered: 4, total: 5, uncovered: [{ kind: 'branch', pointer: '/properties/tool_calls/oneOf/0' }] });
    expect(tiny!.invalid).toMatchObject({ covered: 2, total: 11, accepted: ['maximum'] });
    expect(tiny!.statuses).toEqual({
      covered: 2,
      total: 4,
      uncovered: [
        { kind: 'status', pointer: '/paths/~1accounts~1{account_id}~1ai~1run~1{model}/post/responses/401' },
        { kind: 'status', pointer: '/paths/~1accounts~1{account_id}~1ai~1run~1{model}/post/responses/404' },
      ],
    });
    expect(tiny!.checks).toEqual({ covered: 2, total: 3, uncovered: [{ kind: 'skipped', check: 'output.semantics', reason: 'applies to none of the 2 answers (status 200)' }] });
    expect(coverage.summary.input).toEqual({ covered: 4, total: 20, percent: 20 });
    expect(coverage.summary.total).toEqual({ covered: 14, total: 43, percent: 32.6 });
    expect(coverage.operations).toEqual([{ operation: RUN_OPERATION, documented: DOCUMENTED, seen: [200, 400] }]);
  });

  it('counts an invalid input a binding refused by throwing (no status) as rejected', () => {
    const recorder = new CoverageRecorder();
    recorder.expect(MODEL, ['invalid']);
    const { status: _status, ...noStatus } = observation({ expectation: 'client-error', rule: 'enum', input: { prompt: 'a', mode: 'x' } });
    recorder.record({ ...noStatus, refused: true });
    recorder.record({ ...noStatus, rule: 'maxItems' }); // neither answered nor refused: nothing is known
    const invalid = buildCoverage(contract, [recorder.sample(contract)], []).models[0]!.invalid!;
    expect(invalid).toMatchObject({ covered: 1, accepted: [] });
    expect(invalid.uncovered.map((i) => i.kind)).toContain('maxItems');
  });

  it('leaves out facets the run planned nothing for', () => {
    const recorder = new CoverageRecorder();
    recorder.expect(MODEL, ['invalid']);
    const coverage = buildCoverage(contract, [recorder.sample(contract)], []);
    expect(Object.keys(coverage.models[0]!)).toEqual(['model', 'task', 'invalid']);
    expect(coverage.models[0]!.invalid).toMatchObject({ covered: 0, total: 11 });
  });

  it('merges shards by union, and reads reports without a coverage section', () => {
    const whole = buildCoverage(contract, [sample()], results);
    const recorder = new CoverageRecorder();
    recorder.expect(MODEL, ['input']);
    recorder.record(observation({ input: { prompt: 'hi', mode: 'exact' }, status: 401 }));
    const other = buildCoverage(contract, [recorder.sample(contract)], []);
    const merged = mergeCoverage([whole, undefined, other], results)!;
    expect(merged.models[0]!.input!.covered).toBe(whole.models[0]!.input!.covered + 1);
    expect(merged.models[0]!.input!.uncovered.map(itemKey)).not.toContain('enum /properties/mode/enum/2');
    expect(merged.models[0]!.statuses!.covered).toBe(3);
    expect(merged.operations[0]!.seen).toEqual([200, 400, 401]);
    expect(mergeCoverage([undefined, undefined], results)).toBeUndefined();
  });
});

describe('--min-coverage', () => {
  it('parses N (the total) and FACET=N lists; refuses anything else with a message naming it', () => {
    expect(parseCoverageThresholds('80')).toEqual({ total: 80 });
    expect(parseCoverageThresholds('input=90, output=80.5')).toEqual({ input: 90, output: 80.5 });
    expect(() => parseCoverageThresholds('inputs=90')).toThrow(/unknown facet "inputs"/);
    expect(() => parseCoverageThresholds('101')).toThrow(/percentage from 0 to 100/);
    expect(() => parseCoverageThresholds('input=')).toThrow(/percentage/);
    expect(() => parseCoverageThresholds('input=5,input=6')).toThrow(/twice/);
    expect(() => parseCoverageThresholds('')).toThrow(/empty entry/);
  });

  it('names the facet, the figure and the threshold of each shortfall', () => {
    const coverage = buildCoverage(tinyContract(), [], []);
    coverage.summary.input = { covered: 5, total: 20, percent: 25 };
    expect(coverageShortfalls(coverage, { input: 25 })).toEqual([]);
    expect(coverageShortfalls(coverage, { input: 30 }).map((s) => s.message)).toEqual(['coverage input is 25% (5 of 20 items), below --min-coverage input=30%']);
    expect(coverageShortfalls(coverage, { output: 1 })[0]!.message).toMatch(/output: nothing to cover/);
  });
});
