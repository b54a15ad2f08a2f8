import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import { arbitraryFromSchema, type CycleState } from '../../../src/generate/arbitrary-from-schema.js';
import { coveringCount, coveringRequests } from '../../../src/generate/covering.js';
import { invalidCoveringRequests, invalidRequests, runSample } from '../../../src/generate/requests.js';
import { SchemaCoverage } from '../../../src/harness/coverage-schema.js';

const contract = loadContract();

describe('covering mode (arbitraryFromSchema with cycle)', () => {
  it('takes enum value and union branch number `index`, whatever the seed', () => {
    const cycle: CycleState = { index: 0 };
    const arbitrary = arbitraryFromSchema({ type: 'object', required: ['a', 'b'], properties: { a: { enum: ['x', 'y', 'z'] }, b: { anyOf: [{ type: 'integer' }, { type: 'string' }] } } }, { cycle });
    const drawn = [0, 1, 2, 3].map((index) => {
      cycle.index = index;
      return fc.sample(arbitrary, { seed: 100 + index, numRuns: 1 })[0] as { a: string; b: unknown };
    });
    expect(drawn.map((d) => d.a)).toEqual(['x', 'y', 'z', 'x']);
    expect(drawn.map((d) => typeof d.b)).toEqual(['number', 'string', 'number', 'string']);
  });

  it('sends numbers at their bounds, strings at their length bounds, arrays empty and of one item, then drawn values', () => {
    const cycle: CycleState = { index: 0 };
    const schema = { type: 'object', required: ['n', 's', 'list', 'free'], properties: { n: { type: 'integer', minimum: 3, maximum: 9 }, s: { type: 'string', minLength: 2, maxLength: 5 }, list: { type: 'array', items: { type: 'boolean' } }, free: { type: 'number' } } };
    const arbitrary = arbitraryFromSchema(schema, { cycle });
    const draw = (index: number) => {
      cycle.index = index;
      return fc.sample(arbitrary, { seed: 3, numRuns: 1 })[0] as { n: number; s: string; list: boolean[]; free: number };
    };
    const [low, high] = [draw(0), draw(1)];
    expect([low.n, [...low.s].length, low.list.length]).toEqual([3, 2, 0]);
    expect([high.n, [...high.s].length, high.list.length]).toEqual([9, 5, 1]);
    // No bound stated: the made-up range of an unbounded number is never "covered".
    expect(Math.abs(low.free)).toBeLessThanOrEqual(1000);
  });
});

describe('coveringRequests', () => {
  const aura = contract.model('@cf/deepgram/aura-1')!;

  it('sends every enum value and every optional property across as many requests as the widest enum has values', () => {
    const count = coveringCount(contract, aura);
    expect(count).toBe(12); // the speaker enum
    const requests = coveringRequests(contract, aura, 7);
    expect(requests).toHaveLength(count);
    for (const r of requests) expect(contract.validateModel(aura, 'input', r.input)).toEqual([]);
    const schema = new SchemaCoverage(contract.inlinedSchema(aura, 'input'), { values: true });
    const hit = new Set<string>();
    for (const r of requests) schema.observe(r.input, hit);
    const missed = schema.items.filter((i) => (i.kind === 'enum' || i.kind === 'optional') && !hit.has(`${i.kind} ${i.pointer}`));
    expect(missed).toEqual([]);
  });

  it('is reproducible from the seed', () => {
    expect(coveringRequests(contract, aura, 7).map((r) => r.input)).toEqual(coveringRequests(contract, aura, 7).map((r) => r.input));
  });

  it('draws valid requests for every catalogue model (the contract accepts each)', () => {
    let drawn = 0;
    for (const model of contract.models.values()) {
      if (model.facts.transport !== 'http') continue;
      const requests = coveringRequests(contract, model, 1);
      expect(requests.length, model.id).toBe(coveringCount(contract, model));
      for (const r of requests) expect(contract.validateModel(model, 'input', r.input), model.id).toEqual([]);
      drawn += requests.length;
    }
    expect(drawn).toBeGreaterThan(100);
  });
});

describe('invalidCoveringRequests', () => {
  const llama = contract.model('@cf/meta/llama-3.1-8b-instruct-fp8')!;

  it('breaks a different rule with each request, every one rejected by the contract as sent', () => {
    const requests = invalidCoveringRequests(contract, llama, 11, 4);
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((r) => r.rule)).size).toBe(4);
    for (const r of requests) expect(contract.validateModel(llama, 'input', r.input).length, `${r.rule} at ${r.pointer}`).toBeGreaterThan(0);
  });

  it('is reproducible from the seed, and never more requests than asked or than rules', () => {
    expect(invalidCoveringRequests(contract, llama, 11, 3).map((r) => r.input)).toEqual(invalidCoveringRequests(contract, llama, 11, 3).map((r) => r.input));
    expect(invalidCoveringRequests(contract, llama, 11, 0)).toEqual([]);
    const all = invalidCoveringRequests(contract, llama, 11, 1000);
    expect(all.length).toBe(new Set(all.map((r) => r.rule)).size);
  });

  it('breaks min(count, rules) distinct rules of every catalogue model: more than random draws of the same number do', () => {
    let covering = 0;
    let random = 0;
    for (const model of contract.models.values()) {
      const arbitrary = invalidRequests(contract, model);
      if (!arbitrary) continue;
      covering += new Set(invalidCoveringRequests(contract, model, 5, 3).map((r) => r.rule)).size;
      random += new Set(runSample(arbitrary, { seed: 5, numRuns: 3 }).map((r) => r.rule)).size;
    }
    expect(covering).toBeGreaterThan(random);
  });
});
