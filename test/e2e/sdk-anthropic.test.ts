/**
 * End to end: the `@anthropic-ai/sdk` client, unmodified but for `baseURL`, against the emulator's
 * /ai/v1/messages: a whole message, a stream read with the SDK's own event parser and message accumulator, tool use,
 * and the endpoint's errors as the SDK surfaces them. If the SDK fails, the emulator (or the contract) is wrong.
 *
 * The SDK posts to `{baseURL}/v1/messages`, so its baseURL is the account's `/ai` root (the REST API page's `.../ai/v1`
 * would post to `/ai/v1/v1/messages`); `apiKey` is the Cloudflare API token, as the page sets it (this SDK version sends
 * it as `Authorization: Bearer`, the v4 API's credential).
 */
import Anthropic, { AuthenticationError, BadRequestError, NotFoundError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const TOKEN = 'sdk-anthropic-token';
const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353';
const MODEL = 'anthropic/claude-opus-5.5';

let emulator: RunningEmulator;
let client: Anthropic;
let baseURL: string;

beforeAll(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, token: TOKEN });
  baseURL = `${emulator.url}/client/v4/accounts/${ACCOUNT}/ai`;
  client = new Anthropic({ apiKey: TOKEN, baseURL, maxRetries: 0 });
});

afterAll(async () => {
  await emulator?.close();
});

const question = [{ role: 'user' as const, content: 'What are the three laws of thermodynamics?' }];
const weather: Anthropic.Tool = { name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('messages.create', () => {
  it('answers a message: assistant text, a stop reason, usage within max_tokens, the upstream model name', async () => {
    const message = await client.messages.create({ model: MODEL, max_tokens: 40, system: 'Answer briefly.', messages: question });
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.id).toMatch(/^msg_/);
    // The model pages answer anthropic/claude-opus-5.5 with "model": "claude-opus-5-5".
    expect(message.model).toBe('claude-opus-5-5');
    // Cloudflare's member beside Anthropic's, as the model pages show it; the SDK keeps it.
    expect((message as unknown as { gatewayMetadata?: unknown }).gatewayMetadata).toEqual({ keySource: 'Unified' });
    const [block] = message.content;
    expect(block?.type).toBe('text');
    expect((block as Anthropic.TextBlock).text.length).toBeGreaterThan(0);
    expect(['end_turn', 'max_tokens']).toContain(message.stop_reason);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeLessThanOrEqual(40);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('calls an offered tool: a tool_use block with a JSON input, stop_reason tool_use', async () => {
    const message = await client.messages.create({ model: MODEL, max_tokens: 200, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weather], tool_choice: { type: 'tool', name: 'get_weather' } });
    expect(message.stop_reason).toBe('tool_use');
    const use = message.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(use?.name).toBe('get_weather');
    expect(use?.id).toMatch(/^toolu_/);
    expect(typeof (use?.input as { city?: unknown }).city).toBe('string');
  });
});

describe('messages.stream', () => {
  it('streams Anthropic events the SDK assembles into the final message', async () => {
    const stream = client.messages.stream({ model: MODEL, max_tokens: 30, messages: question });
    const types: string[] = [];
    let text = '';
    stream.on('streamEvent', (event) => types.push(event.type));
    stream.on('text', (delta) => (text += delta));
    const message = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).toContain('content_block_delta');
    expect(message.content).toHaveLength(1);
    expect(message.content[0]).toMatchObject({ type: 'text', text });
    expect(text.length).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeLessThanOrEqual(30);
    expect(['end_turn', 'max_tokens']).toContain(message.stop_reason);
  });

  it('streams a tool call whose input_json_delta pieces the SDK parses into its input', async () => {
    const stream = client.messages.stream({ model: MODEL, max_tokens: 200, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weather], tool_choice: { type: 'any' } });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    const use = message.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(typeof (use?.input as { city?: unknown }).city).toBe('string');
  });

  it('is the same stream with stream: true on create', async () => {
    const stream = await client.messages.create({ model: MODEL, max_tokens: 12, messages: question, stream: true });
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events[0]?.type).toBe('message_start');
    expect(events.at(-1)?.type).toBe('message_stop');
    const delta = events.find((e): e is Anthropic.RawMessageDeltaEvent => e.type === 'message_delta');
    expect(delta?.usage.output_tokens).toBeLessThanOrEqual(12);
  });
});

describe('errors, as the real endpoint answered them', () => {
  it('refuses a Workers AI model with 400 invalid_request_error "Anthropic Messages API is not supported"', async () => {
    const error = await client.messages.create({ model: '@cf/moonshotai/kimi-k2.6', max_tokens: 10, messages: question }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).error).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(/^AiError: Anthropic Messages API is not supported for model "@cf\/moonshotai\/kimi-k2\.6" \(/) } });
  });

  it('answers an unknown model with 404 not_found_error "Model not found"', async () => {
    const error = await client.messages.create({ model: 'moonshotai/kimi-k2.6', max_tokens: 10, messages: question }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).error).toEqual({ type: 'error', error: { type: 'not_found_error', message: 'Model not found: moonshotai/kimi-k2.6' } });
  });

  it('wants credentials: without a token the SDK reports an authentication error', async () => {
    const error = await client.messages.create({ model: MODEL, max_tokens: 10, messages: question }, { headers: { authorization: null } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
  });

  it('refuses a request its schema does not allow with 400 invalid_request_error', async () => {
    const error = await client.messages.create({ model: MODEL, max_tokens: 0, messages: question }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toMatch(/max_tokens/);
  });
});
