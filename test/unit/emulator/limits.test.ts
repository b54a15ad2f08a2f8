import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { GatewayCache } from '../../../src/emulator/gateway.js';
import { exampleFromSchema, ExampleError, ExampleTooLarge } from '../../../src/generate/example-from-schema.js';
import { createRng } from '../../../src/emulator/rng.js';
import { ACCOUNT, contract, runPath, send, start } from './helpers.js';

/** Requests the issue names: each did unbounded work before (seconds of a blocked event loop, hundreds of MB). */
let emu: RunningEmulator;
const delay = monitorEventLoopDelay({ resolution: 10 });
beforeAll(async () => {
  emu = await start();
  delay.enable();
});
afterAll(async () => {
  delay.disable();
  await emu?.close();
});

const LLAMA = '@cf/meta/llama-3.1-8b-instruct';
const v1 = (endpoint: string): string => `/client/v4/accounts/${ACCOUNT}/ai/v1/${endpoint}`;
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('bounded work per request', () => {
  it.each(['@cf/deepgram/aura-1', '@cf/deepgram/aura-2-en', '@cf/deepgram/aura-2-es'])('text to speech past 2,000 characters is refused before any audio is made (%s)', async (model) => {
    const answer = await send(emu.url, runPath(model), { json: { text: 'word '.repeat(200_000) } });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ success: false, errors: [{ code: 5006 }] });
    expect(answer.json().errors[0].message).toContain('/text: expected at most 2000 characters, found 1000000 characters');
    const ok = await send(emu.url, runPath(model), { json: { text: 'w'.repeat(2_000) } });
    expect(ok.status).toBe(200);
  });

  it.each(['@cf/deepgram/aura-1', '@cf/deepgram/aura-2-en', '@cf/deepgram/aura-2-es'])('an empty text is refused with 400, as the live API refuses it (%s)', async (model) => {
    // spec/tasks/text-to-speech.yaml: Aura `text` minLength 1 (live: 400 code 8007; the emulator answers its bad-input 5006).
    const answer = await send(emu.url, runPath(model), { json: { text: '' } });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ success: false, errors: [{ code: 5006 }] });
  });

  it('melotts counts its prompt against the same limit', async () => {
    const answer = await send(emu.url, runPath('@cf/myshell-ai/melotts'), { json: { prompt: 'x'.repeat(2_001) } });
    expect(answer.status).toBe(400);
    expect(answer.json().errors[0].message).toContain('/prompt: expected at most 2000 characters');
  });

  it('a json_schema with minLength 60000 is answered at once, within max_tokens', async () => {
    const body = { messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_schema', json_schema: { type: 'string', minLength: 60_000 } } };
    const answer = await send(emu.url, runPath(LLAMA), { json: body });
    expect(answer.status).toBe(200);
    const result = answer.json().result;
    expect(result.usage.completion_tokens).toBeLessThanOrEqual(256);
    expect(answer.text.length).toBeLessThan(64 * 1024);
  });

  it('a json_schema asking for a billion items is cut off at the token limit, never built', async () => {
    const body = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 1_000_000_000, response_format: { type: 'json_schema', json_schema: { type: 'array', minItems: 1_000_000_000, items: { type: 'integer' } } } };
    const answer = await send(emu.url, runPath(LLAMA), { json: body });
    expect(answer.status).toBe(200);
    const usage = answer.json().result.usage;
    // Capped at the model's answer limit (its context window, or the task's 131,072 tokens).
    expect(usage.completion_tokens).toBeLessThanOrEqual(131_072);
    expect(answer.text.length).toBeLessThan(4 * 1024 * 1024);
  });

  it('2,000 messages of `content: 7` get a 400 naming at most 100 errors', async () => {
    const answer = await send(emu.url, runPath(LLAMA), { json: { messages: Array.from({ length: 2_000 }, () => ({ role: 'user', content: 7 })) } });
    expect(answer.status).toBe(400);
    const errors = answer.json().errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(100);
  });

  it('a tool with minItems 1,000,000 gets a cut-off answer of max_tokens tokens, not a 16 MB call', async () => {
    const tool = { name: 'f', description: 'd', parameters: { type: 'object', required: ['a'], properties: { a: { type: 'array', description: 'x', minItems: 1_000_000, items: { type: 'integer' } } } } };
    const answer = await send(emu.url, runPath(LLAMA), { json: { messages: [{ role: 'user', content: 'hi' }], tools: [tool] } });
    expect(answer.status).toBe(200);
    const result = answer.json().result;
    expect(answer.text.length).toBeLessThan(64 * 1024);
    expect(result.tool_calls ?? []).toHaveLength(0);
    expect(result.usage.completion_tokens).toBe(256);
    const chat = await send(emu.url, v1('chat/completions'), { json: { model: LLAMA, messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: tool }] } });
    expect(chat.status).toBe(200);
    expect(chat.json().choices[0].finish_reason).toBe('length');
    expect(chat.text.length).toBeLessThan(64 * 1024);
  });

  it('/ai/v1/embeddings with 20,000 inputs is refused by the model batch limit (100); 100 inputs are served', async () => {
    const model = '@cf/baai/bge-base-en-v1.5';
    const answer = await send(emu.url, v1('embeddings'), { json: { model, input: Array.from({ length: 20_000 }, (_, i) => `text ${i}`) } });
    expect(answer.status).toBe(400);
    expect(answer.json().errors[0]).toMatchObject({ code: 5006 });
    expect(answer.json().errors[0].message).toContain('/input: expected at most 100 items, found 20000 items');
    const ok = await send(emu.url, v1('embeddings'), { json: { model, input: Array.from({ length: 100 }, (_, i) => `text ${i}`) } });
    expect(ok.status).toBe(200);
    expect(ok.json().data).toHaveLength(100);
  });

  it.each([
    ['@cf/pfnet/plamo-embedding-1b', { text: Array.from({ length: 5_000 }, () => 'a') }, '/text'],
    ['@cf/baai/bge-m3', { text: Array.from({ length: 5_000 }, () => 'a') }, '/text'],
    ['@cf/baai/bge-reranker-base', { query: 'q', contexts: Array.from({ length: 5_000 }, () => ({ text: 'a' })) }, '/contexts'],
  ])('/ai/run batches past 100 items are refused where the schema states no limit (%s)', async (model, input, field) => {
    const answer = await send(emu.url, runPath(model), { json: input });
    expect(answer.status).toBe(400);
    expect(answer.json().errors[0].message).toContain(`${field}: expected at most 100 items, found 5000 items`);
  });

  it('/ai/v1/completions with more prompts than the batch limit is refused', async () => {
    const answer = await send(emu.url, v1('completions'), { json: { model: LLAMA, prompt: Array.from({ length: 2_049 }, () => 'hi') } });
    expect(answer.status).toBe(400);
    expect(answer.json().errors[0].message).toContain('/prompt: expected at most 2048 items');
  });

  it('50,000 nested arrays are a 400, not a 500', async () => {
    const run = await send(emu.url, runPath(LLAMA), { body: nested(50_000), headers: { authorization: 'Bearer t', 'content-type': 'application/json' } });
    expect(run.status).toBe(400);
    expect(run.json().errors[0].message.length).toBeLessThan(300);
    const chat = await send(emu.url, v1('chat/completions'), { body: `{"model":"${LLAMA}","messages":${nested(50_000)}}`, headers: { authorization: 'Bearer t', 'content-type': 'application/json' } });
    expect(chat.status).toBe(400);
  });

  it('an image side past the model limit is refused (flux-2 multipart width 100000)', async () => {
    const boundary = 'xyz';
    const form = [`--${boundary}`, 'Content-Disposition: form-data; name="prompt"', '', 'a cat', `--${boundary}`, 'Content-Disposition: form-data; name="width"', '', '100000', `--${boundary}--`, ''].join('\r\n');
    const answer = await send(emu.url, runPath('@cf/black-forest-labs/flux-2-dev'), { body: form, headers: { authorization: 'Bearer t', 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(answer.status).toBe(400);
    expect(answer.json().errors[0].message).toContain('/width: expected at most 2048 pixels, found 100000');
  });

  it('kept the event loop free throughout (generous bound: the old code blocked it for seconds)', () => {
    expect(delay.max / 1e6).toBeLessThan(3_000);
  });
});

describe('exampleFromSchema bounds', () => {
  const rng = () => createRng(7);

  it('refuses an instance past maxSize before building it', () => {
    expect(() => exampleFromSchema({ type: 'string', minLength: 1_000_000_000 }, rng(), { maxSize: 10_000 })).toThrow(ExampleTooLarge);
    expect(() => exampleFromSchema({ type: 'array', minItems: 1_000_000_000 }, rng(), { maxSize: 10_000 })).toThrow(ExampleTooLarge);
    expect(() => exampleFromSchema({ type: 'object', minProperties: 1_000_000_000 }, rng(), { maxSize: 10_000 })).toThrow(ExampleTooLarge);
  });

  it('clips to maxSize instead when asked', () => {
    const value = exampleFromSchema({ type: 'array', minItems: 1_000_000_000, items: { type: 'string', minLength: 50 } }, rng(), { maxSize: 10_000, clip: true });
    expect(JSON.stringify(value).length).toBeLessThan(12_000);
  });

  it('builds long strings in linear time (minLength 1,000,000)', () => {
    const text = exampleFromSchema({ type: 'string', minLength: 1_000_000 }, rng()) as string;
    expect(text.length).toBeGreaterThanOrEqual(1_000_000);
  });

  it('gives up on a branching $ref cycle after a bounded number of steps', () => {
    const schema = { $defs: { a: { anyOf: [{ $ref: '#/$defs/a' }, { $ref: '#/$defs/a' }] } }, $ref: '#/$defs/a' };
    expect(() => exampleFromSchema(schema, rng(), { maxSteps: 10_000 })).toThrow(ExampleError);
  });

  it('does not try a backtracking pattern', () => {
    const value = exampleFromSchema({ type: 'string', minLength: 40, pattern: '^(a+)+$' }, rng());
    expect(typeof value).toBe('string');
  });
});

describe('gateway cache', () => {
  it('is bounded in bytes, not only entries', () => {
    const cache = new GatewayCache(() => 0, 1000, 1000);
    const answer = (n: number) => ({ status: 200, headers: {}, body: 'x'.repeat(n) });
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, answer(300), 60);
    expect(cache.size).toBe(3);
    cache.set('huge', answer(5000), 60);
    expect(cache.get('huge')).toBeUndefined();
    expect(contract()).toBeDefined();
  });
});
