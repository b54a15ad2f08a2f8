/**
 * End to end: the official `cloudflare` SDK, unmodified but for `baseURL`, against the emulator. A model of every
 * task through `client.ai.run`, the whole catalogue through `client.ai.models.list`'s auto-pagination,
 * `client.ai.models.schema.get`, and the errors as the SDK surfaces them. If the SDK fails, the emulator is wrong.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import Cloudflare, { APIError, BadRequestError, PermissionDeniedError } from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract/load.js';
import { TASK_IDS, type TaskId } from '../../src/contract/types.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { mediaSamples, toBase64, toByteArray } from '../../src/generate/media.js';
import { parseMp3Frames } from '../../src/media/mp3.js';
import { pngSize } from '../../src/media/png.js';
import { sniffMediaType } from '../../src/media/sniff.js';
import { parseWav } from '../../src/media/wav.js';

const TOKEN = 'sdk-cloudflare-token';
const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353';
const contract = loadContract();
const samples = mediaSamples();

let emulator: RunningEmulator;
let client: Cloudflare;

beforeAll(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, token: TOKEN });
  client = new Cloudflare({ apiToken: TOKEN, baseURL: `${emulator.url}/client/v4` });
});

afterAll(async () => {
  await emulator?.close();
});

/** `client.ai.run` with an input the SDK's union type does not name (the SDK sends any body as JSON). */
function run(model: string, input: Record<string, unknown>, options?: Cloudflare.RequestOptions) {
  return client.ai.run(model, { account_id: ACCOUNT, ...input } as Cloudflare.AI.AIRunParams, options);
}

/** The result is what the contract says the model answers. */
function expectValidOutput(modelId: string, result: unknown): void {
  const model = contract.model(modelId)!;
  expect(contract.validateModel(model, 'output', result), `${modelId} output`).toEqual([]);
}

type Obj = Record<string, unknown>;

/** What /ai/models/search lists (the SDK types it as `unknown`). */
interface CatalogItem {
  name: string;
  task: { name: string };
}

interface JsonCase {
  task: TaskId;
  model: string;
  input: Obj;
  /** What the result means, beyond matching the output schema. */
  expectResult(result: unknown): void;
}

/** One JSON-answering model per task, with a valid input and what its answer must show. */
const JSON_CASES: JsonCase[] = [
  {
    task: 'text-generation',
    model: '@cf/meta/llama-3.1-8b-instruct-fp8',
    input: { messages: [{ role: 'user', content: 'Where did the phrase Hello World come from?' }], max_tokens: 40 },
    expectResult: (result) => {
      const r = result as { response: string; usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } };
      expect(r.response.length).toBeGreaterThan(0);
      expect(r.usage.completion_tokens).toBeGreaterThan(0);
      expect(r.usage.completion_tokens).toBeLessThanOrEqual(40);
      expect(r.usage.total_tokens).toBe(r.usage.prompt_tokens + r.usage.completion_tokens);
    },
  },
  {
    task: 'text-embeddings',
    model: '@cf/baai/bge-base-en-v1.5',
    input: { text: ['first sentence', 'second sentence', 'third'] },
    expectResult: (result) => {
      const r = result as { shape: number[]; data: number[][] };
      const dimension = contract.model('@cf/baai/bge-base-en-v1.5')!.facts.embeddingDimension!;
      expect(r.shape).toEqual([3, dimension]);
      expect(r.data).toHaveLength(3);
      for (const row of r.data) {
        expect(row).toHaveLength(dimension);
        expect(row.every(Number.isFinite)).toBe(true);
      }
    },
  },
  {
    task: 'text-classification',
    model: '@cf/huggingface/distilbert-sst-2-int8',
    input: { text: 'This emulator is a joy to test against.' },
    expectResult: (result) => {
      const labels = contract.model('@cf/huggingface/distilbert-sst-2-int8')!.facts.labels!;
      const r = result as { label: string; score: number }[];
      expect(r.length).toBeGreaterThan(0);
      for (const item of r) {
        expect(labels).toContain(item.label);
        expect(item.score).toBeGreaterThanOrEqual(0);
        expect(item.score).toBeLessThanOrEqual(1);
      }
    },
  },
  {
    task: 'text-to-speech',
    model: '@cf/myshell-ai/melotts',
    input: { prompt: 'Hello from the emulator' },
    expectResult: (result) => {
      const audio = Buffer.from((result as { audio: string }).audio, 'base64');
      // A WAV, as the live API answers (not the MP3 the catalogue names): spec/tasks/text-to-speech.yaml.
      expect(sniffMediaType(audio)).toBe('audio/wav');
      expect(parseWav(audio)?.durationSeconds).toBeGreaterThan(0);
    },
  },
  {
    task: 'automatic-speech-recognition',
    model: '@cf/openai/whisper-large-v3-turbo',
    input: { audio: toBase64(samples.wav.bytes) },
    expectResult: (result) => {
      const r = result as { text: string; transcription_info?: { duration?: number } };
      expect(typeof r.text).toBe('string');
      expect(r.text.length).toBeGreaterThan(0);
    },
  },
  {
    task: 'image-classification',
    model: '@cf/microsoft/resnet-50',
    input: { image: toByteArray(samples.png.bytes) },
    expectResult: (result) => {
      const r = result as { label: string; score: number }[];
      expect(r.length).toBeGreaterThan(0);
      expect(r.every((item) => typeof item.label === 'string' && item.score >= 0 && item.score <= 1)).toBe(true);
    },
  },
  {
    task: 'object-detection',
    model: '@cf/facebook/detr-resnet-50',
    input: { image: toByteArray(samples.jpeg.bytes) },
    expectResult: (result) => {
      const labels = contract.model('@cf/facebook/detr-resnet-50')!.facts.labels!;
      const r = result as { label: string; score: number; box: { xmin: number; ymin: number; xmax: number; ymax: number } }[];
      expect(Array.isArray(r)).toBe(true);
      for (const item of r) {
        expect(labels).toContain(item.label);
        expect(item.box.xmin).toBeLessThanOrEqual(item.box.xmax);
        expect(item.box.ymin).toBeLessThanOrEqual(item.box.ymax);
      }
    },
  },
  {
    task: 'translation',
    model: '@cf/meta/m2m100-1.2b',
    input: { text: 'Hello, world', source_lang: 'en', target_lang: 'fr' },
    expectResult: (result) => {
      expect((result as { translated_text: string }).translated_text.length).toBeGreaterThan(0);
    },
  },
  {
    task: 'summarization',
    model: '@cf/facebook/bart-large-cnn',
    input: { input_text: 'Workers AI runs machine learning models on a global network. '.repeat(20), max_length: 50 },
    expectResult: (result) => {
      expect((result as { summary: string }).summary.length).toBeGreaterThan(0);
    },
  },
  {
    task: 'image-to-text',
    model: '@cf/unum/uform-gen2-qwen-500m',
    input: { image: toByteArray(samples.png.bytes), prompt: 'Describe the picture', max_tokens: 32 },
    expectResult: (result) => {
      expect((result as { description: string }).description.length).toBeGreaterThan(0);
    },
  },
  {
    task: 'voice-activity-detection',
    model: '@cf/pipecat-ai/smart-turn-v2',
    input: { audio: toBase64(samples.wav.bytes) },
    expectResult: (result) => {
      const r = result as { is_complete: boolean; probability: number };
      expect(typeof r.is_complete).toBe('boolean');
      expect(r.probability).toBeGreaterThanOrEqual(0);
      expect(r.probability).toBeLessThanOrEqual(1);
    },
  },
];

/** Models that answer raw bytes instead of the envelope, and what the bytes must be. */
const BINARY_CASES: { task: TaskId; model: string; input: Obj; mediaType: string; expectBytes(bytes: Uint8Array): void }[] = [
  {
    task: 'text-to-image',
    model: '@cf/stabilityai/stable-diffusion-xl-base-1.0',
    input: { prompt: 'a lighthouse at dawn', width: 512, height: 768 },
    mediaType: 'image/png',
    expectBytes: (bytes) => expect(pngSize(bytes)).toEqual({ width: 512, height: 768 }),
  },
  {
    task: 'text-to-speech',
    model: '@cf/deepgram/aura-1',
    input: { text: 'Hello from the emulator' },
    mediaType: 'audio/mpeg',
    expectBytes: (bytes) => expect(parseMp3Frames(bytes)?.frames).toBeGreaterThan(0),
  },
];

describe('client.ai.run', () => {
  it('covers a model of every task', () => {
    const covered = new Set([...JSON_CASES, ...BINARY_CASES].map((c) => contract.model(c.model)?.task));
    for (const c of [...JSON_CASES, ...BINARY_CASES]) expect(contract.model(c.model)?.task, c.model).toBe(c.task);
    expect([...covered].sort()).toEqual([...TASK_IDS].sort());
  });

  it.each(JSON_CASES.map((c) => [c.task, c] as const))('%s: returns the envelope\'s result, valid by the contract', async (_task, c) => {
    const model = contract.model(c.model)!;
    expect(contract.validateModel(model, 'input', c.input), `${c.model} input`).toEqual([]);
    const result = await run(c.model, c.input);
    expectValidOutput(c.model, result);
    c.expectResult(result);
  });

  it.each(BINARY_CASES.map((c) => [c.model, c] as const))('%s: the SDK resolves to undefined for a binary answer; the raw response has the bytes', async (_model, c) => {
    // The SDK parses a non-JSON body as text and unwraps `.result` from it, so the awaited value is
    // undefined (as against the real API). `asResponse()` is how an SDK user reaches the bytes.
    await expect(run(c.model, c.input)).resolves.toBeUndefined();
    const response = await run(c.model, c.input).asResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(c.mediaType);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(sniffMediaType(bytes)).toBe(c.mediaType);
    c.expectBytes(bytes);
  });

  it('sends raw audio bytes when given a body and content type in the request options', async () => {
    const result = await run('@cf/openai/whisper', {}, { body: samples.wav.bytes, headers: { 'content-type': 'audio/wav' } });
    expectValidOutput('@cf/openai/whisper', result);
    expect((result as { text: string }).text.length).toBeGreaterThan(0);
  });

  it('takes the byte-array form of the same audio (the SDK\'s typed AutomaticSpeechRecognition params)', async () => {
    const result = await client.ai.run('@cf/openai/whisper', { account_id: ACCOUNT, audio: toByteArray(samples.wav.bytes) });
    expectValidOutput('@cf/openai/whisper', result);
  });

  it('reaches the emulator with the model id percent-encoded, as the SDK always sends it', async () => {
    const urls: string[] = [];
    const spy = new Cloudflare({
      apiToken: TOKEN,
      baseURL: `${emulator.url}/client/v4`,
      fetch: (url, init) => {
        urls.push(String(url));
        return fetch(url, init);
      },
    });
    const result = await spy.ai.run('@cf/huggingface/distilbert-sst-2-int8', { account_id: ACCOUNT, text: 'fine' });
    expectValidOutput('@cf/huggingface/distilbert-sst-2-int8', result);
    expect(urls).toEqual([`${emulator.url}/client/v4/accounts/${ACCOUNT}/ai/run/@cf%2Fhuggingface%2Fdistilbert-sst-2-int8`]);
  });
});

describe('client.ai.models', () => {
  it('list: auto-pagination walks every page and yields each catalogue model once', async () => {
    const names: string[] = [];
    // The SDK types list items as `unknown`; the catalogue's items carry `name` (the model id).
    for await (const model of client.ai.models.list({ account_id: ACCOUNT })) names.push((model as CatalogItem).name);
    expect(names).toHaveLength(contract.models.size);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((name) => contract.model(name) !== undefined)).toBe(true);
  });

  it('list: pages of per_page items, then an empty page that stops the iteration', async () => {
    const perPage = 7;
    const sizes: number[] = [];
    const first = await client.ai.models.list({ account_id: ACCOUNT, per_page: perPage });
    for await (const page of first.iterPages()) sizes.push(page.getPaginatedItems().length);
    const full = Math.floor(contract.models.size / perPage);
    const rest = contract.models.size % perPage;
    expect(sizes).toEqual([...Array<number>(full).fill(perPage), ...(rest ? [rest] : []), 0]);
  });

  it('list: filters by task and names each model\'s task', async () => {
    const page = await client.ai.models.list({ account_id: ACCOUNT, task: 'Text Embeddings', per_page: 100 });
    const expected = contract.modelsOfTask('text-embeddings').map((m) => m.id).sort();
    const items = page.result as CatalogItem[];
    expect(items.map((m) => m.name).sort()).toEqual(expected);
    expect(new Set(items.map((m) => m.task.name))).toEqual(new Set(['Text Embeddings']));
  });

  it('schema.get: input and output schemas that accept the model\'s valid documents and reject invalid ones', async () => {
    const schema = (await client.ai.models.schema.get({ account_id: ACCOUNT, model: '@cf/huggingface/distilbert-sst-2-int8' })) as { input: object; output: object };
    const ajv = new Ajv2020({ strict: false });
    const input = ajv.compile(schema.input);
    const output = ajv.compile(schema.output);
    expect(input({ text: 'fine' })).toBe(true);
    expect(input({})).toBe(false);
    expect(output([{ label: 'POSITIVE', score: 0.9 }])).toBe(true);
    expect(output({ label: 'POSITIVE' })).toBe(false);
  });

  it('schema.get: an unknown model is a 400 with the documented "No such model" text', async () => {
    const error = await client.ai.models.schema.get({ account_id: ACCOUNT, model: '@cf/nope/not-a-model' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).message).toContain('No such model @cf/nope/not-a-model or task');
  });
});

describe('errors through the SDK', () => {
  it('an unknown model: BadRequestError, status 400, code 5007 and the documented message', async () => {
    const error = await run('@cf/nope/not-a-model', { prompt: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    const apiError = error as APIError;
    expect(apiError.status).toBe(400);
    expect(apiError.message).toContain('No such model @cf/nope/not-a-model or task');
    expect(apiError.errors).toEqual([{ code: 5007, message: 'No such model @cf/nope/not-a-model or task' }]);
  });

  it('invalid input: 400, code 5006, the message names the field', async () => {
    const error = (await run('@cf/huggingface/distilbert-sst-2-int8', { text: 42 }).catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.errors[0]).toMatchObject({ code: 5006 });
    expect(error.message).toContain('/text');
  });

  it('a token the emulator does not accept: PermissionDeniedError, status 403, code 10000', async () => {
    const stranger = new Cloudflare({ apiToken: 'not-the-token', baseURL: `${emulator.url}/client/v4` });
    const error = (await stranger.ai.run('@cf/huggingface/distilbert-sst-2-int8', { account_id: ACCOUNT, text: 'hi' }).catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.status).toBe(403);
    expect(error.errors).toEqual([{ code: 10000, message: 'Authentication error' }]);
  });
});
