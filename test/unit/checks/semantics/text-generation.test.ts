import { describe, expect, it } from 'vitest';
import { outputSemantics } from '../../../../src/checks/semantics/index.js';
import { contextFor, envelope, runExchange } from '../exchange-builder.js';

const LLAMA = '@cf/meta/llama-3.1-8b-instruct-fp8';
const KIMI = '@cf/moonshotai/kimi-k2.5';
const GPT_OSS = '@cf/openai/gpt-oss-120b';

const judge = (model: string, input: Record<string, unknown>, result: unknown) => {
  const ex = runExchange(model, input, { json: envelope(result) });
  return outputSemantics.run(ex, contextFor(ex));
};
const usage = (prompt: number, completion: number, total = prompt + completion) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: total });

const WEATHER = { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string', description: 'City' } } } };
const CITY_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

describe('output.semantics: text generation, classic answers', () => {
  it('passes an answer whose usage adds up within max_tokens', () => {
    expect(judge(LLAMA, { prompt: 'hi', max_tokens: 10 }, { response: 'hello', usage: usage(3, 2) })).toEqual([]);
  });

  it('fails usage that does not add up', () => {
    const findings = judge(LLAMA, { prompt: 'hi' }, { response: 'hello', usage: usage(10, 5, 12) });
    expect(findings).toEqual([
      { check: 'output.semantics', instancePath: '/result/usage/total_tokens', message: 'result.usage.total_tokens is 12, expected 15 (prompt_tokens 10 + completion_tokens 5)', expected: '15', actual: '12' },
    ]);
  });

  it('fails fractional and negative token counts', () => {
    const findings = judge(LLAMA, { prompt: 'hi' }, { response: 'x', usage: { prompt_tokens: 2.5, completion_tokens: -1 } });
    expect(findings.map((f) => f.message)).toEqual([
      'result.usage.prompt_tokens is 2.5, expected a whole number of tokens ≥ 0',
      'result.usage.completion_tokens is -1, expected a whole number of tokens ≥ 0',
    ]);
  });

  it("fails more completion tokens than the request's max_tokens, or than the model's default", () => {
    expect(judge(LLAMA, { prompt: 'hi', max_tokens: 10 }, { response: 'x', usage: usage(3, 20) })).toMatchObject([
      { instancePath: '/result/usage/completion_tokens', message: "result.usage.completion_tokens is 20, expected at most 10 (the request's max_tokens)" },
    ]);
    expect(judge(LLAMA, { prompt: 'hi' }, { response: 'x', usage: usage(3, 300) })[0]!.message).toContain(`expected at most 256 (the default max_tokens of ${LLAMA})`);
  });

  it('passes JSON mode output that satisfies the requested schema, as text or as parsed JSON', () => {
    const input = { prompt: 'city?', response_format: { type: 'json_schema', json_schema: CITY_SCHEMA } };
    expect(judge(LLAMA, input, { response: '{"city":"Paris"}', usage: usage(3, 5) })).toEqual([]);
    expect(judge(LLAMA, input, { response: { city: 'Paris' } })).toEqual([]);
  });

  it('fails JSON mode output that is not JSON, or breaks the requested schema', () => {
    const input = { prompt: 'city?', response_format: { type: 'json_schema', json_schema: CITY_SCHEMA } };
    expect(judge(LLAMA, input, { response: 'Paris' })).toMatchObject([{ instancePath: '/result/response', message: 'result.response is not JSON although the request asked for json_schema: "Paris"' }]);
    const broken = judge(LLAMA, input, { response: '{"town":"Paris"}' });
    expect(broken).toHaveLength(1);
    expect(broken[0]!.message).toBe('result.response does not satisfy the requested JSON schema: /: expected property "city", found no such property (required)');
    expect(judge(LLAMA, { prompt: 'x', response_format: { type: 'json_object' } }, { response: '[1,2]' })[0]!.message).toContain('expected a JSON object (response_format json_object)');
    const parsedBroken = judge(LLAMA, input, { response: { town: 'Paris' } });
    expect(parsedBroken.map((p) => p.message)).toEqual(['result.response does not satisfy the requested JSON schema: /: expected property "city", found no such property (required)']);
  });

  it('fails a parsed-object response to a request that asked for no JSON mode', () => {
    expect(judge(LLAMA, { prompt: 'city?' }, { response: { city: 'Paris' } })).toMatchObject([{ instancePath: '/result/response', expected: 'a string' }]);
  });

  it('passes response null beside tool calls, fails it without them', () => {
    const input = { prompt: 'x', tools: [WEATHER] };
    expect(judge(LLAMA, input, { response: null, tool_calls: [{ name: 'get_weather', arguments: {} }] })).toEqual([]);
    expect(judge(LLAMA, input, { response: null })).toMatchObject([{ instancePath: '/result/response', message: 'result.response is null without tool_calls, expected the generated text (null is seen only beside tool calls)' }]);
  });

  it('does not hold an answer cut at max_tokens to JSON mode', () => {
    const input = { prompt: 'city?', max_tokens: 5, response_format: { type: 'json_schema', json_schema: CITY_SCHEMA } };
    expect(judge(LLAMA, input, { response: '{"ci', usage: usage(3, 5) })).toEqual([]);
  });

  it('passes tool calls to an offered tool with JSON object arguments', () => {
    const input = { messages: [{ role: 'user', content: 'weather?' }], tools: [WEATHER] };
    expect(judge(LLAMA, input, { tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] })).toEqual([]);
    expect(judge(LLAMA, input, { tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] })).toEqual([]);
  });

  it('fails tool calls to tools never offered, or with arguments that are not a JSON object', () => {
    const input = { messages: [{ role: 'user', content: 'weather?' }], tools: [WEATHER] };
    expect(judge(LLAMA, input, { tool_calls: [{ name: 'get_time', arguments: {} }] })).toMatchObject([
      { instancePath: '/result/tool_calls/0/name', message: 'result.tool_calls[0].name calls tool "get_time", which the request did not offer (offered: get_weather)' },
    ]);
    expect(judge(LLAMA, input, { tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{city: Paris}' } }] })).toMatchObject([
      { instancePath: '/result/tool_calls/0/function/arguments', message: 'result.tool_calls[0].function.arguments is not JSON: "{city: Paris}"' },
    ]);
    expect(judge(LLAMA, { prompt: 'x' }, { tool_calls: [{ name: 'get_weather', arguments: {} }] })[0]!.message).toContain('(offered: none)');
  });

  it('fails OpenAI-form tool calls without unique ids', () => {
    const input = { messages: [{ role: 'user', content: 'weather?' }], tools: [{ type: 'function', function: WEATHER }] };
    const call = { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } };
    expect(judge(LLAMA, input, { tool_calls: [call, call] })).toMatchObject([{ instancePath: '/result/tool_calls/1/id', message: 'result.tool_calls[1].id repeats the id "c1" of an earlier call, expected unique ids' }]);
    expect(judge(LLAMA, input, { tool_calls: [{ ...call, id: '' }] })).toMatchObject([{ instancePath: '/result/tool_calls/0/id' }]);
  });
});

describe('output.semantics: text generation, chat-completion answers', () => {
  const completion = (choices: unknown[], u = usage(5, 3)) => ({ id: 'x', object: 'chat.completion', created: 1, model: KIMI, choices, usage: u });
  const messages = [{ role: 'user', content: 'hi' }];

  it('passes a chat completion', () => {
    expect(judge(KIMI, { messages }, completion([{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }]))).toEqual([]);
  });

  it('fails choices out of order, and empty choices', () => {
    const findings = judge(KIMI, { messages }, completion([{ index: 1, message: { role: 'assistant', content: 'a' }, finish_reason: 'stop' }]));
    expect(findings).toMatchObject([{ instancePath: '/result/choices/0/index', message: 'result.choices[0].index is 1, expected 0 (its position)' }]);
    expect(judge(KIMI, { messages }, completion([]))).toMatchObject([{ instancePath: '/result/choices', message: 'result.choices is empty, expected at least one choice' }]);
  });

  it('fails finish_reason tool_calls without tool calls, and usage that does not add up', () => {
    const findings = judge(KIMI, { messages }, completion([{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'tool_calls' }], usage(5, 3, 9)));
    expect(findings.map((f) => f.instancePath)).toEqual(['/result/usage/total_tokens', '/result/choices/0/finish_reason']);
  });

  it('applies max_completion_tokens before max_tokens', () => {
    const findings = judge(KIMI, { messages, max_tokens: 100, max_completion_tokens: 2 }, completion([{ index: 0, message: { role: 'assistant', content: 'a' }, finish_reason: 'length' }]));
    expect(findings).toMatchObject([{ message: "result.usage.completion_tokens is 3, expected at most 2 (the request's max_completion_tokens)" }]);
  });

  it('holds message content to JSON mode in the OpenAI wrapper form', () => {
    const input = { messages, response_format: { type: 'json_schema', json_schema: { name: 'city', schema: CITY_SCHEMA } } };
    expect(judge(KIMI, input, completion([{ index: 0, message: { role: 'assistant', content: '{"city":"Oslo"}' }, finish_reason: 'stop' }]))).toEqual([]);
    expect(judge(KIMI, input, completion([{ index: 0, message: { role: 'assistant', content: '{}' }, finish_reason: 'stop' }]))).toMatchObject([{ instancePath: '/result/choices/0/message/content' }]);
  });
});

describe('output.semantics: text generation, Responses answers', () => {
  const output = [{ type: 'message', id: 'm', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Open ' }, { type: 'output_text', text: 'source' }] }];

  it('passes a response whose output_text is the message text and usage adds up', () => {
    expect(judge(GPT_OSS, { input: 'hi' }, { id: 'r', object: 'response', status: 'completed', output, output_text: 'Open source', usage: { input_tokens: 4, output_tokens: 2, total_tokens: 6 } })).toEqual([]);
  });

  it('fails output_text that differs from the message text, and Responses usage that does not add up', () => {
    const findings = judge(GPT_OSS, { input: 'hi', max_output_tokens: 1 }, { id: 'r', object: 'response', status: 'completed', output, output_text: 'Closed', usage: { input_tokens: 4, output_tokens: 2, total_tokens: 7 } });
    expect(findings.map((f) => f.instancePath)).toEqual(['/result/usage/total_tokens', '/result/usage/output_tokens', '/result/output_text']);
    expect(findings[0]!.message).toBe('result.usage.total_tokens is 7, expected 6 (input_tokens 4 + output_tokens 2)');
    expect(findings[1]!.message).toBe("result.usage.output_tokens is 2, expected at most 1 (the request's max_output_tokens)");
  });

  it('fails a function call to a tool never offered', () => {
    const findings = judge(GPT_OSS, { input: 'hi' }, { id: 'r', object: 'response', output: [{ type: 'function_call', name: 'rm', arguments: '{}', call_id: 'c' }] });
    expect(findings).toMatchObject([{ instancePath: '/result/output/0/name' }]);
  });
});
