import { describe, expect, it } from 'vitest';
import { openAiChat, openAiChatStream, openAiCompletions, openAiEmbeddings, openAiResponses } from '../../../src/checks/openai.js';
import { contextFor, messages, openAiExchange } from './exchange-builder.js';

const LLAMA = '@cf/meta/llama-3.1-8b-instruct-fp8';
const BGE = '@cf/baai/bge-base-en-v1.5';
const GPT_OSS = '@cf/openai/gpt-oss-120b';
const msgs = [{ role: 'user', content: 'hi' }];
const usage = (p: number, c: number, t = p + c) => ({ prompt_tokens: p, completion_tokens: c, total_tokens: t });

const completion = (choices: unknown[], u: unknown = usage(3, 2)) => ({ id: 'chatcmpl-1', object: 'chat.completion', created: 1735689600, model: LLAMA, choices, usage: u });
const choice = (content: string | null, extra: Record<string, unknown> = {}) => ({ index: 0, message: { role: 'assistant', content, ...extra }, finish_reason: 'stop' });

describe('openai.chat', () => {
  const judge = (body: unknown, request: Record<string, unknown> = {}) => {
    const ex = openAiExchange('chat/completions', { model: LLAMA, messages: msgs, ...request }, { json: body });
    return openAiChat.run(ex, contextFor(ex));
  };

  it('passes a chat.completion', () => {
    expect(judge(completion([choice('hello')]))).toEqual([]);
  });

  it('fails a body that is not a chat.completion', () => {
    const findings = judge({ ...completion([choice('hello')]), object: 'text_completion' });
    expect(findings).toMatchObject([{ check: 'openai.chat', instancePath: '/object' }]);
    expect(findings[0]!.message).toBe('/object: expected "chat.completion", found "text_completion" (const) against ChatCompletion');
  });

  it('fails usage that does not add up and max_tokens exceeded', () => {
    expect(judge(completion([choice('hello')], usage(3, 9, 10)), { max_tokens: 4 }).map((f) => f.message)).toEqual([
      'usage.total_tokens is 10, expected 12 (prompt_tokens 3 + completion_tokens 9)',
      "usage.completion_tokens is 9, expected at most 4 (the request's max_tokens)",
    ]);
  });

  it('fails malformed tool calls and JSON mode content', () => {
    const tools = [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object', properties: {} } } }];
    const call = { id: 'c', type: 'function', function: { name: 'g', arguments: '{}' } };
    expect(judge(completion([{ ...choice(null, { tool_calls: [call] }), finish_reason: 'tool_calls' }]), { tools })).toMatchObject([{ instancePath: '/choices/0/message/tool_calls/0/function/name' }]);
    expect(judge(completion([choice('nope')]), { response_format: { type: 'json_object' } })).toMatchObject([{ instancePath: '/choices/0/message/content', message: 'choices[0].message.content is not JSON although the request asked for json_object: "nope"' }]);
  });

  it('accepts tool_calls null in a message (kimi-k2.6 through AI Gateway compat)', () => {
    expect(judge(completion([choice('hi', { tool_calls: null })]))).toEqual([]);
  });

  it('judges tool names against the offered tools only when the request is known', () => {
    const call = { id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{}' } };
    const body = completion([{ ...choice(null, { tool_calls: [call] }), finish_reason: 'tool_calls' }]);
    expect(messages(judge(body))).toEqual(['choices[0].message.tool_calls[0].function.name calls tool "get_weather", which the request did not offer (offered: none)']);
    const ex = openAiExchange('chat/completions', { model: LLAMA }, { json: body });
    expect(openAiChat.run(ex, { ...contextFor(ex), requestUnknown: true })).toEqual([]);
    const empty = completion([{ ...choice(null, { tool_calls: [{ ...call, function: { name: '', arguments: '{}' } }] }), finish_reason: 'tool_calls' }]);
    const unnamed = openAiExchange('chat/completions', { model: LLAMA }, { json: empty });
    expect(messages(openAiChat.run(unnamed, { ...contextFor(unnamed), requestUnknown: true }))).toEqual(['choices[0].message.tool_calls[0].function.name is "", expected the name of an offered tool']);
  });

  it('fails a body that is not JSON', () => {
    const ex = openAiExchange('chat/completions', { model: LLAMA, messages: msgs }, { text: 'hello', contentType: 'text/plain' });
    expect(messages(openAiChat.run(ex, contextFor(ex)))).toEqual(['POST /ai/v1/chat/completions answered 200 with text/plain that is not JSON: "hello", expected a JSON ChatCompletion']);
  });

  it('skips streams and failures', () => {
    const stream = openAiExchange('chat/completions', { model: LLAMA, messages: msgs, stream: true }, { events: ['[DONE]'] });
    expect(openAiChat.applies(stream, contextFor(stream))).toBe(false);
    const failed = openAiExchange('chat/completions', { model: LLAMA, messages: [] }, { status: 400, json: { success: false, errors: [{ code: 1, message: 'x' }] } });
    expect(openAiChat.applies(failed, contextFor(failed))).toBe(false);
  });
});

describe('openai.chat-stream', () => {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, id = 'c1') => ({ id, object: 'chat.completion.chunk', created: 1, model: LLAMA, choices: [{ index: 0, delta, finish_reason: finish }] });
  const judge = (events: unknown[], request: Record<string, unknown> = {}) => {
    const ex = openAiExchange('chat/completions', { model: LLAMA, messages: msgs, stream: true, ...request }, { events });
    return openAiChatStream.run(ex, contextFor(ex));
  };

  it('passes a stream that finishes its choice once and assembles valid JSON mode content', () => {
    expect(judge([chunk({ role: 'assistant', content: '{"a":' }), chunk({ content: '1}' }), chunk({}, 'stop'), '[DONE]'], { response_format: { type: 'json_object' } })).toEqual([]);
  });

  it('fails a chunk with another id', () => {
    expect(judge([chunk({ content: 'a' }), chunk({ content: 'b' }, 'stop', 'c2'), '[DONE]'])).toMatchObject([{ check: 'openai.chat-stream', instancePath: '/events/1/data/id', message: 'events[1].data.id is "c2", expected "c1" (the id of the first chunk)' }]);
  });

  it('fails content after finish_reason, and a choice that never finishes', () => {
    expect(messages(judge([chunk({ content: 'a' }, 'stop'), chunk({ content: 'b' }), '[DONE]']))[0]).toContain('events[1].data.choices[0] continues choice 0 after its finish_reason "stop" (event 0)');
    expect(messages(judge([chunk({ content: 'a' }), '[DONE]']))).toEqual(['events never finish choice 0, expected a finish_reason in its last chunk']);
  });

  it('accepts repeated finish chunks that add nothing, as live /ai/v1 streams send them', () => {
    const withUsage = (u: unknown) => ({ ...chunk({}, 'stop'), usage: u });
    // opencode's golden recordings (llama-3.1-8b): the real usage, then the same finish again with zeros.
    expect(judge([chunk({ content: 'Hello' }), withUsage(usage(45, 2)), withUsage({ ...usage(0, 0), prompt_tokens_details: { cached_tokens: 0 } }), '[DONE]'])).toEqual([]);
  });

  it('still fails a repeated finish chunk that brings content, tool calls or another finish_reason', () => {
    const after = (extra: unknown) => messages(judge([chunk({ content: 'a' }, 'stop'), extra, '[DONE]']));
    expect(after(chunk({ content: 'b' }, 'stop'))[0]).toContain('continues choice 0 after its finish_reason "stop"');
    expect(after(chunk({ tool_calls: [{ index: 0, id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] }, 'stop'))[0]).toContain('continues choice 0');
    expect(after(chunk({}, 'length'))[0]).toContain('continues choice 0 after its finish_reason "stop"');
  });

  it('accepts tool_calls null in a delta', () => {
    expect(judge([chunk({ content: 'a', tool_calls: null }), chunk({}, 'stop'), '[DONE]'])).toEqual([]);
  });

  it('judges tool names against the offered tools only when the request is known', () => {
    const fragment = chunk({ tool_calls: [{ index: 0, id: 't1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] });
    const events = [fragment, chunk({}, 'tool_calls'), '[DONE]'];
    expect(messages(judge(events))).toEqual(['the stream\'s choice 0, assembled: tool_calls[0].function.name calls tool "get_weather", which the request did not offer (offered: none)']);
    const ex = openAiExchange('chat/completions', { model: LLAMA, stream: true }, { events });
    expect(openAiChatStream.run(ex, { ...contextFor(ex), requestUnknown: true })).toEqual([]);
    // The structure is still judged without the request.
    const bad = [chunk({ tool_calls: [{ index: 0, id: 't1', type: 'function', function: { name: 'get_weather', arguments: '{"a' } }] }), chunk({}, 'tool_calls'), '[DONE]'];
    const unknown = openAiExchange('chat/completions', { model: LLAMA, stream: true }, { events: bad });
    expect(messages(openAiChatStream.run(unknown, { ...contextFor(unknown), requestUnknown: true }))).toEqual(['the stream\'s choice 0, assembled: tool_calls[0].function.arguments is not JSON: "{\\"a"']);
  });

  it('assembles tool-call fragments and judges the result', () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'd', parameters: { type: 'object', properties: {} } } }];
    const fragment = (f: Record<string, unknown>) => chunk({ tool_calls: [{ index: 0, ...f }] });
    const ok = [fragment({ id: 't1', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }), fragment({ function: { arguments: 'ty":"Oslo"}' } }), chunk({}, 'tool_calls'), '[DONE]'];
    expect(judge(ok, { tools })).toEqual([]);
    const broken = [fragment({ id: 't1', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }), chunk({}, 'tool_calls'), '[DONE]'];
    expect(messages(judge(broken, { tools }))).toEqual(['the stream\'s choice 0, assembled: tool_calls[0].function.arguments is not JSON: "{\\"ci"']);
  });
});

describe('openai.embeddings', () => {
  const vector = (n: number) => Array.from({ length: n }, () => 0.5);
  const base64 = (n: number) => Buffer.from(new Float32Array(vector(n)).buffer).toString('base64');
  const list = (embeddings: unknown[]) => ({ object: 'list', data: embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })), model: BGE, usage: { prompt_tokens: 4, total_tokens: 4 } });
  const judge = (body: unknown, request: Record<string, unknown>) => {
    const ex = openAiExchange('embeddings', { model: BGE, ...request }, { json: body });
    return openAiEmbeddings.run(ex, contextFor(ex));
  };

  it('passes float and base64 embeddings of the model dimension, one per input', () => {
    expect(judge(list([vector(768), vector(768)]), { input: ['a', 'b'] })).toEqual([]);
    expect(judge(list([base64(768)]), { input: 'a', encoding_format: 'base64' })).toEqual([]);
  });

  it('fails a base64 embedding of the wrong dimension', () => {
    expect(judge(list([base64(767)]), { input: 'a', encoding_format: 'base64' })).toEqual([
      { check: 'openai.embeddings', instancePath: '/data/0/embedding', message: `data[0].embedding has 767 float32 values, expected 768 (embeddingDimension of ${BGE})`, expected: '768', actual: '767' },
    ]);
  });

  it('fails base64 that is not whole float32 values, and the wrong encoding', () => {
    expect(messages(judge(list([Buffer.from([1, 2, 3]).toString('base64')]), { input: 'a', encoding_format: 'base64' }))).toEqual(['data[0].embedding decodes to 3 bytes, not a whole number of float32 values, expected base64 of little-endian float32 values']);
    expect(messages(judge(list([vector(768)]), { input: 'a', encoding_format: 'base64' }))).toEqual(['data[0].embedding is an array of numbers, expected a base64 string (encoding_format base64)']);
    expect(messages(judge(list([base64(768)]), { input: 'a' }))).toEqual(['data[0].embedding is a string, expected an array of numbers (encoding_format absent means float)']);
  });

  it('fails one embedding too few, out of order, and a dimension other than the requested one', () => {
    const body = list([vector(768)]);
    expect(judge(body, { input: ['a', 'b'] })).toMatchObject([{ instancePath: '/data', message: 'data has 1 embeddings, expected 2 (one per input)' }]);
    const swapped = { ...list([vector(768), vector(768)]), data: [{ object: 'embedding', index: 1, embedding: vector(768) }, { object: 'embedding', index: 0, embedding: vector(768) }] };
    expect(judge(swapped, { input: ['a', 'b'] }).map((f) => f.instancePath)).toEqual(['/data/0/index', '/data/1/index']);
    expect(messages(judge(list([vector(768)]), { input: 'a', dimensions: 256 }))).toEqual(["data[0].embedding has 768 numbers, expected 256 (the request's dimensions)"]);
  });

  it('fails usage that counts tokens beyond the prompt', () => {
    expect(judge({ ...list([vector(768)]), usage: { prompt_tokens: 4, total_tokens: 9 } }, { input: 'a' })).toMatchObject([{ instancePath: '/usage/total_tokens', message: 'usage.total_tokens is 9, expected 4 (prompt_tokens: embeddings generate no tokens)' }]);
  });
});

describe('openai.completions', () => {
  const body = (u = usage(2, 3)) => ({ id: 'cmpl-1', object: 'text_completion', created: 1, model: LLAMA, choices: [{ index: 0, text: ' there', finish_reason: 'stop', logprobs: null }], usage: u });
  const judge = (json: unknown, request: Record<string, unknown> = {}) => {
    const ex = openAiExchange('completions', { model: LLAMA, prompt: 'hi', ...request }, { json });
    return openAiCompletions.run(ex, contextFor(ex));
  };

  it('passes a text_completion and fails a broken one', () => {
    expect(judge(body())).toEqual([]);
    expect(judge({ ...body(), choices: [{ index: 0, finish_reason: 'stop' }] })).toMatchObject([{ check: 'openai.completions', instancePath: '/choices/0' }]);
    expect(judge(body(usage(2, 3)), { max_tokens: 1 })).toMatchObject([{ instancePath: '/usage/completion_tokens' }]);
  });
});

describe('openai.responses', () => {
  const output = [{ type: 'message', id: 'm', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi.', annotations: [] }] }];
  const judge = (json: unknown) => {
    const ex = openAiExchange('responses', { model: GPT_OSS, input: 'hi' }, { json });
    return openAiResponses.run(ex, contextFor(ex));
  };

  it('passes a response and fails one without output or with mismatched output_text', () => {
    expect(judge({ id: 'r', object: 'response', status: 'completed', output, output_text: 'Hi.', usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } })).toEqual([]);
    expect(judge({ id: 'r', object: 'response' })).toMatchObject([{ check: 'openai.responses', instancePath: '', expected: 'property "output"' }]);
    expect(judge({ id: 'r', object: 'response', status: 'completed', output, output_text: 'Bye.' })).toMatchObject([{ instancePath: '/output_text' }]);
  });
});
