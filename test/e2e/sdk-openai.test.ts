/**
 * End to end: the `openai` SDK, unmodified but for `baseURL`, against the emulator's /ai/v1 endpoints: chat
 * completions (whole and streamed), embeddings (the SDK's default base64 and `float`), Responses on gpt-oss,
 * and errors as the SDK surfaces them. If the SDK fails, the emulator is wrong.
 */
import OpenAI, { APIError, AuthenticationError, BadRequestError, NotFoundError, PermissionDeniedError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const TOKEN = 'sdk-openai-token';
const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353';
const CHAT_MODEL = '@cf/meta/llama-3.1-8b-instruct-fp8';
const EMBEDDING_MODEL = '@cf/baai/bge-base-en-v1.5';
const RESPONSES_MODEL = '@cf/openai/gpt-oss-120b';
const contract = loadContract();
const DIMENSION = contract.model(EMBEDDING_MODEL)!.facts.embeddingDimension!;

let emulator: RunningEmulator;
let client: OpenAI;
let baseURL: string;

beforeAll(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, token: TOKEN });
  baseURL = `${emulator.url}/client/v4/accounts/${ACCOUNT}/ai/v1`;
  client = new OpenAI({ apiKey: TOKEN, baseURL });
});

afterAll(async () => {
  await emulator?.close();
});

const question = [{ role: 'user' as const, content: 'How do I build a wooden spoon in 3 short steps?' }];

describe('chat completions', () => {
  it('answers a chat.completion with an assistant message, a finish reason and usage that adds up', async () => {
    const completion = await client.chat.completions.create({ model: CHAT_MODEL, messages: question, max_tokens: 30 });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe(CHAT_MODEL);
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.choices).toHaveLength(1);
    const [choice] = completion.choices;
    expect(choice!.index).toBe(0);
    expect(choice!.message.role).toBe('assistant');
    expect(choice!.message.content?.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(choice!.finish_reason);
    const usage = completion.usage!;
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeLessThanOrEqual(30);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it('streams chat.completion.chunk events: one id, non-empty text, a finish reason, and usage last with include_usage', async () => {
    const stream = await client.chat.completions.create({ model: CHAT_MODEL, messages: question, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === CHAT_MODEL)).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text.trim().length).toBeGreaterThan(0);
    // The finish chunk comes twice, as every recorded live /ai/v1 stream sends it (fixtures/real/, opencode recordings).
    const finishes = chunks.flatMap((c) => c.choices.map((choice) => choice.finish_reason).filter(Boolean));
    expect(finishes).toEqual(['stop', 'stop']);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.completion_tokens).toBeGreaterThan(0);
    expect(last.usage!.total_tokens).toBe(last.usage!.prompt_tokens + last.usage!.completion_tokens);
    expect(chunks.slice(0, -1).every((c) => !c.usage)).toBe(true);
  });

  it("assembles the stream with the SDK's own helper despite the repeated finish chunk", async () => {
    const final = await client.chat.completions.stream({ model: CHAT_MODEL, messages: question }).finalChatCompletion();
    expect(final.choices).toHaveLength(1);
    expect(final.choices[0]!.finish_reason).toBe('stop');
    expect(final.choices[0]!.message.content!.trim().length).toBeGreaterThan(0);
  });

  it('streams without a usage chunk when include_usage is not asked for', async () => {
    const stream = await client.chat.completions.create({ model: CHAT_MODEL, messages: question, stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => !c.usage && c.choices.length === 1)).toBe(true);
  });
});

describe('embeddings', () => {
  it('default (the SDK asks for base64 and decodes it): float vectors of the model\'s dimension, one per input in order', async () => {
    const answer = await client.embeddings.create({ model: EMBEDDING_MODEL, input: ['first sentence', 'second sentence'] });
    expect(answer.object).toBe('list');
    expect(answer.model).toBe(EMBEDDING_MODEL);
    expect(answer.data.map((d) => d.index)).toEqual([0, 1]);
    for (const item of answer.data) {
      expect(item.object).toBe('embedding');
      expect(Array.isArray(item.embedding)).toBe(true);
      expect(item.embedding).toHaveLength(DIMENSION);
      expect(item.embedding.every(Number.isFinite)).toBe(true);
    }
    expect(answer.data[0]!.embedding).not.toEqual(answer.data[1]!.embedding);
    expect(answer.usage.total_tokens).toBeGreaterThan(0);
  });

  it('encoding_format float: the same vectors, as JSON numbers (base64 carries them as float32)', async () => {
    const input = ['first sentence', 'second sentence'];
    const floats = await client.embeddings.create({ model: EMBEDDING_MODEL, input, encoding_format: 'float' });
    const decoded = await client.embeddings.create({ model: EMBEDDING_MODEL, input });
    expect(floats.data).toHaveLength(2);
    floats.data.forEach((item, i) => {
      expect(item.embedding).toHaveLength(DIMENSION);
      expect(decoded.data[i]!.embedding).toEqual(item.embedding.map(Math.fround));
    });
  });

  it('the base64 form is what goes over the wire when the SDK picks the format', async () => {
    const raw = await client.embeddings.create({ model: EMBEDDING_MODEL, input: 'one', encoding_format: 'base64' });
    const encoded = raw.data[0]!.embedding as unknown as string;
    expect(typeof encoded).toBe('string');
    expect(Buffer.from(encoded, 'base64').byteLength).toBe(DIMENSION * 4);
  });
});

describe('responses', () => {
  it(`answers a completed Response on ${RESPONSES_MODEL} with output text and usage`, async () => {
    const response = await client.responses.create({ model: RESPONSES_MODEL, input: 'What is Cloudflare?' });
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.model).toBe(RESPONSES_MODEL);
    expect(response.output_text.length).toBeGreaterThan(0);
    const message = response.output.find((item) => item.type === 'message');
    expect(message).toBeDefined();
    expect(response.usage!.total_tokens).toBe(response.usage!.input_tokens + response.usage!.output_tokens);
  });
});

describe('errors through the SDK', () => {
  /** The error a call rejects with. */
  const failure = (promise: Promise<unknown>): Promise<APIError> => promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error as APIError,
  );

  it('an unknown model: BadRequestError, status 400, the documented message, code 5007', async () => {
    const error = await failure(client.chat.completions.create({ model: '@cf/nope/not-a-model', messages: question }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.status).toBe(400);
    expect(error.message).toBe('400 No such model @cf/nope/not-a-model or task');
    expect(error.code).toBe('5007');
    expect(error.type).toBe('invalid_request_error');
  });

  it('a model that does not serve the endpoint: 400 naming the model', async () => {
    const error = await failure(client.embeddings.create({ model: CHAT_MODEL, input: 'x', encoding_format: 'float' }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toContain(`No such model ${CHAT_MODEL} or task`);
  });

  it('a request the schema rejects: 400, code 5006, the message names the field', async () => {
    const error = await failure(client.chat.completions.create({ model: CHAT_MODEL, messages: question, max_tokens: 0 }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.code).toBe('5006');
    expect(error.message).toContain('/max_tokens');
  });

  it('an endpoint Workers AI does not serve (models.list): NotFoundError with the routing message', async () => {
    const error = await failure(client.models.list());
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('Could not route to');
    expect(error.code).toBe('7003');
  });

  it('a key the emulator does not accept: PermissionDeniedError, status 403, "Authentication error"', async () => {
    const stranger = new OpenAI({ apiKey: 'not-the-token', baseURL });
    const error = await failure(stranger.chat.completions.create({ model: CHAT_MODEL, messages: question }));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.status).toBe(403);
    expect(error.message).toBe('403 Authentication error');
    expect(error.type).toBe('authentication_error');
  });

  it('the body keeps the v4 envelope beside the OpenAI member', async () => {
    const error = await failure(client.chat.completions.create({ model: '@cf/nope/not-a-model', messages: question }));
    // The SDK keeps only `error`; the raw body (read again without the SDK) carries both.
    expect(error.error).toEqual({ message: 'No such model @cf/nope/not-a-model or task', type: 'invalid_request_error', code: '5007' });
    const raw = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: '@cf/nope/not-a-model', messages: question }),
    });
    expect(await raw.json()).toEqual({
      success: false,
      errors: [{ code: 5007, message: 'No such model @cf/nope/not-a-model or task' }],
      messages: [],
      result: null,
      error: { message: 'No such model @cf/nope/not-a-model or task', type: 'invalid_request_error', code: '5007' },
    });
  });

  it('no credential at all: AuthenticationError, status 401', async () => {
    const anonymous = new OpenAI({ apiKey: 'x', baseURL, defaultHeaders: { authorization: null } });
    const error = await failure(anonymous.chat.completions.create({ model: CHAT_MODEL, messages: question }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
  });
});
