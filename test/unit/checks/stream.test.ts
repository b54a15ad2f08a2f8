import { describe, expect, it } from 'vitest';
import { streamFraming, streamStats } from '../../../src/checks/stream.js';
import type { Contract } from '../../../src/contract/contract.js';
import { contextFor, envelope, messages, openAiExchange, runExchange, testContract } from './exchange-builder.js';

const LLAMA = '@cf/meta/llama-3.1-8b-instruct-fp8';
const KIMI = '@cf/moonshotai/kimi-k2.5';
const usageEvent = { response: '', usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } };

const judge = (events: unknown[], extra: { tail?: string; recordEvents?: boolean; input?: Record<string, unknown> } = {}) => {
  const ex = runExchange(LLAMA, { prompt: 'hi', stream: true, ...extra.input }, { events, ...(extra.tail ? { tail: extra.tail } : {}), ...(extra.recordEvents === false ? { recordEvents: false } : {}) });
  return streamFraming.run(ex, contextFor(ex));
};

describe('stream.framing: /ai/run', () => {
  it('passes {response} events, a usage event and [DONE], recorded or parsed from bytes', () => {
    const events = [{ response: 'Hel' }, { response: 'lo', p: 'abc' }, usageEvent, '[DONE]'];
    expect(judge(events)).toEqual([]);
    expect(judge(events, { recordEvents: false })).toEqual([]);
  });

  it('fails a stream answered as JSON', () => {
    const ex = runExchange(LLAMA, { prompt: 'hi', stream: true }, { json: envelope({ response: 'x' }) });
    expect(streamFraming.run(ex, contextFor(ex))).toEqual([
      { check: 'stream.framing', message: `POST /ai/run/${LLAMA} with "stream": true answered Content-Type application/json, expected text/event-stream`, expected: 'text/event-stream', actual: 'application/json' },
    ]);
  });

  it('fails a stream without [DONE]', () => {
    expect(judge([{ response: 'a' }, usageEvent])).toMatchObject([{ instancePath: '/events', message: 'events has 2 events and no data: [DONE], expected the stream to end with it' }]);
  });

  it('fails events after [DONE], and a repeated [DONE]', () => {
    expect(messages(judge([{ response: 'a' }, usageEvent, '[DONE]', { response: 'b' }, { response: 'c' }]))).toEqual(['events[3] arrived after [DONE] (and 1 more), expected nothing after it']);
    expect(judge([{ response: 'a' }, usageEvent, '[DONE]', '[DONE]'])).toMatchObject([{ instancePath: '/events/3/data', message: 'events[3].data repeats [DONE] (first at event 2), expected it exactly once' }]);
  });

  it('fails an event that is not JSON, or does not match the stream-event schema', () => {
    const findings = judge([{ response: 'a' }, 'oops', { response: 7 }, usageEvent, '[DONE]']);
    // `response` is a string, or a boolean (a JSON token that arrived parsed): one finding per alternative, then anyOf's.
    expect([...new Set(findings.map((f) => f.instancePath))]).toEqual(['/events/1/data', '/events/2/data/response']);
    expect(findings[0]!.message).toBe('events[1].data is not JSON: "oops"');
    expect(findings[1]!.message).toBe('/events/2/data/response: expected type string, found integer 7 (type) against text-generation stream-event');
    expect(findings.at(-1)!.message).toBe('/events/2/data/response: expected a matching alternative, found 7 (anyOf) against text-generation stream-event');
  });

  it('passes a JSON-mode token that arrived parsed as a boolean (llama-4-scout streams "response": true live)', () => {
    expect(judge([{ response: '{"is_fruit": ', tool_calls: [] }, { response: true, tool_calls: [], p: 'ab' }, { response: '}' }, usageEvent, '[DONE]'])).toEqual([]);
  });

  it('passes a tool call streamed as OpenAI deltas (llama-4-scout live), and fails a delta without its index', () => {
    const first = { tool_calls: [{ id: 'chatcmpl-tool-1', type: 'function', index: 0, function: { name: 'square_root' } }] };
    const piece = { tool_calls: [{ index: 0, function: { arguments: '{"number": 132413}' } }] };
    expect(judge([{ response: '', tool_calls: [] }, first, piece, { tool_calls: [] }, usageEvent, '[DONE]'])).toEqual([]);
    expect(judge([first, { tool_calls: [{ function: { arguments: '{}' } }] }, usageEvent, '[DONE]']).map((f) => f.instancePath)).toContain('/events/1/data/tool_calls/0');
  });

  it('fails a stream cut mid-event, recorded or parsed from bytes', () => {
    const events = [{ response: 'a' }, usageEvent];
    for (const recordEvents of [true, false]) {
      const found = judge(events, { tail: 'data: {"respo', recordEvents });
      expect(found.map((f) => f.message)).toContain('events ends with 13 bytes after the last complete event: the stream was cut mid-event');
    }
  });

  it('fails a stream whose last JSON event carries no usage, and usage that does not add up or exceeds max_tokens', () => {
    expect(messages(judge([{ response: 'a' }, '[DONE]']))).toEqual(['events has no usage in its last JSON event (of 2 events), expected the last event before [DONE] to carry usage']);
    const bad = judge([{ response: 'a' }, { response: '', usage: { prompt_tokens: 4, completion_tokens: 20, total_tokens: 6 } }, '[DONE]'], { input: { max_tokens: 5 } });
    expect(bad.map((f) => f.message)).toEqual([
      'events[1].data.usage.total_tokens is 6, expected 24 (prompt_tokens 4 + completion_tokens 20)',
      "events[1].data.usage.completion_tokens is 20, expected at most 5 (the request's max_tokens)",
    ]);
  });

  it('fails an empty stream', () => {
    expect(messages(judge([]))).toEqual(['events is empty: the stream carried no events']);
  });

  it('caps findings so one broken stream cannot flood a report', () => {
    const findings = judge([...Array.from({ length: 30 }, () => 'x'), usageEvent, '[DONE]']);
    expect(findings).toHaveLength(21);
    expect(findings[20]!.message).toBe('… and 10 more stream findings like the above');
  });

  it('judges chat.completion.chunk events on /ai/run against the chunk def', () => {
    const chunk = (content: string, finish: string | null = null) => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: KIMI, choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
    const last = { ...chunk('', 'stop'), usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
    const ok = runExchange(KIMI, { messages: [{ role: 'user', content: 'x' }], stream: true }, { events: [chunk('a'), last, '[DONE]'] });
    expect(streamFraming.run(ok, contextFor(ok))).toEqual([]);
    const bad = runExchange(KIMI, { messages: [{ role: 'user', content: 'x' }], stream: true }, { events: [{ object: 'chat.completion.chunk', choices: 'nope' }, last, '[DONE]'] });
    expect(streamFraming.run(bad, contextFor(bad))[0]!.message).toContain('against text-generation stream-event-chat-completions');
  });

  it('falls back to requiring JSON objects when the contract has no event schema', () => {
    const ex = runExchange(LLAMA, { prompt: 'hi', stream: true }, { events: [[1, 2], usageEvent, '[DONE]'] });
    const real = testContract();
    const bare = Object.create(real, {
      openapi: { value: {} },
      validator: { value: () => { throw new Error('no such schema'); } },
    }) as Contract;
    expect(streamFraming.run(ex, { ...contextFor(ex), contract: bare })).toMatchObject([{ instancePath: '/events/0/data', message: 'events[0].data is [1,2], expected a JSON object' }]);
  });

  it('skips requests that did not ask for a stream, and failed ones', () => {
    const plain = runExchange(LLAMA, { prompt: 'hi' }, { json: envelope({ response: 'x' }) });
    expect(streamFraming.applies(plain, contextFor(plain))).toBe(false);
    const failed = runExchange(LLAMA, { prompt: 'hi', stream: true }, { status: 400, json: { success: false, errors: [{ code: 1, message: 'x' }] } });
    expect(streamFraming.applies(failed, contextFor(failed))).toBe(false);
  });
});

describe('stream.framing: /ai/v1', () => {
  const chunk = (content: string, finish: string | null = null) => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: LLAMA, choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
  const chat = (events: unknown[], extra: Record<string, unknown> = {}) => {
    const ex = openAiExchange('chat/completions', { model: LLAMA, messages: [{ role: 'user', content: 'x' }], stream: true, ...extra }, { events });
    return streamFraming.run(ex, contextFor(ex));
  };

  it('passes chunks and [DONE], with a usage chunk only when include_usage asks for one', () => {
    expect(chat([chunk('a'), chunk('', 'stop'), '[DONE]'])).toEqual([]);
    expect(messages(chat([chunk('a'), chunk('', 'stop'), '[DONE]'], { stream_options: { include_usage: true } }))[0]).toContain('has no usage in its last JSON event');
  });

  it('fails chunks that break the ChatCompletionChunk schema', () => {
    const findings = chat([{ object: 'chat.completion', choices: [] }, '[DONE]']);
    expect(findings).toMatchObject([{ instancePath: '/events/0/data/object' }]);
    expect(findings[0]!.message).toContain('against ChatCompletionChunk');
  });

  it('judges Responses streams, which end without [DONE], by their event types', () => {
    const created = { type: 'response.created', response: { id: 'r', object: 'response', output: [] } };
    const ex = openAiExchange('responses', { model: '@cf/openai/gpt-oss-120b', input: 'x', stream: true }, { events: [created, { type: 'response.output_text.delta', delta: 'a' }] });
    expect(streamFraming.run(ex, contextFor(ex))).toEqual([]);
    const bad = openAiExchange('responses', { model: '@cf/openai/gpt-oss-120b', input: 'x', stream: true }, { events: [{ type: 'response.output_text.delta' }] });
    expect(streamFraming.run(bad, contextFor(bad))[0]!.message).toContain('expected property "delta"');
  });
});

describe('streamStats', () => {
  it('reports the time to the first event, the events and the usage', () => {
    const ex = runExchange(LLAMA, { prompt: 'hi', stream: true }, { events: [{ response: 'a' }, usageEvent, '[DONE]'] });
    expect(streamStats(ex)).toEqual({ events: 3, jsonEvents: 2, firstEventMs: 100, lastEventMs: 120, done: true, doneAtMs: 120, trailingBytes: 0, firstByteMs: 90, totalMs: 250, usage: usageEvent.usage });
  });

  it('is undefined for an answer that is not a stream', () => {
    expect(streamStats(runExchange(LLAMA, { prompt: 'hi' }, { json: envelope({}) }))).toBeUndefined();
  });
});
