/** @module serialise: the value a target receives, exactly as a JSON round trip makes it, whatever the data. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serialise } from '../../../src/generate/invalid-from-schema.js';

const roundTrip = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** Same value, same key order, same own `__proto__` members, and no -0 left. */
function same(a: unknown, b: unknown): void {
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  expect(a).toStrictEqual(b);
}

describe('serialise', () => {
  it('equals the JSON round trip on any data fast-check draws', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true, withSparseArray: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }), (value) => {
        same(serialise(value), roundTrip(value));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('drops undefined members, writes missing array elements as null, turns -0 and non-finite numbers as JSON does', () => {
    const input = { a: undefined, b: [undefined, () => 1, Symbol('s'), -0, NaN, Infinity], c: -0, d: { e: undefined } };
    expect(serialise(input)).toStrictEqual(roundTrip(input));
    expect(Object.is((serialise({ c: -0 }) as { c: number }).c, 0)).toBe(true);
  });

  it('keeps a __proto__ key as an own member, never as the prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    const copy = serialise(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'x']);
    same(copy, roundTrip(input));
  });

  it('gives class instances, toJSON and cycles to the round trip (same result, same errors)', () => {
    const date = new Date(0);
    expect(serialise({ when: date })).toStrictEqual({ when: date.toJSON() });
    expect(serialise({ bytes: new Uint8Array([1, 2]) })).toStrictEqual(roundTrip({ bytes: new Uint8Array([1, 2]) }));
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => serialise(cycle)).toThrow(TypeError);
    expect(() => serialise({ n: 1n })).toThrow(TypeError);
  });

  it('returns a copy: changing it leaves the drawn value alone', () => {
    const input = { list: [{ a: 1 }] };
    const copy = serialise(input);
    copy.list[0]!.a = 2;
    expect(input.list[0]!.a).toBe(1);
  });
});
