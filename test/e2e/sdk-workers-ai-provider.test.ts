/**
 * End to end: the Vercel AI SDK (`ai`) with Cloudflare's own provider, `workers-ai-provider`, unmodified, against the
 * emulator, in both of the provider's modes: REST credentials (its `fetch` option only sends the requests it builds
 * for api.cloudflare.com and gateway.ai.cloudflare.com to the emulator instead) and a binding (our `createAi()`).
 * Text, streamed text, JSON mode objects, tool calls as the AI SDK defines tools, embeddings, images, transcription,
 * speech and the AI Gateway path. The provider is how most Workers AI code is written: if it fails, the emulator
 * (or the contract it follows) is wrong.
 */
import {
  embedMany,
  experimental_generateImage as generateImage,
  experimental_generateSpeech as generateSpeech,
  experimental_transcribe as transcribe,
  generateObject,
  generateText,
  jsonSchema,
  streamText,
  tool,
} from 'ai';
import { createWorkersAI } from 'workers-ai-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { mediaSamples } from '../../src/generate/media.js';
import { pngSize } from '../../src/media/png.js';
import { sniffMediaType } from '../../src/media/sniff.js';
import { createAi } from '../../src/targets/create-ai.js';

const TOKEN = 'workers-ai-provider-token';
const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353';
const LLAMA = '@cf/meta/llama-3.1-8b-instruct';
const TOOLS_MODEL = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';

let emulator: RunningEmulator;
const sent: string[] = [];
const cacheStatuses: (string | null)[] = [];

/** The provider's requests, sent to the emulator: same method, path, query, headers and body. */
const toEmulator: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  sent.push(`${init?.method ?? 'GET'} ${url.hostname}${url.pathname}`);
  const answer = await fetch(`${emulator.url}${url.pathname}${url.search}`, init);
  cacheStatuses.push(answer.headers.get('cf-aig-cache-status'));
  return answer;
};

beforeAll(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, token: TOKEN });
});

afterAll(async () => {
  await emulator?.close();
});

/** A tool as AI SDK users write it: a JSON Schema whose properties carry no `description` (as zod's `z.object({ city: z.string() })` gives). */
const weather = tool({
  description: 'The current weather in a city',
  inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }),
});

const city = jsonSchema<{ name: string; population: number }>({
  type: 'object',
  properties: { name: { type: 'string' }, population: { type: 'number' } },
  required: ['name', 'population'],
  additionalProperties: false,
});

// In REST mode the provider reads every non-streamed answer as JSON, so a model that answers raw image bytes (the
// Stable Diffusion family: `Content-Type: image/png`, no envelope, as the real REST API answers) cannot be used there;
// the binding hands the bytes over. Both modes use flux-1-schnell's JSON `{image: base64}` answer.
const modes = [
  { mode: 'REST credentials', binaryImages: false, provider: () => createWorkersAI({ accountId: ACCOUNT, apiKey: TOKEN, fetch: toEmulator }) },
  { mode: 'binding (createAi)', binaryImages: true, provider: () => createWorkersAI({ binding: createAi({ url: emulator.url }) }) },
] as const;

describe.each(modes)('workers-ai-provider, $mode', ({ provider, binaryImages }) => {
  it('generateText and streamText: text, usage and finish reason', async () => {
    const workersai = provider();
    const generated = await generateText({ model: workersai(LLAMA), prompt: 'Say hello', maxOutputTokens: 16 });
    expect(generated.text.length).toBeGreaterThan(0);
    expect(generated.finishReason).toMatch(/^(stop|length)$/);
    expect(generated.usage.outputTokens).toBeGreaterThan(0);
    expect(generated.usage.totalTokens).toBe((generated.usage.inputTokens ?? 0) + (generated.usage.outputTokens ?? 0));

    const streamed = streamText({ model: workersai(LLAMA), prompt: 'Say hello', maxOutputTokens: 16 });
    let text = '';
    for await (const chunk of streamed.textStream) text += chunk;
    expect(text.length).toBeGreaterThan(0);
    expect((await streamed.usage).outputTokens).toBeGreaterThan(0);
    expect(await streamed.finishReason).toMatch(/^(stop|length)$/);
  });

  it('generateObject: JSON mode answers an object that follows the schema', async () => {
    const { object } = await generateObject({ model: provider()(LLAMA), prompt: 'A city', schema: city });
    expect(object).toEqual({ name: expect.any(String), population: expect.any(Number) });
  });

  it('tool calls with tools as the AI SDK defines them', async () => {
    const result = await generateText({ model: provider()(TOOLS_MODEL), prompt: 'What is the weather in Paris?', tools: { weather }, toolChoice: 'required' });
    expect(result.toolCalls.length).toBeGreaterThan(0);
    expect(result.toolCalls[0]).toMatchObject({ toolName: 'weather', input: { city: expect.any(String) } });
  });

  it('embedMany, generateImage, transcribe and generateSpeech', async () => {
    const workersai = provider();
    const { embeddings } = await embedMany({ model: workersai.textEmbedding('@cf/baai/bge-base-en-v1.5'), values: ['one', 'two', 'three'] });
    expect(embeddings.map((e) => e.length)).toEqual([768, 768, 768]);

    if (binaryImages) {
      const sdxl = await generateImage({ model: workersai.image('@cf/bytedance/stable-diffusion-xl-lightning'), prompt: 'a lighthouse', size: '256x256' });
      expect(sniffMediaType(sdxl.image.uint8Array)).toBe('image/png');
      expect(pngSize(sdxl.image.uint8Array)).toEqual({ width: 256, height: 256 });
    }
    const flux = await generateImage({ model: workersai.image('@cf/black-forest-labs/flux-1-schnell'), prompt: 'a lighthouse' });
    expect(['image/png', 'image/jpeg']).toContain(sniffMediaType(flux.image.uint8Array));

    const heard = await transcribe({ model: workersai.transcription('@cf/openai/whisper'), audio: mediaSamples().mp3.bytes });
    expect(heard.text.length).toBeGreaterThan(0);

    const spoken = await generateSpeech({ model: workersai.speech('@cf/deepgram/aura-1'), text: 'Hello there' });
    expect(sniffMediaType(spoken.audio.uint8Array)).toBe('audio/mpeg');
  });

  it('an unknown model and an invalid input fail as the provider reports API errors', async () => {
    const workersai = provider();
    await expect(generateText({ model: workersai('@cf/nobody/no-such-model'), prompt: 'hi', maxRetries: 0 })).rejects.toThrow(/5007|No such model/);
    await expect(generateText({ model: workersai(LLAMA), prompt: 'hi', temperature: 99, maxRetries: 0 })).rejects.toThrow(/temperature/);
  });
});

describe('workers-ai-provider through AI Gateway', () => {
  it('sends the gateway run/ path with its cache headers, and the emulator answers it', async () => {
    sent.length = 0;
    cacheStatuses.length = 0;
    const workersai = createWorkersAI({ accountId: ACCOUNT, apiKey: TOKEN, fetch: toEmulator, gateway: { id: 'my-gateway', cacheTtl: 60 } });
    const first = await generateText({ model: workersai(LLAMA), prompt: 'cache me', maxOutputTokens: 8 });
    const second = await generateText({ model: workersai(LLAMA), prompt: 'cache me', maxOutputTokens: 8 });
    expect(sent).toEqual([`POST gateway.ai.cloudflare.com/v1/${ACCOUNT}/my-gateway/workers-ai/run/${LLAMA}`, `POST gateway.ai.cloudflare.com/v1/${ACCOUNT}/my-gateway/workers-ai/run/${LLAMA}`]);
    expect(second.text).toBe(first.text);
    expect(cacheStatuses).toEqual(['MISS', 'HIT']);
  });
});
