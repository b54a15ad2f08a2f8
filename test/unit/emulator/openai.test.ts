/** @module The OpenAI-compatible handler: OpenAI-shaped answers the unmodified `openai` SDK accepts, and v4 errors. */
import OpenAI from 'openai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import { float32Base64, handleOpenAi } from '../../../src/emulator/openai.js';
import type { EmulatorRequest, EmulatorResponse } from '../../../src/emulator/types.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const contract = loadContract();
const CHAT_MODEL = '@cf/meta/llama-3.1-8b-instruct-fp8';
const EMBEDDING_MODEL = '@cf/baai/bge-small-en-v1.5';
const RESPONSES_MODEL = '@cf/openai/gpt-oss-120b';

function call(endpoint: string, body: unknown): EmulatorResponse {
  const bytes = typeof body === 'string' ? body : JSON.stringify(body);
  const request: EmulatorRequest = { method: 'POST', headers: { 'content-type': 'application/json' }, query: new URLSearchParams(), body: new TextEncoder().encode(bytes), accountId: 'acc' };
  return handleOpenAi(request, { contract, endpoint });
}

const bodyText = (response: EmulatorResponse): string => {
  const { body } = response;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  return body.chunks.map((c) => (typeof c === 'string' ? c : Buffer.from(c).toString('utf8'))).join('');
};
const jsonBody = (response: EmulatorResponse): Obj => JSON.parse(bodyText(response));
/** The `data:` payloads of an SSE body, `[DONE]` included as a string. */
const events = (response: EmulatorResponse): unknown[] =>
  bodyText(response)
    .split('\n\n')
    .filter(Boolean)
    .map((event) => event.split('\n').find((line) => line.startsWith('data: '))!.slice(6))
    .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));
const valid = (component: string, value: unknown): void => expect(contract.validate(contract.componentUri(component), value)).toEqual([]);
const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/** An `openai` client whose fetch calls the handler in-process (the SDK itself is unmodified). */
function client(): OpenAI {
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const path = new URL(String(url)).pathname;
    const endpoint = path.slice(path.indexOf('/ai/v1/') + '/ai/v1/'.length);
    const answer = call(endpoint, String(init?.body ?? ''));
    const { body } = answer;
    const payload =
      typeof body === 'string' || body instanceof Uint8Array
        ? body
        : new ReadableStream({
            start(controller) {
              for (const chunk of body.chunks) controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
              controller.close();
            },
          });
    return new Response(payload as ConstructorParameters<typeof Response>[0], { status: answer.status, headers: answer.headers });
  };
  return new OpenAI({ apiKey: 'test-token', baseURL: 'https://api.cloudflare.com/client/v4/accounts/acc/ai/v1', fetch: fetch as typeof globalThis.fetch, maxRetries: 0 });
}

describe('chat/completions', () => {
  it('answers a chat.completion the SDK reads, deterministically', async () => {
    const body = { model: CHAT_MODEL, messages: [{ role: 'user', content: 'how to build a wooden spoon in 3 short steps?' }] };
    const raw = jsonBody(call('chat/completions', body));
    valid('ChatCompletion', raw);
    expect(raw.usage.total_tokens).toBe(raw.usage.prompt_tokens + raw.usage.completion_tokens);
    expect(raw.usage.prompt_tokens).toBe(10); // one token per word
    expect(jsonBody(call('chat/completions', body))).toEqual(raw);
    const completion = await client().chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(completion.choices[0]!.message.content).toBe(raw.choices[0].message.content);
    expect(completion.model).toBe(CHAT_MODEL);
  });

  it('honours max_tokens and max_completion_tokens', () => {
    for (const key of ['max_tokens', 'max_completion_tokens']) {
      const raw = jsonBody(call('chat/completions', { model: CHAT_MODEL, messages: [{ role: 'user', content: 'Tell me everything' }], [key]: 4 }));
      expect(raw.usage.completion_tokens).toBeLessThanOrEqual(4);
      expect(words(raw.choices[0].message.content)).toBe(raw.usage.completion_tokens);
      expect(raw.choices[0].finish_reason).toBe('length');
    }
  });

  it('streams chat.completion.chunk events ending with [DONE], usage last with include_usage', async () => {
    const body = { model: CHAT_MODEL, messages: [{ role: 'user', content: 'What is Cloudflare?' }], stream: true, stream_options: { include_usage: true } };
    const response = call('chat/completions', body);
    expect(response.headers['content-type']).toBe('text/event-stream');
    // The pause between chunks is the server's (its streamDelayMs), set where the answer is written.
    expect(typeof response.body === 'object' && 'chunks' in response.body && response.body.chunkDelayMs).toBeUndefined();
    const data = events(response);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1) as Obj[];
    for (const chunk of chunks) valid('ChatCompletionChunk', chunk);
    const usage = chunks.at(-1)!.usage;
    const text = chunks.flatMap((c) => c.choices.map((ch: Obj) => ch.delta.content ?? '')).join('');
    expect(words(text)).toBe(usage.completion_tokens);

    let streamed = '';
    let sdkUsage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of await client().chat.completions.create(body as OpenAI.ChatCompletionCreateParamsStreaming)) {
      streamed += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) sdkUsage = chunk.usage;
    }
    expect(streamed).toBe(text);
    expect(sdkUsage).toEqual(usage);
    expect(events(call('chat/completions', { ...body, stream_options: undefined })).some((c) => (c as Obj).usage)).toBe(false);
  });

  it('answers tools with tool_calls whose JSON arguments fit the parameters', async () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city', 'unit'], additionalProperties: false };
    const completion = await client().chat.completions.create({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: 'Weather in Lisbon?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters } }],
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const toolCall = choice.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(toolCall.function.name).toBe('get_weather');
    expect(new Ajv2020().validate(parameters, JSON.parse(toolCall.function.arguments))).toBe(true);
  });

  it('answers json_schema response formats with JSON that fits', async () => {
    const schema = { type: 'object', properties: { title: { type: 'string' }, year: { type: 'integer', minimum: 1900, maximum: 2030 } }, required: ['title', 'year'], additionalProperties: false };
    const completion = await client().chat.completions.create({
      model: '@cf/moonshotai/kimi-k2.5',
      messages: [{ role: 'user', content: 'A film, as JSON' }],
      response_format: { type: 'json_schema', json_schema: { name: 'film', schema } },
    });
    expect(new Ajv2020().validate(schema, JSON.parse(completion.choices[0]!.message.content!))).toBe(true);
  });
});

describe('completions', () => {
  it('answers text_completion, one choice per prompt', async () => {
    const raw = jsonBody(call('completions', { model: CHAT_MODEL, prompt: ['Once upon a time', 'In a galaxy'], max_tokens: 5 }));
    valid('Completion', raw);
    expect(raw.choices.map((c: Obj) => c.index)).toEqual([0, 1]);
    expect(raw.usage.prompt_tokens).toBe(7); // 4 + 3 words
    const completion = await client().completions.create({ model: CHAT_MODEL, prompt: 'Once upon a time', max_tokens: 5 });
    expect(words(completion.choices[0]!.text)).toBeLessThanOrEqual(5);
  });

  it('streams text_completion chunks ending with [DONE]', () => {
    const data = events(call('completions', { model: CHAT_MODEL, prompt: 'Once upon a time', stream: true }));
    expect(data.at(-1)).toBe('[DONE]');
    for (const chunk of data.slice(0, -1)) valid('CompletionChunk', chunk);
  });
});

describe('embeddings', () => {
  const dimension = contract.model(EMBEDDING_MODEL)!.facts.embeddingDimension!;

  it('answers one float vector of the model dimension per input', () => {
    const raw = jsonBody(call('embeddings', { model: EMBEDDING_MODEL, input: ['I love matcha', 'I love tea'] }));
    valid('EmbeddingsResponse', raw);
    expect(raw.object).toBe('list');
    expect(raw.data.map((d: Obj) => [d.object, d.index, d.embedding.length])).toEqual([
      ['embedding', 0, dimension],
      ['embedding', 1, dimension],
    ]);
    expect(raw.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
  });

  it('answers base64 little-endian float32 for encoding_format base64, decoding to the same vector', () => {
    const floats = jsonBody(call('embeddings', { model: EMBEDDING_MODEL, input: 'I love matcha' })).data[0].embedding as number[];
    const raw = jsonBody(call('embeddings', { model: EMBEDDING_MODEL, input: 'I love matcha', encoding_format: 'base64' }));
    valid('EmbeddingsResponse', raw);
    const bytes = Buffer.from(raw.data[0].embedding, 'base64');
    expect(bytes.length).toBe(dimension * 4);
    const decoded = Array.from({ length: dimension }, (_, i) => bytes.readFloatLE(i * 4));
    decoded.forEach((v, i) => expect(v).toBeCloseTo(floats[i]!, 6));
    expect(float32Base64([1, -2.5])).toBe(Buffer.from(Float32Array.of(1, -2.5).buffer).toString('base64'));
  });

  it('works with the SDK, which asks for base64 by default', async () => {
    const result = await client().embeddings.create({ model: EMBEDDING_MODEL, input: ['I love matcha', 'I love tea', 'Stock markets fell'] });
    expect(result.data).toHaveLength(3);
    for (const item of result.data) expect(item.embedding).toHaveLength(dimension);
    const [a, b, c] = result.data.map((d) => d.embedding);
    const dot = (x: number[], y: number[]): number => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
  });
});

describe('responses', () => {
  it('answers a Response object the SDK reads', async () => {
    const body = { model: RESPONSES_MODEL, input: 'Talk to me about open source', max_output_tokens: 40 };
    const raw = jsonBody(call('responses', body));
    valid('Response', raw);
    expect(raw.usage.total_tokens).toBe(raw.usage.input_tokens + raw.usage.output_tokens);
    expect(raw.usage.output_tokens).toBeLessThanOrEqual(40);
    const response = await client().responses.create(body);
    expect(response.output_text).toBe(raw.output_text);
    expect(response.status).toMatch(/^(completed|incomplete)$/);
  });

  it('streams Responses events (event: lines, no [DONE]) that the SDK accumulates', async () => {
    const body = { model: RESPONSES_MODEL, input: 'Talk to me about open source', instructions: 'Be brief', stream: true };
    const response = call('responses', body);
    const text = bodyText(response);
    expect(text).toMatch(/^event: response\.created\ndata: /);
    expect(text).not.toContain('[DONE]');
    const data = events(response) as Obj[];
    for (const event of data) valid('ResponsesStreamEvent', event);
    expect(data.at(-1)!.type).toBe('response.completed');
    const stream = client().responses.stream({ model: RESPONSES_MODEL, input: 'Talk to me about open source', instructions: 'Be brief' });
    let deltas = '';
    stream.on('response.output_text.delta', (event) => (deltas += event.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(deltas);
    expect(deltas.length).toBeGreaterThan(0);
  });

  it('answers function tools with function_call items', () => {
    const raw = jsonBody(call('responses', { model: RESPONSES_MODEL, input: 'Weather?', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] }));
    valid('Response', raw);
    expect(raw.output[0]).toMatchObject({ type: 'function_call', name: 'get_weather' });
    expect(typeof JSON.parse(raw.output[0].arguments).city).toBe('string');
  });
});

describe('errors (v4 ErrorEnvelope)', () => {
  const error = (response: EmulatorResponse): { status: number; code: number; message: string } => {
    const body = jsonBody(response);
    valid('ErrorEnvelope', body);
    return { status: response.status, code: body.errors[0].code, message: body.errors[0].message };
  };

  it('an unknown model is 5007/400', async () => {
    expect(error(call('chat/completions', { model: '@cf/nope/not-a-model', messages: [{ role: 'user', content: 'hi' }] }))).toMatchObject({ status: 400, code: 5007, message: 'No such model @cf/nope/not-a-model or task' });
    expect(error(call('embeddings', { model: 'text-embedding-3-small', input: 'x' }))).toMatchObject({ status: 400, code: 5007 });
    await expect(client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 400 });
  });

  it('a model that does not serve the endpoint is 5007/400', () => {
    expect(error(call('embeddings', { model: CHAT_MODEL, input: 'x' }))).toMatchObject({ status: 400, code: 5007 });
    expect(error(call('responses', { model: CHAT_MODEL, input: 'x' }))).toMatchObject({ status: 400, code: 5007 });
    expect(error(call('chat/completions', { model: EMBEDDING_MODEL, messages: [{ role: 'user', content: 'hi' }] }))).toMatchObject({ status: 400, code: 5007 });
  });

  it('a body the request schema rejects is 5006/400 naming the field', () => {
    const missing = error(call('chat/completions', { model: CHAT_MODEL }));
    expect(missing).toMatchObject({ status: 400, code: 5006 });
    expect(missing.message).toContain('messages');
    const wrong = error(call('embeddings', { model: EMBEDDING_MODEL, input: 'x', encoding_format: 'hex' }));
    expect(wrong.message).toContain('/encoding_format');
    expect(error(call('chat/completions', { model: CHAT_MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 0 })).message).toContain('/max_tokens');
  });

  it('a missing or non-JSON body is 3003/400; an unknown endpoint 7003/404', () => {
    expect(error(call('chat/completions', ''))).toMatchObject({ status: 400, code: 3003 });
    expect(error(call('chat/completions', '{"model":'))).toMatchObject({ status: 400, code: 3003 });
    expect(error(call('images/generations', { model: CHAT_MODEL }))).toMatchObject({ status: 404, code: 7003 });
  });
});
