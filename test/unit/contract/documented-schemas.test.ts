/**
 * @module Every catalogue model workers-types lacks has its catalogue page's own schemas (spec/models/overlay.yaml), not
 * its task's: the differences the pages state hold, the emulator answers in the page's output form, and the overlay's
 * shared templates reach each model as its own copy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { defaultSpecDir } from '../../../src/contract/files.js';
import { loadContract } from '../../../src/contract/load.js';
import { modelStatus } from '../../../src/contract/types.js';
import { outputMakers } from '../../../src/emulator/outputs/index.js';
import { createRng } from '../../../src/emulator/rng.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const contract = loadContract();
const spec = defaultSpecDir();
const overlay = parseYaml(readFileSync(join(spec, 'models/overlay.yaml'), 'utf8')) as { models: Record<string, Obj> };
const generated = JSON.parse(readFileSync(join(spec, 'models/generated/index.json'), 'utf8')) as { models: { id: string }[] };

const model = (id: string) => {
  const entry = contract.model(id);
  if (!entry) throw new Error(`${id} is not in the contract`);
  return entry;
};
/** A schema as the tests read it, by property and branch. */
interface SchemaNode {
  properties: Record<string, SchemaNode>;
  oneOf: SchemaNode[];
}
const schema = (id: string, part: 'input' | 'output'): SchemaNode => model(id)[part] as unknown as SchemaNode;

const invalidAt = (id: string, part: 'input' | 'output', value: unknown): string[] => contract.validateModel(model(id), part, value).map((e) => e.instancePath);

const IMAGE_TEMPLATE = ['@cf/meta/llama-3.1-70b-instruct', '@cf/meta/llama-3.1-8b-instruct-fast'];
const CLASSIC_TEMPLATE = ['@cf/meta/llama-3.1-8b-instruct', '@hf/thebloke/llamaguard-7b-awq', '@hf/meta-llama/meta-llama-3-8b-instruct'];
const MATH_BASE = '@cf/deepseek-ai/deepseek-math-7b-base';
const PAGE_SCHEMAS = [...IMAGE_TEMPLATE, ...CLASSIC_TEMPLATE, MATH_BASE, '@cf/runwayml/stable-diffusion-v1-5-img2img'];

describe('catalogue models the types lack', () => {
  it('each state an input and an output of their own in the overlay', () => {
    const typed = new Set(generated.models.map((m) => m.id));
    const lacking = Object.entries(overlay.models)
      .filter(([id]) => !typed.has(id))
      .filter(([, entry]) => entry.input === undefined || entry.output === undefined)
      .map(([id]) => id);
    expect(lacking, 'a model without schemas would take its task\'s (src/contract/load.ts): give it its page\'s').toEqual([]);
    for (const id of PAGE_SCHEMAS) expect(overlay.models[id]?.input, id).toBeDefined();
  });

  it('are counted as README.md and spec/README.md count them', () => {
    const typed = generated.models.length;
    const documented = [...contract.models.values()].filter((m) => m.source === 'overlay').length;
    const readme = readFileSync(join(spec, '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(`generated from \`@cloudflare/workers-types\`, ${typed} models;`);
    expect(readme).toContain(`the types, ${documented} models, each with its own catalogue page's input and output schemas`);
    expect(readFileSync(join(spec, 'README.md'), 'utf8')).toContain(`that the types lack (all ${documented} of them:`);
  });

  it('keep the status lifecycle.yaml gives them', () => {
    expect(PAGE_SCHEMAS.map((id) => [id, modelStatus(model(id)), model(id).lifecycle?.deprecationDate ?? null])).toEqual([
      ['@cf/meta/llama-3.1-70b-instruct', 'deprecated', '2026-05-30'],
      ['@cf/meta/llama-3.1-8b-instruct-fast', 'active', null],
      ['@cf/meta/llama-3.1-8b-instruct', 'deprecated', '2026-05-30'],
      ['@hf/thebloke/llamaguard-7b-awq', 'deprecated', '2025-10-01'],
      ['@hf/meta-llama/meta-llama-3-8b-instruct', 'deprecated', '2026-05-30'],
      [MATH_BASE, 'deprecated', null],
      ['@cf/runwayml/stable-diffusion-v1-5-img2img', 'active', null],
    ]);
  });
});

describe("the catalogue pages' text-generation schemas", () => {
  it('llama-3.1-70b and -fast (2024 pages): an image beside prompt or messages, penalties 0..2, no usage in the answer', () => {
    for (const id of IMAGE_TEMPLATE) {
      expect(invalidAt(id, 'input', { prompt: 'What is in it?', image: [137, 80, 78, 71] }), id).toEqual([]);
      expect(invalidAt(id, 'input', { messages: [{ role: 'user', content: 'Hi' }], frequency_penalty: -1 }), id).toContain('/frequency_penalty');
      expect(schema(id, 'output').properties, id).not.toHaveProperty('usage');
    }
  });

  it('llama-3.1-8b-instruct, llamaguard-7b-awq, meta-llama-3-8b-instruct (2025 pages): message content a string, usage in the answer', () => {
    for (const id of CLASSIC_TEMPLATE) {
      expect(invalidAt(id, 'input', { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }), id).toContain('/messages/0/content');
      expect(schema(id, 'input').oneOf[0]!.properties, id).not.toHaveProperty('image');
      expect(schema(id, 'output').properties.usage?.properties, id).toHaveProperty('total_tokens');
      expect(invalidAt(id, 'output', { response: 'safe', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }), id).toEqual([]);
    }
  });

  it('legacy tool calls, arguments an object', () => {
    for (const id of [...IMAGE_TEMPLATE, ...CLASSIC_TEMPLATE]) {
      expect(invalidAt(id, 'output', { response: '', tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }), id).toEqual([]);
      expect(invalidAt(id, 'output', { response: '', tool_calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] }), id).toContain('/tool_calls/0/arguments');
    }
  });

  it("JSON Mode where the docs' JSON Mode page lists the model, not where it does not", () => {
    const format = { type: 'json_schema', json_schema: { type: 'object', properties: { name: { type: 'string' } } } };
    for (const id of [...IMAGE_TEMPLATE, '@cf/meta/llama-3.1-8b-instruct']) {
      expect(invalidAt(id, 'input', { prompt: 'India?', response_format: format }), id).toEqual([]);
      expect(invalidAt(id, 'input', { prompt: 'India?', response_format: { type: 'yaml' } }), id).toContain('/response_format/type');
    }
    // Same template as llama-3.1-8b-instruct, whose patch adds response_format: the patch stays with its model.
    for (const id of ['@hf/thebloke/llamaguard-7b-awq', '@hf/meta-llama/meta-llama-3-8b-instruct']) {
      expect(schema(id, 'input').oneOf[0]!.properties, id).not.toHaveProperty('response_format');
      expect(schema(id, 'input').oneOf[1]!.properties, id).not.toHaveProperty('response_format');
    }
  });

  it('deepseek-math-7b-base: prompt or messages of at most 4,096 characters, raw/stream/max_tokens only, {response} out', () => {
    expect(invalidAt(MATH_BASE, 'input', { prompt: 'x'.repeat(4096) })).toEqual([]);
    expect(invalidAt(MATH_BASE, 'input', { prompt: 'x'.repeat(4097) })).toContain('/prompt');
    expect(invalidAt(MATH_BASE, 'input', { messages: [{ role: 'user', content: 'x'.repeat(4097) }] })).toContain('/messages/0/content');
    expect(Object.keys(schema(MATH_BASE, 'input').oneOf[0]!.properties).sort()).toEqual(['max_tokens', 'prompt', 'raw', 'stream']);
    expect(Object.keys(schema(MATH_BASE, 'output').properties)).toEqual(['response']);
  });

  it("the task's constraints and task-wide corrections still apply on top", () => {
    for (const id of [...IMAGE_TEMPLATE, ...CLASSIC_TEMPLATE, MATH_BASE]) {
      expect(invalidAt(id, 'input', { prompt: 'Hi', max_tokens: 0 }), id).toContain('/max_tokens');
      expect(invalidAt(id, 'output', { response: { name: 'India' } }), id).toEqual([]);
    }
  });
});

describe("the emulator answers in the page's output form", () => {
  const answer = (id: string, input: Obj): Obj => {
    const result = outputMakers['text-generation'].make({ contract, model: model(id), input, rng: createRng(7) });
    expect(result.kind).toBe('json');
    return (result as { result: Obj }).result;
  };
  const tools = [{ name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string', description: 'The city' } }, required: ['city'] } }];

  it('a tool call in the legacy form, arguments an object, valid against the model output', () => {
    for (const id of [...IMAGE_TEMPLATE, ...CLASSIC_TEMPLATE]) {
      const result = answer(id, { messages: [{ role: 'user', content: 'Weather in Paris?' }], tools });
      expect(result.tool_calls, id).toHaveLength(1);
      expect(Object.keys(result.tool_calls[0]).sort(), id).toEqual(['arguments', 'name']);
      expect(typeof result.tool_calls[0].arguments, id).toBe('object');
      expect(contract.validateModel(model(id), 'output', result), id).toEqual([]);
    }
  });

  it('deepseek-math-7b-base answers a response text', () => {
    const result = answer(MATH_BASE, { prompt: 'The integral of x dx is' });
    expect(typeof result.response).toBe('string');
    expect(result).not.toHaveProperty('tool_calls');
    expect(contract.validateModel(model(MATH_BASE), 'output', result)).toEqual([]);
  });
});
