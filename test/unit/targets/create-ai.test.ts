/** @module createAi: the binding's behaviour in plain Node, over the embedded emulator, a running one, or a REST target. */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { mediaSamples } from '../../../src/generate/media.js';
import { createTarget } from '../../../src/targets/index.js';
import { AiGatewayLogNotFound, createAi, InferenceUpstreamError, type BindingClient } from '../../../src/targets/create-ai.js';

const LLAMA = '@cf/meta/llama-3.1-8b-instruct';

async function text(stream: unknown): Promise<string> {
  expect(stream).toBeInstanceOf(ReadableStream);
  return new Response(stream as ReadableStream).text();
}

describe('createAi() over the embedded emulator', () => {
  let ai: BindingClient;
  beforeAll(() => {
    ai = createAi({ emulator: { streamDelayMs: 0 } });
  });
  afterAll(() => ai.close());

  test('JSON answers as objects, streams and binary answers as ReadableStreams', async () => {
    const answer = (await ai.run(LLAMA, { prompt: 'hi', max_tokens: 8 })) as { response: string };
    expect(typeof answer.response).toBe('string');
    expect(ai.lastRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ai.lastRequestHttpStatusCode).toBe(200);
    expect((await text(await ai.run(LLAMA, { prompt: 'hi', stream: true, max_tokens: 4 }))).trimEnd()).toMatch(/data: \[DONE\]$/);
    const png = new Uint8Array(await new Response((await ai.run('@cf/lykon/dreamshaper-8-lcm', { prompt: 'a cat' })) as ReadableStream).arrayBuffer());
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
  });

  test('a streamed input goes with its content type; the other inputs ride along', async () => {
    const wav = mediaSamples().wav.bytes;
    const out = (await ai.run('@cf/deepgram/nova-3', { audio: { body: new Blob([wav]).stream(), contentType: 'audio/wav' }, punctuate: true })) as object;
    expect(out).toHaveProperty('results');
    await expect(ai.run('@cf/deepgram/nova-3', { audio: { body: new Blob([wav]).stream() } })).rejects.toThrow('Content-Type is required with ReadableStream inputs');
  });

  test('errors are thrown the binding way', async () => {
    const error = await ai.run('@cf/nobody/none', { prompt: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferenceUpstreamError);
    expect(error).toMatchObject({ name: 'InferenceUpstreamError', message: '5007: No such model @cf/nobody/none or task' });
    expect(ai.lastRequestInternalStatusCode).toBe(5007);
    await expect(ai.run(LLAMA, { prompt: 'hi', max_tokens: 0 })).rejects.toThrow(/^5006: /);
  });

  test('a partner model resolves to its whole answer, Completed or Failed, as env.AI.run returns it', async () => {
    const input = { text: 'Hello!', voice_id: 'Dennis', output_format: 'mp3', temperature: 1, timestamp_type: 'none' };
    expect(await ai.run('inworld/tts-1.5-mini' as never, input as never)).toMatchObject({ state: 'Completed', result: { audio: expect.stringMatching(/^https:\/\/.*\.mp3$/) }, gatewayMetadata: { keySource: 'Unified' } });
    expect(await ai.run('inworld/tts-1.5-mini' as never, { ...input, voice_id: 'Nobody' } as never)).toMatchObject({ state: 'Failed', error: expect.stringMatching(/^Model execution failed \(User Input Error\): /) });
  });

  test('models(), toMarkdown(), gateway logs', async () => {
    expect((await ai.models({ task: 'Text Embeddings' })).length).toBeGreaterThan(3);
    const md = await ai.toMarkdown({ name: 'a.html', blob: new Blob(['<h2>Hi</h2>'], { type: 'text/html' }) });
    expect(md).toMatchObject({ format: 'markdown', data: '## Hi' });
    expect(await ai.toMarkdown().supported()).toContainEqual({ extension: '.csv', mimeType: 'text/csv' });
    await ai.run(LLAMA, { prompt: 'hi' }, { gateway: { id: 'g' } });
    expect(await ai.gateway('g').getLog(ai.aiGatewayLogId!)).toMatchObject({ model: LLAMA, created_at: expect.any(Date) });
    await expect(ai.gateway('g').getLog('nope')).rejects.toBeInstanceOf(AiGatewayLogNotFound);
  });
});

describe('createAi() over a running emulator and over a REST target', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ host: '127.0.0.1', port: 0, token: 'the-token', streamDelayMs: 0 });
  });
  afterAll(() => emulator.close());

  test('url: the binding protocol of a running emulator', async () => {
    const ai = createAi({ url: emulator.url });
    expect(((await ai.run('@cf/baai/bge-small-en-v1.5', { text: 'x' })) as { shape: number[] }).shape).toEqual([1, 384]);
  });

  test('target: runs go over REST and come back as the binding returns them', async () => {
    const target = await createTarget({ kind: 'url', baseUrl: `${emulator.url}/client/v4`, env: { CLOUDFLARE_API_TOKEN: 'the-token' } });
    const ai = createAi({ target });
    try {
      const answer = await ai.run('@cf/baai/bge-small-en-v1.5', { text: 'x' });
      expect(answer).toMatchObject({ shape: [1, 384] });
      expect(answer).not.toHaveProperty('success');
      await expect(ai.run('@cf/nobody/none', { prompt: 'x' })).rejects.toThrow('5007: No such model @cf/nobody/none or task');
      // A partner model goes as POST /ai/run with {model, input}; its whole answer comes back, a refusal too.
      expect(await ai.run('bytedance/seedream-4.0' as never, { prompt: 'a lake' } as never)).toMatchObject({ state: 'Completed', result: { image: expect.any(String) } });
      expect(await ai.run('bytedance/seedream-4.0' as never, {} as never)).toMatchObject({ state: 'Failed' });
      await expect(ai.run('nobody/none' as never, {} as never)).rejects.toThrow('5007: No such model nobody/none or task');
      expect((await ai.models({ per_page: 2 })).length).toBe(2);
      await expect(ai.toMarkdown().supported()).rejects.toThrow();
    } finally {
      await ai.close();
    }
  });

  test('bad options are refused at once', () => {
    expect(() => createAi({ url: 'nope' })).toThrow(/createAi: url should be/);
  });
});

test("tsc: createAi() type-checks as workers-types' Ai", () => {
  const file = fileURLToPath(new URL('../../fixtures/binding/create-ai-typed.ts', import.meta.url));
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, lib: ['lib.es2023.d.ts'], types: ['node'] });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
}, 60_000);
