/** @module fastDrawing draws what fast-check's generate draws (values, and the random source after), and shrinks as it does. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import { arbitraryFromSchema, smallJson } from '../../../src/generate/arbitrary-from-schema.js';
import { draw, drawsWithoutShrinkTrees, fastDrawing, VERIFIED_FAST_CHECK_VERSIONS } from '../../../src/generate/fast-draw.js';
import { invalidRequests, validRequests } from '../../../src/generate/requests.js';

const contract = loadContract();
const models = [...contract.models.values()];

/** A seeded random source as fast-check hands it to `generate` (pure-rand is fast-check's, not ours to import). */
class Capture extends fc.Arbitrary<fc.Random> {
  generate(random: fc.Random): fc.Value<fc.Random> {
    return new fc.Value(random.clone(), undefined);
  }
  canShrinkWithoutContext(_value: unknown): _value is fc.Random {
    return false;
  }
  shrink(): fc.Stream<fc.Value<fc.Random>> {
    return fc.Stream.nil();
  }
}
const randoms = (seed: number, count: number): fc.Random[] => fc.sample(new Capture(), { seed, numRuns: count });

/** Everything that tells two drawn values apart: key order, prototypes, -0, undefined members, bigints, symbols. */
function shape(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : Number.isNaN(value) ? 'NaN' : value;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'undefined') return '(undefined)';
  if (typeof value === 'symbol') return `(symbol ${String(value.description)})`;
  if (value instanceof Uint8Array) return { bytes: [...value] };
  if (Array.isArray(value)) return { array: value.map(shape), holes: value.length !== Object.keys(value).length };
  if (typeof value === 'object' && value !== null) {
    const proto = Object.getPrototypeOf(value) === null ? 'null' : Object.getPrototypeOf(value) === Object.prototype ? 'Object' : 'other';
    return { proto, entries: Reflect.ownKeys(value).map((k) => [String(k), shape((value as Record<PropertyKey, unknown>)[k])]) };
  }
  return value;
}

/** Draws with `generate` and with `draw` from the same random state; both values and both states after must match. */
function expectSameDraws(arbitrary: fc.Arbitrary<unknown>, seed: number, count: number): void {
  // Bias factors as fc.check passes them (2 for the first run, growing with the run number) and none (fc.sample).
  const biases = [undefined, 2, 3, 4, 5];
  randoms(seed, count).forEach((random, i) => {
    const bias = biases[i % biases.length];
    const a = random.clone();
    const b = random.clone();
    const generated = arbitrary.generate(a, bias).value;
    const drawn = draw(arbitrary, b, bias);
    expect(shape(drawn)).toEqual(shape(generated));
    expect([b.nextInt(0, 2 ** 30), b.nextInt(0, 2 ** 30)]).toEqual([a.nextInt(0, 2 ** 30), a.nextInt(0, 2 ** 30)]);
  });
}

describe('draw: the values and random state of fast-check generate', () => {
  it('reads fast-check internals only for a verified version (this test is the verification: add a new version here after it passes)', () => {
    expect(VERIFIED_FAST_CHECK_VERSIONS, `fast-check ${fc.__version} is installed; the tests below hold draw against it`).toContain(fc.__version);
    expect(drawsWithoutShrinkTrees).toBe(true);
  });

  it('fast-check builders the generators use: strings, arrays, records, dictionaries, options, doubles, bigints, unique arrays', () => {
    const builders: fc.Arbitrary<unknown>[] = [
      fc.string({ maxLength: 40 }),
      fc.string({ minLength: 3, maxLength: 3, unit: 'binary' }),
      fc.array(fc.integer({ min: -5, max: 1000 }), { minLength: 1, maxLength: 8 }),
      fc.record({ a: fc.boolean(), b: fc.option(fc.nat()), c: fc.constantFrom('x', 'y', 'z') }, { requiredKeys: ['a'] }),
      fc.dictionary(fc.string({ maxLength: 3 }), fc.double({ noNaN: true }), { maxKeys: 4 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 5 }),
      fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }).map(Number),
      fc.tuple(fc.constant({ nested: [1] }), fc.noBias(fc.integer())),
      fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/),
      fc.oneof({ maxDepth: 2 }, fc.constant(null), fc.array(fc.nat(3))),
      fc.integer().filter((n) => n % 3 === 0),
      smallJson,
      fc.webUrl({ size: 'xsmall' }),
      fc.uuid(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      // A depth shared between a oneof and arrays: long arrays make the oneof prefer its first branch.
      fc.letrec((tie) => {
        const depthIdentifier = fc.createDepthIdentifier();
        return { tree: fc.oneof({ depthIdentifier, depthSize: 'small' }, fc.nat(9), fc.array(tie('tree'), { depthIdentifier, maxLength: 12 })) };
      }).tree,
    ];
    builders.forEach((arbitrary, i) => expectSameDraws(arbitrary, 100 + i, 300));
  });

  it('a schema with every keyword the generator honours', () => {
    const schema = {
      type: 'object',
      required: ['s', 'n'],
      properties: {
        s: { type: 'string', minLength: 1, maxLength: 12 },
        n: { type: 'number', minimum: -2, maximum: 5 },
        i: { type: 'integer', multipleOf: 3, minimum: 0, maximum: 30 },
        e: { enum: ['a', 'b', { c: 1 }] },
        p: { type: 'string', pattern: '^[A-Z]{2}-[0-9]+$' },
        u: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 4 }, uniqueItems: true, minItems: 2 },
        o: { oneOf: [{ type: 'string', format: 'uuid' }, { type: 'integer' }] },
        t: { type: 'array', prefixItems: [{ const: 'x' }, { type: 'boolean' }], items: { type: 'null' } },
        m: { type: 'object', additionalProperties: { type: 'integer' } },
        f: { type: 'string', format: 'date-time' },
      },
    };
    expectSameDraws(arbitraryFromSchema(schema), 7, 500);
  });
});

describe('draw over every catalogue model', () => {
  it.each(models.map((m) => [m.id, m] as const))('%s: valid and invalid requests', (_id, model) => {
    expectSameDraws(validRequests(contract, model), 11, 40);
    const invalid = invalidRequests(contract, model);
    if (invalid) expectSameDraws(invalid, 12, 20);
  });
});

describe('fastDrawing: a property run sees the same values and shrinks the same way', () => {
  const schema = { type: 'object', required: ['tags', 'n'], properties: { tags: { type: 'array', items: { type: 'string', maxLength: 8 } }, n: { type: 'integer', minimum: 0, maximum: 500 } } };
  const predicate = (value: unknown): boolean => {
    const v = value as { tags: string[]; n: number };
    return !(v.n > 40 && v.tags.join('').length > 3);
  };

  it('the same drawn values, the same counterexample, path and shrink count', () => {
    const arbitrary = arbitraryFromSchema(schema);
    for (const seed of [1, 2, 3, 4, 5]) {
      const seen: unknown[][] = [[], []];
      const plain = fc.check(fc.property(arbitrary, (v) => (seen[0]!.push(shape(v)), predicate(v))), { seed, numRuns: 200 });
      const fast = fc.check(fc.property(fastDrawing(arbitrary), (v) => (seen[1]!.push(shape(v)), predicate(v))), { seed, numRuns: 200 });
      expect(seen[1]).toEqual(seen[0]);
      expect(fast.failed).toBe(plain.failed);
      expect(fast.counterexamplePath).toBe(plain.counterexamplePath);
      expect(fast.numShrinks).toBe(plain.numShrinks);
      expect(shape(fast.counterexample)).toEqual(shape(plain.counterexample));
    }
  });

  it('a failure replays from (seed, path) on the plain arbitrary', () => {
    const arbitrary = arbitraryFromSchema(schema);
    const fast = fc.check(fc.property(fastDrawing(arbitrary), predicate), { seed: 9, numRuns: 200 });
    expect(fast.failed).toBe(true);
    const [replayed] = fc.sample(arbitrary, { seed: 9, path: fast.counterexamplePath!, numRuns: 1 });
    expect(shape(replayed)).toEqual(shape(fast.counterexample![0]));
  });
});
