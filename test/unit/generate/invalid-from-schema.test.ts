/** @module invalidArbitraries: each case breaks the rule it names, where it says, and the oracle filter drops accepted values. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../../src/contract/ajv.js';
import type { JsonSchema } from '../../../src/contract/types.js';
import { documentSource, STANDALONE_BASE } from '../../../src/generate/arbitrary-from-schema.js';
import { invalidArbitraries, probeCase, serialise } from '../../../src/generate/invalid-from-schema.js';

const ajv = createAjv({ allErrors: true });

function errorsOf(schema: JsonSchema, value: unknown): { keyword: string; instancePath: string }[] {
  const validate = ajv.compile(typeof schema === 'boolean' ? schema : { ...schema });
  return validate(serialise(value)) ? [] : (validate.errors ?? []).map((e) => ({ keyword: e.keyword, instancePath: e.instancePath }));
}

/** Schemas without combinators: every case must break exactly its own rule, at its own pointer. */
const ISOLATED: [string, JsonSchema, string[]][] = [
  ['string lengths', { type: 'string', minLength: 2, maxLength: 4 }, ['type@', 'minLength@', 'maxLength@']],
  ['pattern', { type: 'string', pattern: '^[a-z]+$' }, ['type@', 'pattern@']],
  ['format', { type: 'string', format: 'date-time' }, ['type@', 'format@']],
  ['integer range', { type: 'integer', minimum: 1, maximum: 10 }, ['type@', 'minimum@', 'maximum@']],
  ['exclusive range', { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, ['type@', 'exclusiveMinimum@', 'exclusiveMaximum@']],
  ['multipleOf', { type: 'number', multipleOf: 0.5 }, ['type@', 'multipleOf@']],
  ['enum', { enum: ['a', 'b'] }, ['enum@']],
  ['typed enum', { type: 'integer', enum: [1, 2] }, ['enum@']],
  ['const', { const: 3 }, ['const@']],
  ['array', { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 3 }, ['type@', 'minItems@', 'maxItems@', 'type@/0']],
  ['uniqueItems', { type: 'array', items: { type: 'string' }, uniqueItems: true }, ['type@', 'uniqueItems@', 'type@/0']],
  ['prefixItems', { type: 'array', prefixItems: [{ type: 'string' }, { type: 'boolean' }], items: false }, ['type@', 'type@/0', 'type@/1']],
  [
    'object',
    { type: 'object', properties: { a: { type: 'string', maxLength: 3 }, b: { type: 'boolean' } }, required: ['a'], additionalProperties: false },
    ['type@', 'required@', 'additionalProperties@', 'type@/a', 'maxLength@/a', 'type@/b'],
  ],
  [
    'nested object in an array',
    { type: 'object', properties: { rows: { type: 'array', items: { type: 'object', properties: { v: { type: 'integer', minimum: 0 } }, required: ['v'] } } }, required: ['rows'] },
    ['type@', 'required@', 'type@/rows', 'type@/rows/0', 'required@/rows/0', 'type@/rows/0/v', 'minimum@/rows/0/v'],
  ],
  ['map-like object', { type: 'object', additionalProperties: { type: 'integer' } }, ['type@', 'type@/extra']],
  ['object size', { type: 'object', additionalProperties: { type: 'integer' }, minProperties: 1, maxProperties: 3 }, ['type@', 'type@/extra', 'minProperties@', 'maxProperties@']],
  ['$ref', { $defs: { n: { type: 'integer', maximum: 5 } }, type: 'object', properties: { n: { $ref: '#/$defs/n' } } }, ['type@', 'type@/n', 'maximum@/n']],
];

describe('invalidArbitraries: one rule per case', () => {
  it.each(ISOLATED)('%s', (_name, schema, expected) => {
    const cases = invalidArbitraries(schema);
    expect(new Set(cases.map((c) => `${c.rule}@${c.pointer}`))).toEqual(new Set(expected));
    for (const c of cases) {
      expect(c.certain, `${c.rule}@${c.pointer}`).toBe(true);
      for (const value of fc.sample(c.arbitrary, { numRuns: 25, seed: 3 })) {
        const errors = errorsOf(schema, value);
        expect(errors.length, `${c.rule}@${c.pointer}: ${JSON.stringify(value)} was accepted`).toBeGreaterThan(0);
        // Exactly the named rule, exactly where it is named: nothing else about the value is wrong.
        expect(errors, `${c.rule}@${c.pointer}: ${JSON.stringify(value)}`).toEqual(errors.map(() => ({ keyword: c.rule, instancePath: c.pointer })));
      }
    }
  });

  it('keeps the rest of the value valid and small (mutation at one pointer)', () => {
    const schema: JsonSchema = { type: 'object', properties: { keep: { type: 'string', minLength: 1 }, n: { type: 'integer', maximum: 3 } }, required: ['keep', 'n'] };
    const [maximum] = invalidArbitraries(schema).filter((c) => c.rule === 'maximum');
    for (const value of fc.sample(maximum!.arbitrary, { numRuns: 30, seed: 1 }) as { keep: string; n: number }[]) {
      expect(value.keep.length).toBeGreaterThanOrEqual(1);
      expect(value.n).toBeGreaterThan(3);
    }
  });
});

describe('invalidArbitraries: the ajv oracle is the final filter', () => {
  // Two disjoint branches: breaking branch 0's maximum (n > 10) lands in branch 1's range (11..100) for small n.
  const overlapping: JsonSchema = {
    oneOf: [
      { type: 'object', properties: { n: { type: 'integer', maximum: 10 } }, required: ['n'], additionalProperties: false },
      { type: 'object', properties: { n: { type: 'integer', minimum: 11, maximum: 100 } }, required: ['n'], additionalProperties: false },
    ],
  };
  const base = 'https://wai-conformance.local/test/overlapping.json';
  const validate = documentSource(overlapping, base).validator(`${base}#`);
  const isBranch0Maximum = (c: { rule: string; pointer: string; schemaLocation: string }): boolean => c.rule === 'maximum' && c.pointer === '/n' && c.schemaLocation.includes('/oneOf/0');

  it('without the oracle, a mutation of one oneOf branch can be accepted by another (the false-positive class)', () => {
    const mutation = invalidArbitraries(overlapping, { base }).find(isBranch0Maximum)!;
    expect(mutation.certain).toBe(false);
    const values = fc.sample(mutation.arbitrary, { numRuns: 300, seed: 5 });
    expect(values.some((v) => validate(v))).toBe(true);
    expect(values.some((v) => !validate(v))).toBe(true);
  });

  it('with the oracle, no generated (or shrunk) value is one the contract accepts', () => {
    const cases = invalidArbitraries(overlapping, { base, oracle: (v) => !validate(v) });
    const mutation = cases.find(isBranch0Maximum)!;
    expect(fc.sample(mutation.arbitrary, { numRuns: 300, seed: 5 }).every((v) => !validate(v))).toBe(true);
    // Shrinking goes through the filter too: the minimal failing value is still really invalid.
    const details = fc.check(fc.property(mutation.arbitrary, () => false), { seed: 5 });
    expect(validate(details.counterexample![0])).toBe(false);
    for (const c of cases) expect(fc.sample(c.arbitrary, { numRuns: 50, seed: 2 }).every((v) => !validate(v)), `${c.rule}@${c.pointer}`).toBe(true);
  });

  it('drops a case whose every value another branch accepts (a filter on it would never return)', () => {
    const superset: JsonSchema = { anyOf: [{ type: 'integer', maximum: 10 }, { type: 'integer' }] };
    const accepts = documentSource(superset).validator(`${STANDALONE_BASE}#`);
    const unfiltered = invalidArbitraries(superset).filter((c) => c.rule === 'maximum');
    expect(unfiltered).toHaveLength(1);
    expect(probeCase(unfiltered[0]!.arbitrary, (v) => !accepts(v))).toBe(false);
    const kept = invalidArbitraries(superset, { oracle: (v) => !accepts(v) });
    expect(kept.map((c) => c.rule)).toEqual(['type']);
  });
});
