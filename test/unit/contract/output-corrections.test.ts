/**
 * Output corrections of issue 9 (spec/models/overlay.yaml): each follows a real answer the generated schema
 * rejected, and each keeps the rest of the rule.
 */
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';

const contract = loadContract();
const output = (id: string, value: unknown) => contract.validateModel(contract.model(id)!, 'output', value);
const lines = (id: string, value: unknown) => output(id, value).map((e) => `${e.instancePath} ${e.keyword}`);

describe('chat-completions messages without refusal', () => {
  const answer = (message: Record<string, unknown>) => ({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });

  it('accepts a message without refusal for every chat-completions model (gemma-4 answers so live)', () => {
    const models = [...contract.models.values()].filter((m) => m.task === 'text-generation' && JSON.stringify(m.output).includes('"refusal"'));
    expect(models.map((m) => m.id)).toContain('@cf/google/gemma-4-26b-a4b-it');
    expect(models.length).toBeGreaterThanOrEqual(10);
    for (const model of models) expect(output(model.id, answer({ role: 'assistant', content: 'hi' })), model.id).toEqual([]);
  });

  it('accepts annotations and audio null (gemma-4 from a vLLM-shaped backend, nemotron), still refuses other types', () => {
    const message = { role: 'assistant', content: 'hi', refusal: null, annotations: null, audio: null, function_call: null };
    expect(output('@cf/google/gemma-4-26b-a4b-it', answer(message))).toEqual([]);
    expect(output('@cf/nvidia/nemotron-3-120b-a12b', answer(message))).toEqual([]);
    expect(lines('@cf/google/gemma-4-26b-a4b-it', answer({ ...message, annotations: 'none' }))).toContain('/choices/0/message/annotations type');
  });

  it('still requires role and content', () => {
    expect(lines('@cf/google/gemma-4-26b-a4b-it', answer({ role: 'assistant' }))).toContain('/choices/0/message required');
  });
});

describe('classic response null beside tool calls', () => {
  const calls = [{ name: 'get_vn_details', arguments: { id: '1054' } }];

  it('accepts response null for classic models (llama-3.3-70b-fp8-fast and llama-3.1-8b-fp8 answer so live)', () => {
    expect(output('@cf/meta/llama-3.3-70b-instruct-fp8-fast', { response: null, tool_calls: calls, usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })).toEqual([]);
    expect(output('@cf/meta/llama-3.1-8b-instruct', { response: null })).toEqual([]);
  });

  it('still refuses a number', () => {
    expect(output('@cf/meta/llama-3.1-8b-instruct', { response: 3 }).length).toBeGreaterThan(0);
  });
});

describe('llama-3.1-8b-instruct-fp8 tool calls in either form', () => {
  const FP8 = '@cf/meta/llama-3.1-8b-instruct-fp8';

  it('accepts the legacy {name, arguments} form seen live and the OpenAI form', () => {
    expect(output(FP8, { response: null, tool_calls: [{ name: 'stock_add', arguments: { producto: 'camisa' } }] })).toEqual([]);
    expect(output(FP8, { response: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'stock_add', arguments: '{}' } }] })).toEqual([]);
  });

  it('refuses an item of neither form', () => {
    expect(output(FP8, { response: '', tool_calls: [{ name: 'stock_add' }] }).length).toBeGreaterThan(0);
    expect(output(FP8, { response: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'x', arguments: {} } }] }).length).toBeGreaterThan(0);
  });
});

describe('classic tool calls: no model demands both item forms at once', () => {
  const legacy = { name: 'get_weather', arguments: { city: 'Oslo' } };
  const openAi = { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } };

  it('accepts either form where the generated schema was an allOf of the two (hermes-2-pro, llama-3-8b, ...)', () => {
    const models = ['@hf/nousresearch/hermes-2-pro-mistral-7b', '@cf/meta/llama-3-8b-instruct', '@cf/qwen/qwen1.5-14b-chat-awq', '@cf/meta/llama-3.2-3b-instruct'];
    for (const id of models) {
      expect(output(id, { response: '', tool_calls: [legacy] }), id).toEqual([]);
      expect(output(id, { response: '', tool_calls: [openAi] }), id).toEqual([]);
    }
  });

  it('holds for every model whose generated tool_calls is an allOf of the two forms', () => {
    const models = [...contract.models.values()].filter((m) => JSON.stringify(m.output).includes('"tool_calls":{"allOf"'));
    expect(models.length).toBe(38);
    for (const model of models) {
      expect(output(model.id, { response: '', tool_calls: [legacy] }), model.id).toEqual([]);
      expect(output(model.id, { response: '', tool_calls: [openAi] }), model.id).toEqual([]);
      expect(output(model.id, { response: '', tool_calls: [{ name: 'get_weather' }] }).length, model.id).toBeGreaterThan(0);
    }
  });
});

describe('moondream3.1 empty answer', () => {
  const MOONDREAM = '@cf/moondream/moondream3.1-9B-A2B';

  it('accepts {} (the live non-streamed answer) and the full answer', () => {
    expect(output(MOONDREAM, {})).toEqual([]);
    expect(output(MOONDREAM, { finish_reason: 'stop', answer: 'a cat', metrics: { input_tokens: 1, output_tokens: 1, prefill_time_ms: 1, decode_time_ms: 1, ttft_ms: 1 } })).toEqual([]);
  });

  it('still refuses a partial answer without finish_reason and metrics', () => {
    expect(output(MOONDREAM, { answer: 'a cat' }).length).toBeGreaterThan(0);
  });
});

describe('llama-4-scout tool calls as its live answers carry them (maruel/genai go-vcr recordings)', () => {
  const SCOUT = '@cf/meta/llama-4-scout-17b-16e-instruct';
  const usage = { prompt_tokens: 325, completion_tokens: 18, total_tokens: 343 };
  const call = { id: 'chatcmpl-tool-4d71', type: 'function', function: { name: 'square_root', arguments: '{"number": "132413"}' } };

  it('accepts OpenAI-form calls with string arguments and no response member', () => {
    expect(output(SCOUT, { tool_calls: [call], usage })).toEqual([]);
    expect(output(SCOUT, { tool_calls: [call, { ...call, id: 'b' }], usage })).toEqual([]);
  });

  it('still accepts arguments as an object (the types\' form) and a text answer with response', () => {
    expect(output(SCOUT, { response: '', tool_calls: [{ ...call, function: { name: 'square_root', arguments: { number: 1 } } }], usage })).toEqual([]);
    expect(output(SCOUT, { response: 'Hello!', tool_calls: [], usage })).toEqual([]);
  });

  it('still requires response when there is no tool call, and refuses arguments of another type', () => {
    expect(lines(SCOUT, { usage })).toContain(' anyOf');
    expect(output(SCOUT, { tool_calls: [{ ...call, function: { name: 'x', arguments: 3 } }], usage }).length).toBeGreaterThan(0);
  });
});

describe('JSON-mode response as a parsed array (maruel/genai go-vcr recordings, 2026-09-18)', () => {
  const array = [{ color: 'red', name: 'apple' }, { color: 'yellow', name: 'banana' }];

  it('accepts an array response for classic models (four models answered so live)', () => {
    for (const id of ['@cf/meta/llama-3.2-3b-instruct', '@cf/meta/llama-3.3-70b-instruct-fp8-fast', '@cf/meta/llama-4-scout-17b-16e-instruct', '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b']) {
      expect(output(id, { response: array }), id).toEqual([]);
    }
  });

  it('still refuses a JSON scalar', () => {
    expect(output('@cf/meta/llama-3.2-3b-instruct', { response: true }).length).toBeGreaterThan(0);
  });
});
