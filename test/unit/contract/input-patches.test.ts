/** Task-wide input corrections (`tasks.<task>.inputPatches` in spec/models/overlay.yaml) reach every model of the task. */
import { describe, expect, it } from 'vitest';
import { applySuffixPatch } from '../../../src/contract/effective-schema.js';
import { loadContract } from '../../../src/contract/load.js';

describe('applySuffixPatch', () => {
  it('merges keywords wherever the pointer ends with the suffix, at any depth, and null deletes', () => {
    const schema = {
      anyOf: [
        { properties: { parameters: { properties: { properties: { additionalProperties: { required: ['type', 'description'], title: 'a' } } } } } },
        { properties: { function: { properties: { parameters: { properties: { properties: { additionalProperties: { required: ['type', 'description'] } } } } } } } },
      ],
      properties: { additionalProperties: { required: ['x'] } },
    };
    expect(applySuffixPatch(schema, '/parameters/properties/properties/additionalProperties', { required: ['type'], title: null })).toBe(2);
    expect(schema.anyOf[0]!.properties.parameters!.properties.properties.additionalProperties).toEqual({ required: ['type'] });
    expect(schema.anyOf[1]!.properties.function!.properties.parameters.properties.properties.additionalProperties).toEqual({ required: ['type'] });
    expect(schema.properties.additionalProperties).toEqual({ required: ['x'] });
  });
});

describe('applySuffixPatch matches by pointer text', () => {
  /** The definition: a subschema is patched when its JSON pointer, as text, ends with the suffix. */
  function byPointerText(schema: unknown, suffix: string, keywords: Record<string, unknown>): number {
    let patched = 0;
    const walk = (node: unknown, pointer: string, depth: number): void => {
      if (depth > 64 || typeof node !== 'object' || node === null) return;
      if (!Array.isArray(node) && pointer.endsWith(suffix)) {
        for (const [keyword, value] of Object.entries(keywords)) {
          if (value === null) delete (node as Record<string, unknown>)[keyword];
          else (node as Record<string, unknown>)[keyword] = structuredClone(value);
        }
        patched++;
      }
      for (const [key, child] of Object.entries(node)) walk(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1);
    };
    walk(schema, '', 0);
    return patched;
  }

  it('on every model schema of the contract, with suffixes of several tokens, escaped tokens and array indexes', () => {
    const contract = loadContract();
    const suffixes = ['/parameters/properties/properties/additionalProperties', '/choices/items/properties/message', '/properties/type', '/anyOf/0', '/items', '/a~1b/c~0d', '/enum'];
    let matched = 0;
    for (const model of contract.models.values()) {
      for (const part of ['input', 'output'] as const) {
        for (const suffix of suffixes) {
          const expected = structuredClone(model[part]);
          const actual = structuredClone(model[part]);
          const count = byPointerText(expected, suffix, { title: 'patched', description: null });
          expect(applySuffixPatch(actual, suffix, { title: 'patched', description: null }), `${model.id} ${part} ${suffix}`).toBe(count);
          expect(actual).toEqual(expected);
          matched += count;
        }
      }
    }
    expect(matched).toBeGreaterThan(100);
    const escaped = { properties: { 'a/b': { properties: { 'c~d': { type: 'string' } } } } };
    expect(applySuffixPatch(escaped, '/a~1b/properties/c~0d', { minLength: 1 })).toBe(1);
    expect(escaped.properties['a/b'].properties['c~d']).toEqual({ type: 'string', minLength: 1 });
  });
});

describe('the tool parameter correction', () => {
  const contract = loadContract();
  // As the AI SDK sends a tool defined with zod's z.object({ city: z.string() }): no description on `city`.
  const tools = [{ type: 'function', function: { name: 'weather', description: 'The weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#' } } }];

  it('accepts tool parameters without a description for every text-generation model that takes tools', () => {
    const takingTools = [...contract.models.values()].filter((m) => m.task === 'text-generation' && contract.validateModel(m, 'input', { messages: [{ role: 'user', content: 'hi' }], tools: [{ ...tools[0], function: { ...tools[0]!.function, parameters: { type: 'object', properties: { city: { type: 'string', description: 'A city' } } } } }] }).length === 0);
    expect(takingTools.length).toBeGreaterThan(10);
    for (const model of takingTools) expect(contract.validateModel(model, 'input', { messages: [{ role: 'user', content: 'hi' }], tools }), model.id).toEqual([]);
  });

  it('still requires a parameter type', () => {
    const model = contract.model('@cf/meta/llama-3.3-70b-instruct-fp8-fast')!;
    const untyped = [{ ...tools[0], function: { ...tools[0]!.function, parameters: { type: 'object', properties: { city: { description: 'A city' } } } } }];
    expect(contract.validateModel(model, 'input', { messages: [{ role: 'user', content: 'hi' }], tools: untyped }).length).toBeGreaterThan(0);
  });
});
