/** @module Requests for every catalogue model: valid ones the contract accepts, invalid ones it rejects, reproducible by (seed, path). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Contract } from '../../../src/contract/contract.js';
import { loadContract } from '../../../src/contract/load.js';
import type { ModelEntry } from '../../../src/contract/types.js';
import { sniffMediaType } from '../../../src/media/sniff.js';
import { arbitraryFromSchema, contractSource } from '../../../src/generate/arbitrary-from-schema.js';
import { invalidArbitraries, isReallyInvalid } from '../../../src/generate/invalid-from-schema.js';
import { DEFAULT_MAX_TOKENS, invalidRequests, rawRequests, replayCase, runProperty, runSample, validRequests } from '../../../src/generate/requests.js';

const contract = loadContract();
const models = [...contract.models.values()];
const SAMPLES = 50;

describe.each(models.map((m) => [m.id, m] as const))('%s', (_id, model) => {
  it(`the schema's own arbitrary: ${SAMPLES} samples, all valid (every branch, no request hints)`, () => {
    const arbitrary = arbitraryFromSchema(model.input, { source: contractSource(contract), base: model.schemaUri, pointer: '/$defs/input' });
    fc.assert(
      fc.property(arbitrary, (input) => {
        const errors = contract.validateModel(model, 'input', JSON.parse(JSON.stringify(input)));
        expect(errors, JSON.stringify(input).slice(0, 400)).toEqual([]);
      }),
      { numRuns: SAMPLES, seed: 20 },
    );
  });

  it(`valid requests: ${SAMPLES} samples, JSON bodies the contract accepts, raw bodies of a rawInput type`, () => {
    for (const request of runSample(validRequests(contract, model), { seed: 21, numRuns: SAMPLES })) {
      expect(request.spec.operation).toEqual({ kind: 'run', model: model.id });
      expect(request.spec.method).toBe('POST');
      const body = request.spec.body!;
      if ('json' in body) {
        expect(request.form).toBe('json');
        expect(contract.validateModel(model, 'input', body.json), JSON.stringify(body.json).slice(0, 400)).toEqual([]);
      } else {
        expect(model.facts.rawInput).toContain(body.contentType);
        expect(sniffMediaType(body.raw)).toMatch(/^(image|audio)\//);
      }
    }
  });

  it('invalid cases that no anyOf/oneOf can rescue are rejected by the contract without any filter', () => {
    const cases = invalidArbitraries(model.input, { source: contractSource(contract), base: model.schemaUri, pointer: '/$defs/input' });
    for (const c of cases.filter((k) => k.certain)) {
      for (const value of fc.sample(c.arbitrary, { numRuns: 1, seed: 22 })) {
        expect(isReallyInvalid(contract, model, value), `${c.rule} at ${c.pointer}: ${JSON.stringify(value).slice(0, 300)}`).toBe(true);
      }
    }
  });

  it('invalid requests: every sample is rejected by the contract, as sent', () => {
    const arbitrary = invalidRequests(contract, model);
    expect(arbitrary).toBeDefined();
    for (const request of runSample(arbitrary!, { seed: 23, numRuns: 20 })) {
      const body = request.spec.body as { json: unknown };
      expect(contract.validateModel(model, 'input', body.json).length, `${request.rule} at ${request.pointer}`).toBeGreaterThan(0);
      expect(request.input).toEqual(body.json);
    }
  });
});

describe('invalidRequests: the oracle stands between a mutation and a verdict', () => {
  // A model whose two input forms are disjoint: breaking form 0's maximum (n > 10) often lands in form 1 (11..100).
  const uri = 'https://wai-conformance.local/spec/models/test-overlap.effective.json';
  const input = {
    oneOf: [
      { type: 'object', properties: { n: { type: 'integer', maximum: 10 } }, required: ['n'], additionalProperties: false },
      { type: 'object', properties: { n: { type: 'integer', minimum: 11, maximum: 100 } }, required: ['n'], additionalProperties: false },
    ],
  };
  const model: ModelEntry = { id: '@cf/test/overlap', task: 'text-classification', source: 'overlay', facts: { response: { contentType: 'application/json', envelope: true }, streams: false, transport: 'http' }, input, output: true, schemaUri: uri };
  const overlap = new Contract({
    dir: '.',
    openapi: () => ({}),
    typesPackage: { name: 'test', version: '0' },
    tasks: new Map(),
    models: new Map([[model.id, model]]),
    schemaDocuments: [{ file: 'test', doc: { $id: uri, $defs: { input, output: true } } }],
    lazyDocuments: new Map(),
  });

  it('the raw mutation is sometimes accepted, the request never is', () => {
    const mutation = invalidArbitraries(input, { source: contractSource(overlap), base: uri, pointer: '/$defs/input' }).find((c) => c.rule === 'maximum' && c.pointer === '/n')!;
    expect(fc.sample(mutation.arbitrary, { numRuns: 200, seed: 50 }).some((v) => !isReallyInvalid(overlap, model, v))).toBe(true);
    const requests = runSample(invalidRequests(overlap, model)!, { seed: 50, numRuns: 300 });
    expect(requests.some((r) => r.rule === 'maximum')).toBe(true);
    for (const r of requests) expect(overlap.validateModel(model, 'input', (r.spec.body as { json: unknown }).json), JSON.stringify(r.input)).not.toEqual([]);
  });
});

describe('requests: cheap, realistic defaults', () => {
  const textModels = contract.modelsOfTask('text-generation');

  it('text generation sends stream: false and 1 <= max_tokens <= 64 unless asked otherwise (batch items too)', () => {
    let limited = 0;
    let unstreamed = 0;
    for (const model of textModels) {
      for (const { input } of runSample(validRequests(contract, model), { seed: 30, numRuns: 20 })) {
        type Body = { stream?: unknown; max_tokens?: number; max_completion_tokens?: number; requests?: Body[] };
        const body = input as Body;
        for (const run of body.requests ?? [body]) {
          // Absent only where the model has no `stream` property (llama-guard).
          expect([undefined, false], `${model.id}: ${JSON.stringify(run).slice(0, 200)}`).toContain(run.stream);
          unstreamed += run.stream === false ? 1 : 0;
          const limits = [run.max_tokens, run.max_completion_tokens].filter((n) => n !== undefined);
          for (const limit of limits) expect(limit! >= 1 && limit! <= DEFAULT_MAX_TOKENS, `${model.id}: ${limit}`).toBe(true);
          limited += limits.length ? 1 : 0;
        }
      }
    }
    expect(limited).toBeGreaterThan(textModels.length * 15);
    expect(unstreamed).toBeGreaterThan(textModels.length * 15);
    const llama = contract.model('@cf/meta/llama-3.1-8b-instruct-fp8')!;
    expect(runSample(validRequests(contract, llama), { seed: 30, numRuns: 20 }).every(({ input }) => (input as { stream?: boolean }).stream === false)).toBe(true);
  });

  it('asks for a stream when told to, and the request is still valid', () => {
    const model = contract.model('@cf/meta/llama-3.1-8b-instruct-fp8')!;
    for (const { input } of runSample(validRequests(contract, model, { stream: true, maxTokens: 8 }), { seed: 31, numRuns: 20 })) {
      expect((input as { stream: boolean }).stream).toBe(true);
      expect((input as { max_tokens: number }).max_tokens).toBeLessThanOrEqual(8);
      expect(contract.validateModel(model, 'input', input)).toEqual([]);
    }
  });

  it('sends image models real images, and raw bodies for every rawInput type', () => {
    const model = contract.model('@cf/microsoft/resnet-50')!;
    const raw = rawRequests(contract, model);
    expect(new Set(raw.map((r) => (r.spec.body as { contentType: string }).contentType))).toEqual(new Set(model.facts.rawInput));
    const sent = runSample(validRequests(contract, model), { seed: 32, numRuns: 60 });
    expect(new Set(sent.map((r) => r.form))).toEqual(new Set(['json', 'raw']));
    for (const r of sent.filter((s) => s.form === 'json')) expect(sniffMediaType(Uint8Array.from((r.input as { image: number[] }).image))).toMatch(/^image\/(png|jpeg)$/);
  });
});

describe('requests: reproducible from (seed, path)', () => {
  const model = contract.model('@cf/baai/bge-m3')!;

  it('the same seed gives the same requests; another seed others', () => {
    const once = runSample(validRequests(contract, model), { seed: 40, numRuns: 20 });
    const fresh = loadContract();
    expect(runSample(validRequests(fresh, fresh.model(model.id)!), { seed: 40, numRuns: 20 })).toEqual(once);
    expect(runSample(validRequests(contract, model), { seed: 41, numRuns: 20 })).not.toEqual(once);
  });

  it('a failure is shrunk, and its seed and path give back exactly the failing request', async () => {
    const arbitrary = invalidRequests(contract, contract.model('@cf/meta/llama-3.1-8b-instruct-fp8')!)!;
    const outcome = await runProperty(arbitrary, (request) => request.rule !== 'minimum', { seed: 42, numRuns: 300 });
    expect(outcome.failed).toBe(true);
    expect(outcome.path).toMatch(/^\d+(:\d+)*$/);
    expect(outcome.numShrinks).toBeGreaterThan(0);
    expect(outcome.counterexample!.rule).toBe('minimum');
    expect(replayCase(arbitrary, { seed: outcome.seed, path: outcome.path! })).toEqual(outcome.counterexample);
    // fast-check's own replay agrees: fc.assert with the same (seed, path) fails on the same value.
    const replayed = fc.check(fc.property(arbitrary, (r) => r.rule !== 'minimum'), { seed: outcome.seed, path: outcome.path!, endOnFailure: true });
    expect(replayed.counterexample?.[0]).toEqual(outcome.counterexample);
  });

  it('a passing property reports the seed it ran with', async () => {
    const outcome = await runProperty(validRequests(contract, model), async () => true, { seed: 43, numRuns: 10 });
    expect(outcome).toMatchObject({ failed: false, seed: 43, numRuns: 10 });
  });
});

describe('requests: performance', () => {
  it('builds valid and invalid arbitraries for every model without running a validator (probing waits for first use)', () => {
    const fresh = loadContract(); // no cache: a new contract
    // Count validator runs (not compiles): building must not probe; drawing may.
    let runs = 0;
    const validator = fresh.validator.bind(fresh);
    fresh.validator = (uri: string) => {
      const validate = validator(uri);
      return Object.assign((data: unknown) => (runs++, validate(data)), validate) as typeof validate;
    };
    const built = [...fresh.models.values()].map((model) => [validRequests(fresh, model), invalidRequests(fresh, model)] as const);
    expect(runs).toBe(0);
    // Cached per contract and model: asking again returns the same arbitraries (the valid ones of the 16 and the invalid
    // ones of the 32 models asked for last: a run is done with a model's once it has drawn them).
    const models = [...fresh.models.values()];
    models.slice(-16).forEach((model, i) => expect(validRequests(fresh, model)).toBe(built[models.length - 16 + i]![0]));
    models.slice(-32).forEach((model, i) => expect(invalidRequests(fresh, model)).toBe(built[models.length - 32 + i]![1]));
    // Made again, the same cases: the same requests for a seed.
    const first = models.find((model) => built[models.indexOf(model)]![1] !== undefined)!;
    const again = invalidRequests(fresh, first);
    expect(again).not.toBe(built[models.indexOf(first)]![1]);
    expect(fc.sample(again!, { seed: 7, numRuns: 5 })).toEqual(fc.sample(built[models.indexOf(first)]![1]!, { seed: 7, numRuns: 5 }));
    expect(fc.sample(validRequests(fresh, models[0]!), { seed: 7, numRuns: 5 })).toEqual(fc.sample(built[0]![0], { seed: 7, numRuns: 5 }));
  });
});
