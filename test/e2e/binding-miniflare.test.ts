/**
 * @module End to end with the real runtime: a Worker in Miniflare (workerd from npm) whose real `env.AI` binding is
 * pointed at the emulator with `miniflareAiOptions`. One Miniflare and one emulator for the whole file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { miniflareAiOptions, startBindingEmulator } from '../../src/emulator/binding-miniflare.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { mediaSamples } from '../../src/generate/media.js';

const workerPath = fileURLToPath(new URL('../fixtures/binding/ai-worker.js', import.meta.url));
const LLAMA = '@cf/meta/llama-3.1-8b-instruct';

interface Outcome {
  kind: 'object' | 'stream' | 'response' | 'error';
  value?: unknown;
  text?: string;
  base64?: string;
  status?: number;
  name?: string;
  message?: string;
  contentType?: string | null;
  requestId?: string | null;
  lastRequestId?: string | null;
  aiGatewayLogId?: string | null;
}

let emulator: RunningEmulator;
let mf: Miniflare;

async function call(command: Record<string, unknown>): Promise<Outcome> {
  const response = await mf.dispatchFetch('http://worker.test/', { method: 'POST', body: JSON.stringify(command) });
  return (await response.json()) as Outcome;
}

beforeAll(async () => {
  emulator = await startBindingEmulator();
  mf = new Miniflare({
    modules: true,
    scriptPath: workerPath,
    script: readFileSync(workerPath, 'utf8'),
    compatibilityDate: '2025-09-01',
    ...miniflareAiOptions(emulator.url),
  });
  await mf.ready;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await emulator?.close();
});

describe('env.AI in Miniflare against the emulator', () => {
  test('text generation answers the bare result as an object, with a request id', async () => {
    const out = await call({ call: 'run', model: LLAMA, inputs: { prompt: 'Where is New York?', max_tokens: 16 } });
    expect(out.kind).toBe('object');
    expect(typeof (out.value as { response: unknown }).response).toBe('string');
    expect(out.value).not.toHaveProperty('success');
    expect(out.lastRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('stream: true gives a ReadableStream of server-sent events ending with [DONE]', async () => {
    const out = await call({ call: 'run', model: LLAMA, inputs: { messages: [{ role: 'user', content: 'hi' }], stream: true, max_tokens: 8 } });
    expect(out.kind).toBe('stream');
    expect(out.text).toMatch(/^data: \{/);
    expect(out.text!.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  test('embeddings have the model dimension, one vector per text', async () => {
    const out = await call({ call: 'run', model: '@cf/baai/bge-base-en-v1.5', inputs: { text: ['one', 'two'] } });
    const value = out.value as { shape: number[]; data: number[][] };
    expect(value.shape).toEqual([2, 768]);
    expect(value.data).toHaveLength(2);
    expect(value.data[0]).toHaveLength(768);
  });

  test('a binary model answers PNG bytes as a stream', async () => {
    const out = await call({ call: 'run', model: '@cf/bytedance/stable-diffusion-xl-lightning', inputs: { prompt: 'a cat', height: 256, width: 256 } });
    expect(out.kind).toBe('stream');
    expect(Buffer.from(out.base64!, 'base64').subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  test('speech recognition: JSON audio bytes, and a streamed input with its content type', async () => {
    const wav = mediaSamples().wav.bytes;
    const whisper = await call({ call: 'run', model: '@cf/openai/whisper', inputs: { audio: Array.from(wav) } });
    expect(typeof (whisper.value as { text: unknown }).text).toBe('string');
    const nova = await call({ call: 'run', model: '@cf/deepgram/nova-3', inputs: {}, streamInput: { key: 'audio', base64: Buffer.from(wav).toString('base64'), contentType: 'audio/wav' } });
    expect(nova.kind).toBe('object');
    expect(nova.value).toHaveProperty('results');
  });

  test('invalid input and an unknown model throw InferenceUpstreamError "<code>: <description>"', async () => {
    const invalid = await call({ call: 'run', model: LLAMA, inputs: { prompt: 'hi', max_tokens: 0 } });
    expect(invalid).toMatchObject({ kind: 'error', name: 'InferenceUpstreamError' });
    expect(invalid.message).toMatch(/^5006: AiError: Bad input: .*max_tokens/);
    const unknown = await call({ call: 'run', model: '@cf/nobody/no-such-model', inputs: { prompt: 'hi' } });
    expect(unknown).toMatchObject({ kind: 'error', name: 'InferenceUpstreamError', message: '5007: No such model @cf/nobody/no-such-model or task' });
  });

  test('the gateway option: a log id, its log, patchLog, AiGatewayLogNotFound, getUrl', async () => {
    const out = await call({ call: 'run', model: LLAMA, inputs: { prompt: 'cached?' }, options: { gateway: { id: 'my-gateway', metadata: { team: 'a' } } } });
    expect(out.kind).toBe('object');
    expect(out.aiGatewayLogId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const log = await call({ call: 'getLog', gateway: 'my-gateway', logId: out.aiGatewayLogId });
    expect(log.value).toMatchObject({ id: out.aiGatewayLogId, model: LLAMA, provider: 'workers-ai', success: true, cached: false, metadata: { team: 'a' } });
    expect(await call({ call: 'patchLog', gateway: 'my-gateway', logId: out.aiGatewayLogId, patch: { feedback: 1 } })).toEqual({ kind: 'object', value: null });
    expect((await call({ call: 'getLog', gateway: 'my-gateway', logId: out.aiGatewayLogId })).value).toMatchObject({ feedback: 1 });
    expect(await call({ call: 'getLog', gateway: 'my-gateway', logId: '01NOSUCHLOG0000000000000000' })).toMatchObject({ kind: 'error', name: 'AiGatewayLogNotFound' });
    const url = await call({ call: 'getUrl', gateway: 'my-gateway', provider: 'workers-ai' });
    expect(url.value).toBe(`${emulator.url}/v1/workers-binding/my-gateway/workers-ai`);
  });

  test('models() lists the catalogue; toMarkdown() converts text formats and says which it does not', async () => {
    const models = (await call({ call: 'models', params: { search: 'llama-3.1-8b-instruct', per_page: 5 } })).value as { name: string }[];
    expect(models.map((m) => m.name)).toContain(LLAMA);
    const converted = (await call({
      call: 'toMarkdown',
      files: [
        { name: 'page.html', type: 'text/html', text: '<h1>Title</h1><p>Some <b>bold</b> text</p>' },
        { name: 'table.csv', type: 'text/csv', text: 'a,b\n1,2\n' },
        { name: 'paper.pdf', type: 'application/pdf', text: '%PDF-1.4' },
      ],
    })).value as { format: string; data?: string; error?: string }[];
    expect(converted[0]).toMatchObject({ format: 'markdown', data: '# Title\n\nSome **bold** text' });
    expect(converted[1]!.data).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |\n');
    expect(converted[2]).toMatchObject({ format: 'error' });
    expect(converted[2]!.error).toMatch(/not converted by the wai-conformance emulator/);
    const options = (await call({
      call: 'toMarkdown',
      files: [{ name: 'page.html', type: 'text/html', text: '<nav>Menu</nav><main><p>See <a href="/docs">the docs</a></p></main>' }],
      conversionOptions: { output: { format: 'text' }, html: { hostname: 'example.com', cssSelector: 'main' } },
    })).value as { format: string; data?: string }[];
    expect(options[0]).toMatchObject({ format: 'text', data: 'See the docs' });
    const linked = (await call({
      call: 'toMarkdown',
      files: [{ name: 'page.html', type: 'text/html', text: '<main><a href="/docs">docs</a></main>' }],
      conversionOptions: { html: { hostname: 'example.com' } },
    })).value as { data?: string }[];
    expect(linked[0]!.data).toBe('[docs](https://example.com/docs)');
    const supported = (await call({ call: 'supported' })).value as { mimeType: string }[];
    expect(supported.map((s) => s.mimeType)).toContain('text/html');
  });

  test('queueRequest queues a batch (the asynchronous Batch API), and a {request_id} run polls it', async () => {
    const model = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
    const queued = (await call({ call: 'run', model, inputs: { requests: [{ prompt: 'hi', external_reference: 'r1' }] }, options: { queueRequest: true } })).value as { status: string; request_id: string; model: string };
    expect(queued).toMatchObject({ status: 'queued', model });
    expect((await call({ call: 'run', model, inputs: { request_id: queued.request_id } })).value).toMatchObject({ status: 'queued' });
    const done = (await call({ call: 'run', model, inputs: { request_id: queued.request_id } })).value as { responses: { id: number; success: boolean; external_reference: string }[] };
    expect(done.responses).toMatchObject([{ id: 0, success: true, external_reference: 'r1' }]);
    const refused = await call({ call: 'run', model: LLAMA, inputs: { prompt: 'hi' }, options: { queueRequest: true } });
    expect(refused.kind).toBe('error');
    expect(refused.message).toMatch(/does not serve the asynchronous Batch API/);
  });

  test('what is not emulated says so: WebSocket runs, AutoRAG', async () => {
    const socket = await call({ call: 'run', model: LLAMA, inputs: { prompt: 'hi' }, options: { websocket: true } });
    expect(socket).toMatchObject({ kind: 'response', status: 501 });
    expect(socket.text).toMatch(/WebSocket run.*not emulated/);
    const rag = await call({ call: 'autorag', name: 'docs' });
    expect(rag.kind).toBe('error');
    expect(rag.message).toMatch(/AutoRAG.*not emulated/);
  });

  test('returnRawResponse gives the backend answer untouched (exactly application/json, cf-ai-req-id)', async () => {
    const raw = await call({ call: 'run', model: LLAMA, inputs: { prompt: 'hi', max_tokens: 4 }, options: { returnRawResponse: true } });
    expect(raw).toMatchObject({ kind: 'response', status: 200, contentType: 'application/json' });
    expect(raw.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(raw.text!)).toHaveProperty('response');
  });
});
