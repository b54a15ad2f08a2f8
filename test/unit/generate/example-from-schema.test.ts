/** @module exampleFromSchema: deterministic instances that ajv (the oracle) accepts. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import type { JsonSchema } from '../../../src/contract/types.js';
import { contractResolver } from '../../../src/emulator/outputs/schema-shape.js';
import { createRng } from '../../../src/emulator/rng.js';
import { ExampleError, exampleFromSchema, isNeverSchema } from '../../../src/generate/example-from-schema.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

function expectValid(schema: JsonSchema, seeds = [1, 2, 3, 4, 5], options = {}): void {
  const validate = ajv.compile(schema as object);
  for (const seed of seeds) {
    const value = exampleFromSchema(schema, createRng(seed), options);
    expect(validate(value), `seed ${seed}: ${JSON.stringify(value)} → ${JSON.stringify(validate.errors)}`).toBe(true);
  }
}

const cases: [string, JsonSchema][] = [
  ['true', true],
  ['empty', {}],
  ['string bounds', { type: 'string', minLength: 30, maxLength: 32 }],
  ['short string', { type: 'string', maxLength: 3 }],
  ['integer bounds', { type: 'integer', minimum: -5, maximum: -3 }],
  ['exclusive number', { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.5 }],
  ['multipleOf', { type: 'integer', minimum: 10, maximum: 100, multipleOf: 7 }],
  ['nullable type list', { type: ['null', 'string'] }],
  ['enum', { enum: ['a', 'b', null, 3] }],
  ['const', { const: { x: [1, 2] } }],
  ['formats', { type: 'object', properties: Object.fromEntries(['date-time', 'date', 'time', 'email', 'uri', 'uuid', 'ipv4', 'ipv6', 'hostname', 'duration', 'byte'].map((f) => [f, { type: 'string', format: f }])), required: ['uuid'] }],
  ['pattern with literal prefix', { type: 'string', pattern: '^data:' }],
  ['digit pattern', { type: 'string', pattern: '^[0-9]+$' }],
  ['array bounds', { type: 'array', items: { type: 'boolean' }, minItems: 4, maxItems: 6 }],
  ['unique items', { type: 'array', items: { enum: [1, 2, 3] }, minItems: 3, uniqueItems: true }],
  ['prefixItems', { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false, minItems: 2 }],
  [
    'object: required, optional, additionalProperties false',
    { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } }, required: ['a'], additionalProperties: false },
  ],
  ['required without properties', { type: 'object', required: ['x', 'y'], additionalProperties: { type: 'integer' } }],
  ['minProperties', { type: 'object', minProperties: 3, additionalProperties: { type: 'string' } }],
  ['never properties are left out', { type: 'object', properties: { gone: { not: {} }, here: { type: 'string' } }, required: ['here'], additionalProperties: true }],
  ['allOf merges', { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'integer', minimum: 3 } }, required: ['b'] }] }],
  ['anyOf first satisfiable branch', { anyOf: [{ type: 'null' }, { type: 'object', properties: { q: { type: 'string', minLength: 1 } }, required: ['q'] }] }],
  [
    'oneOf under a typed parent (the text-generation input pattern)',
    { type: 'object', oneOf: [{ properties: { prompt: { type: 'string' } }, required: ['prompt'] }, { properties: { messages: { type: 'array' } }, required: ['messages'] }] },
  ],
  ['oneOf skips branches of another type', { type: 'string', oneOf: [{ type: 'integer' }, { minLength: 5 }] }],
  [
    '$ref into $defs, recursive',
    { $ref: '#/$defs/node', $defs: { node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['name'] } } },
  ],
  ['$ref with siblings', { $defs: { s: { type: 'string' } }, type: 'object', properties: { v: { $ref: '#/$defs/s', minLength: 4 } }, required: ['v'] }],
  [
    'OpenAI-style response_format schema',
    {
      type: 'object',
      properties: { answer: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 }, sources: { type: 'array', items: { type: 'string', format: 'uri' } } },
      required: ['answer', 'confidence', 'sources'],
      additionalProperties: false,
    },
  ],
];

describe('exampleFromSchema', () => {
  it.each(cases)('%s: every seed gives a valid instance', (_name, schema) => {
    expectValid(schema);
    expectValid(schema, [9], { optional: false });
  });

  it('is deterministic per seed and varies across seeds', () => {
    const schema: JsonSchema = { type: 'object', properties: { a: { type: 'string' }, n: { type: 'integer', minimum: 0, maximum: 1000 } }, required: ['a', 'n'] };
    expect(exampleFromSchema(schema, createRng(3))).toEqual(exampleFromSchema(schema, createRng(3)));
    const values = new Set([1, 2, 3, 4, 5, 6].map((s) => JSON.stringify(exampleFromSchema(schema, createRng(s)))));
    expect(values.size).toBeGreaterThan(1);
  });

  it('leaves out optional members with optional: false', () => {
    const schema: JsonSchema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['b'] };
    expect(Object.keys(exampleFromSchema(schema, createRng(1), { optional: false }) as object)).toEqual(['b']);
  });

  it('throws ExampleError for what cannot be instantiated', () => {
    expect(() => exampleFromSchema(false, createRng(1))).toThrow(ExampleError);
    expect(() => exampleFromSchema({ $ref: '#/$defs/missing' }, createRng(1))).toThrow(ExampleError);
    expect(() => exampleFromSchema({ $ref: 'https://example.com/other.json' }, createRng(1))).toThrow(ExampleError);
  });

  it('recognises never schemas', () => {
    expect(isNeverSchema(false)).toBe(true);
    expect(isNeverSchema({ not: {} })).toBe(true);
    expect(isNeverSchema({ not: { type: 'string' } })).toBe(false);
    expect(isNeverSchema({})).toBe(false);
  });

  it('instantiates every model input and output schema of the contract (references resolved through it)', () => {
    const contract = loadContract();
    const resolveRef = contractResolver(contract);
    let count = 0;
    for (const model of contract.models.values()) {
      for (const part of ['input', 'output'] as const) {
        for (const optional of [true, false]) {
          const value = exampleFromSchema(model[part], createRng(count), { resolveRef, baseUri: model.schemaUri, optional });
          expect(contract.validateModel(model, part, value), `${model.id} ${part}`).toEqual([]);
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(300);
  });

  /** Random schemas of the supported keywords, with consistent bounds. */
  const schemaArb: fc.Arbitrary<JsonSchema> = fc.letrec<{ schema: JsonSchema }>((tie) => ({
    schema: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ type: fc.constant('string'), minLength: fc.nat(5), extra: fc.nat(10) }).map(({ minLength, extra }) => ({ type: 'string', minLength, maxLength: minLength + extra })),
      fc.record({ lo: fc.integer({ min: -1000, max: 1000 }), span: fc.nat(50) }).map(({ lo, span }) => ({ type: 'integer', minimum: lo, maximum: lo + span })),
      fc.record({ lo: fc.double({ min: -10, max: 10, noNaN: true }), span: fc.double({ min: 0.1, max: 10, noNaN: true }) }).map(({ lo, span }) => ({ type: 'number', minimum: lo, maximum: lo + span })),
      fc.constant({ type: 'boolean' }),
      fc.constant({ type: 'null' }),
      fc.uniqueArray(fc.oneof(fc.string(), fc.integer()), { minLength: 1, maxLength: 4 }).map((values) => ({ enum: values })),
      fc.record({ items: tie('schema'), minItems: fc.nat(2), extra: fc.nat(2) }).map(({ items, minItems, extra }) => ({ type: 'array', items, minItems, maxItems: minItems + extra })),
      fc
        .record({ props: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('schema'), { maxKeys: 4 }), closed: fc.boolean(), requireAll: fc.boolean() })
        .map(({ props, closed, requireAll }) => ({
          type: 'object',
          properties: props,
          required: requireAll ? Object.keys(props) : Object.keys(props).slice(0, 1),
          additionalProperties: !closed,
        })),
      fc.array(tie('schema'), { minLength: 1, maxLength: 3 }).map((branches) => ({ anyOf: branches })),
    ),
  })).schema;

  it('property: random schemas of the supported keywords always get a valid instance', () => {
    fc.assert(
      fc.property(schemaArb, fc.integer(), (schema, seed) => {
        const validate = ajv.compile(schema as object);
        const value = exampleFromSchema(schema, createRng(seed));
        return validate(value) === true;
      }),
      { numRuns: 300 },
    );
  });
});
