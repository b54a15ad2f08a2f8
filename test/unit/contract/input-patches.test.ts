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
