import { describe, expect, it } from 'vitest';
import { diffSchemas, matchBranches, SCHEMA_CHANGE_KINDS, type SchemaChange } from '../../../src/diff/schema-diff.js';
import type { JsonSchema } from '../../../src/contract/types.js';
import { loadContract } from '../../../src/contract/load.js';

/** The changes as compact tuples: [pointer, kind, effect]. */
const brief = (changes: SchemaChange[]) => changes.map((c) => [c.pointer, c.kind, c.effect]);
const diff = (a: JsonSchema, b: JsonSchema) => brief(diffSchemas(a, b));

describe('diffSchemas', () => {
  it('finds nothing between equal schemas, whatever the key order', () => {
    expect(diffSchemas({ type: 'object', properties: { a: { type: 'string', minLength: 1 } } }, { properties: { a: { minLength: 1, type: 'string' } }, type: 'object' })).toEqual([]);
    expect(diffSchemas(true, {})).toEqual([]);
  });

  it('properties added and removed, noting whether the object was closed', () => {
    const open = { type: 'object', properties: { a: { type: 'string' } } };
    const openMore = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } };
    expect(diff(open, openMore)).toEqual([['/properties/b', 'property-added', 'none']]);
    expect(diff(openMore, open)).toEqual([['/properties/b', 'property-removed', 'none']]);
    const closed = { ...open, additionalProperties: false };
    const closedMore = { ...openMore, additionalProperties: false };
    expect(diff(closed, closedMore)).toEqual([['/properties/b', 'property-added', 'widens']]);
    expect(diff(closedMore, closed)).toEqual([['/properties/b', 'property-removed', 'narrows']]);
    const [added] = diffSchemas(closed, closedMore);
    expect(added).toMatchObject({ after: 'integer', closed: true });
  });

  it('required added and removed', () => {
    const a = { type: 'object', properties: { a: {}, b: {} }, required: ['a'] };
    const b = { type: 'object', properties: { a: {}, b: {} }, required: ['a', 'b'] };
    expect(diff(a, b)).toEqual([['/properties/b', 'required-added', 'narrows']]);
    expect(diff(b, a)).toEqual([['/properties/b', 'required-removed', 'widens']]);
  });

  it('types narrowed, widened (integer is a number) and changed; a type where any value went', () => {
    expect(diff({ type: ['string', 'null'] }, { type: 'string' })).toEqual([['/type', 'type-narrowed', 'narrows']]);
    expect(diff({ type: 'string' }, { type: ['string', 'null'] })).toEqual([['/type', 'type-widened', 'widens']]);
    expect(diff({ type: 'integer' }, { type: 'number' })).toEqual([['/type', 'type-widened', 'widens']]);
    expect(diff({ type: 'number' }, { type: 'integer' })).toEqual([['/type', 'type-narrowed', 'narrows']]);
    expect(diff({ type: 'string' }, { type: 'boolean' })).toEqual([['/type', 'type-changed', 'both']]);
    expect(diff({}, { type: 'string' })).toEqual([['/type', 'type-narrowed', 'narrows']]);
    expect(diff({ type: 'string' }, {})).toEqual([['/type', 'type-widened', 'widens']]);
  });

  it('enum values added and removed, const as a one-value enum, enum introduced and dropped', () => {
    expect(diffSchemas({ enum: ['mean', 'cls'] }, { enum: ['mean'] })).toEqual([
      { pointer: '/enum', kind: 'enum-value-removed', keyword: 'enum', before: ['mean', 'cls'], after: ['mean'], values: ['cls'], effect: 'narrows' },
    ]);
    expect(diff({ enum: ['mean'] }, { enum: ['mean', 'cls'] })).toEqual([['/enum', 'enum-value-added', 'widens']]);
    expect(diff({ enum: ['a', 'b'] }, { enum: ['a', 'c'] })).toEqual([
      ['/enum', 'enum-value-removed', 'narrows'],
      ['/enum', 'enum-value-added', 'widens'],
    ]);
    expect(diff({ const: 'a' }, { enum: ['a'] })).toEqual([]);
    expect(diff({ const: 'a' }, { enum: ['a', 'b'] })).toEqual([['/enum', 'enum-value-added', 'widens']]);
    expect(diff({ type: 'string' }, { type: 'string', enum: ['x'] })).toEqual([['/enum', 'enum-added', 'narrows']]);
    expect(diff({ type: 'string', enum: ['x'] }, { type: 'string' })).toEqual([['/enum', 'enum-removed', 'widens']]);
  });

  it('bounds tightened and loosened, in both senses, added and removed', () => {
    for (const [keyword, loose, tight] of [
      ['minimum', 0, 1],
      ['exclusiveMinimum', 0, 1],
      ['minLength', 0, 1],
      ['minItems', 1, 2],
      ['minProperties', 0, 1],
      ['maximum', 5, 2],
      ['exclusiveMaximum', 5, 2],
      ['maxLength', 100, 10],
      ['maxItems', 100, 10],
      ['maxProperties', 10, 1],
    ] as const) {
      expect(diffSchemas({ [keyword]: loose }, { [keyword]: tight }), keyword).toEqual([{ pointer: `/${keyword}`, kind: 'constraint-tightened', keyword, before: loose, after: tight, effect: 'narrows' }]);
      expect(diff({ [keyword]: tight }, { [keyword]: loose })).toEqual([[`/${keyword}`, 'constraint-loosened', 'widens']]);
      expect(diff({}, { [keyword]: tight })).toEqual([[`/${keyword}`, 'constraint-tightened', 'narrows']]);
      expect(diff({ [keyword]: tight }, {})).toEqual([[`/${keyword}`, 'constraint-loosened', 'widens']]);
    }
  });

  it('pattern, format, multipleOf and uniqueItems', () => {
    expect(diff({ type: 'string' }, { type: 'string', pattern: '^a' })).toEqual([['/pattern', 'constraint-tightened', 'narrows']]);
    expect(diff({ type: 'string', pattern: '^a' }, { type: 'string' })).toEqual([['/pattern', 'constraint-loosened', 'widens']]);
    expect(diff({ pattern: '^a' }, { pattern: '^b' })).toEqual([['/pattern', 'constraint-changed', 'both']]);
    expect(diff({}, { format: 'uri' })).toEqual([['/format', 'constraint-tightened', 'narrows']]);
    expect(diff({ multipleOf: 1 }, { multipleOf: 2 })).toEqual([['/multipleOf', 'constraint-tightened', 'narrows']]);
    expect(diff({ multipleOf: 2 }, { multipleOf: 1 })).toEqual([['/multipleOf', 'constraint-loosened', 'widens']]);
    expect(diff({ multipleOf: 2 }, { multipleOf: 3 })).toEqual([['/multipleOf', 'constraint-changed', 'both']]);
    expect(diff({ type: 'array' }, { type: 'array', uniqueItems: true })).toEqual([['/uniqueItems', 'constraint-tightened', 'narrows']]);
    expect(diff({ type: 'array', uniqueItems: true }, { type: 'array', uniqueItems: false })).toEqual([['/uniqueItems', 'constraint-loosened', 'widens']]);
  });

  it('additionalProperties closed and opened; schema-valued additionalProperties compared', () => {
    expect(diff({ type: 'object' }, { type: 'object', additionalProperties: false })).toEqual([['/additionalProperties', 'additional-properties-closed', 'narrows']]);
    expect(diff({ type: 'object', additionalProperties: false }, { type: 'object' })).toEqual([['/additionalProperties', 'additional-properties-opened', 'widens']]);
    expect(diff({ additionalProperties: false }, { additionalProperties: { type: 'string' } })).toEqual([['/additionalProperties', 'additional-properties-opened', 'widens']]);
    expect(diff({ additionalProperties: { type: 'string' } }, { additionalProperties: { type: ['string', 'number'] } })).toEqual([['/additionalProperties/type', 'type-widened', 'widens']]);
    expect(diff({}, { additionalProperties: { type: 'string' } })).toEqual([['/additionalProperties/type', 'type-narrowed', 'narrows']]);
  });

  it('items compared recursively; false subschemas closed and opened', () => {
    expect(diff({ type: 'array', items: { type: 'string', maxLength: 10 } }, { type: 'array', items: { type: 'string', maxLength: 5 } })).toEqual([['/items/maxLength', 'constraint-tightened', 'narrows']]);
    expect(diff({ type: 'array' }, { type: 'array', items: { type: 'number' } })).toEqual([['/items/type', 'type-narrowed', 'narrows']]);
    expect(diff({ properties: { a: { type: 'string' } } }, { properties: { a: false } })).toEqual([['/properties/a', 'schema-closed', 'narrows']]);
    expect(diff({ properties: { a: false } }, { properties: { a: { type: 'string' } } })).toEqual([['/properties/a', 'schema-opened', 'widens']]);
    expect(diff({ prefixItems: [{ type: 'string' }] }, { prefixItems: [{ type: 'string' }, { type: 'number' }] })).toEqual([['/prefixItems/1', 'branch-added', 'narrows']]);
  });

  it('anyOf/oneOf branches added and removed, matched by title whatever their order', () => {
    const a = { anyOf: [{ title: 'Prompt', type: 'object', required: ['prompt'] }, { title: 'Messages', type: 'object', required: ['messages'] }] };
    const b = { anyOf: [{ title: 'Messages', type: 'object', required: ['messages'] }, { title: 'Prompt', type: 'object', required: ['prompt'] }, { title: 'Batch', type: 'object', required: ['requests'] }] };
    expect(diff(a, b)).toEqual([['/anyOf/2', 'branch-added', 'widens']]);
    expect(diff(b, a)).toEqual([['/anyOf/2', 'branch-removed', 'narrows']]);
    const tightened = structuredClone(b);
    (tightened.anyOf[1] as Record<string, unknown>).required = ['prompt', 'max_tokens'];
    expect(diff(b, tightened)).toEqual([['/anyOf/1/properties/max_tokens', 'required-added', 'narrows']]);
    expect(diff({ oneOf: [{ type: 'string' }] }, { oneOf: [{ type: 'string' }, { type: 'array' }] })).toEqual([['/oneOf/1', 'branch-added', 'widens']]);
  });

  it('matches a renamed branch by its structure (the title change is an annotation)', () => {
    const a = { anyOf: [{ title: 'Prompt', type: 'object', required: ['prompt'] }, { title: 'Messages', type: 'object', required: ['messages'] }] };
    const b = { anyOf: [{ title: 'Messages', type: 'object', required: ['messages'] }, { title: 'Text prompt', type: 'object', required: ['prompt'] }] };
    expect(diff(a, b)).toEqual([['/anyOf/1/title', 'description-changed', 'none']]);
  });

  it('matches untitled branches by structure, then position, then similarity', () => {
    expect(matchBranches([{ type: 'string' }, { type: 'array' }], [{ type: 'array' }, { type: 'string' }])).toEqual({ pairs: [[1, 0], [0, 1]], removed: [], added: [] });
    expect(matchBranches([{ type: 'string', minLength: 1 }], [{ type: 'string', minLength: 2 }, { type: 'object', properties: { x: {} } }])).toEqual({ pairs: [[0, 0]], removed: [], added: [1] });
  });

  it('a plain schema becoming a union (and back) is a branch added (removed), the old schema matched to its branch', () => {
    expect(diff({ type: 'string', description: 'text' }, { description: 'text', anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })).toEqual([['/anyOf/1', 'branch-added', 'widens']]);
    expect(diff({ description: 'text', anyOf: [{ type: 'string' }, { type: 'array' }] }, { type: 'string', description: 'text' })).toEqual([['/anyOf/1', 'branch-removed', 'narrows']]);
    expect(diff({ description: 'anything' }, { description: 'anything', anyOf: [{ type: 'string' }] })).toEqual([['/anyOf', 'composition-added', 'narrows']]);
    expect(diff({ anyOf: [{ type: 'string' }, { type: 'number' }] }, { oneOf: [{ type: 'string' }, { type: 'number' }] })).toEqual([['', 'composition-changed', 'narrows']]);
    expect(diff({ oneOf: [{ type: 'string' }] }, { anyOf: [{ type: 'string' }] })).toEqual([['', 'composition-changed', 'widens']]);
  });

  it('allOf members added narrow, removed widen', () => {
    expect(diff({ allOf: [{ type: 'object' }] }, { allOf: [{ type: 'object' }, { required: ['a'] }] })).toEqual([['/allOf/1', 'branch-added', 'narrows']]);
    expect(diff({ allOf: [{ type: 'object' }, { required: ['a'] }] }, { allOf: [{ type: 'object' }] })).toEqual([['/allOf/1', 'branch-removed', 'widens']]);
  });

  it('inside not the effect is reversed; inside if/then/else it goes either way', () => {
    expect(diff({ not: { enum: ['a'] } }, { not: { enum: ['a', 'b'] } })).toEqual([['/not/enum', 'enum-value-added', 'narrows']]);
    expect(diff({ not: { required: ['a'] } }, {})).toEqual([['/not', 'subschema-removed', 'widens']]);
    expect(diff({ if: { required: ['a'] }, then: { maxLength: 3 } }, { if: { required: ['a'] }, then: { maxLength: 2 } })).toEqual([['/then/maxLength', 'constraint-tightened', 'both']]);
  });

  it('patternProperties entries and contains', () => {
    expect(diff({}, { patternProperties: { '^x-': { type: 'string' } } })).toEqual([['/patternProperties/^x-', 'subschema-added', 'narrows']]);
    expect(diff({ patternProperties: { '^x-': { type: 'string' } } }, {})).toEqual([['/patternProperties/^x-', 'subschema-removed', 'widens']]);
    expect(diff({ contains: { type: 'string' } }, { contains: { type: 'number' } })).toEqual([['/contains/type', 'type-changed', 'both']]);
  });

  it('annotations: description, default, deprecated, other keywords; examples ignored', () => {
    expect(diff({ description: 'a' }, { description: 'b' })).toEqual([['/description', 'description-changed', 'none']]);
    expect(diff({ title: 'a' }, { title: 'b' })).toEqual([['/title', 'description-changed', 'none']]);
    expect(diff({}, { default: 1 })).toEqual([['/default', 'default-added', 'none']]);
    expect(diff({ default: 1 }, {})).toEqual([['/default', 'default-removed', 'none']]);
    expect(diff({ default: 1 }, { default: 2 })).toEqual([['/default', 'default-changed', 'none']]);
    expect(diff({}, { deprecated: true })).toEqual([['/deprecated', 'deprecated-changed', 'none']]);
    expect(diff({ contentType: 'image/png' }, { contentType: 'image/jpeg' })).toEqual([['/contentType', 'keyword-changed', 'none']]);
    expect(diff({ examples: [1] }, { examples: [2], $comment: 'x' })).toEqual([]);
    expect(diff({ $ref: 'a#/x' }, { $ref: 'a#/y' })).toEqual([['/$ref', 'ref-changed', 'both']]);
  });

  it('escapes pointer tokens and honours a prefix', () => {
    const changes = diffSchemas({ properties: { 'a/b': { type: 'string' } } }, { properties: { 'a/b': { type: 'number' } } }, '/$defs/input');
    expect(changes[0]?.pointer).toBe('/$defs/input/properties/a~1b/type');
  });

  it('walks pairs of the contract schemas without failing, with known kinds and absolute pointers', () => {
    const contract = loadContract();
    const models = [...contract.models.values()];
    const kinds = new Set<string>(SCHEMA_CHANGE_KINDS);
    let total = 0;
    models.forEach((model, i) => {
      const other = models[(i + 1) % models.length]!;
      for (const part of ['input', 'output'] as const) {
        const changes = diffSchemas(contract.inlinedSchema(model, part), contract.inlinedSchema(other, part));
        total += changes.length;
        for (const change of changes) {
          expect(kinds.has(change.kind), change.kind).toBe(true);
          expect(change.pointer === '' || change.pointer.startsWith('/')).toBe(true);
        }
        expect(diffSchemas(contract.inlinedSchema(model, part), contract.inlinedSchema(model, part))).toEqual([]);
      }
    });
    expect(total).toBeGreaterThan(100);
  });
});
