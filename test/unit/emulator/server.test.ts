import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { encodePng } from '../../../src/media/png.js';
import { encodeWav } from '../../../src/media/wav.js';
import { exampleFromSchema } from '../../../src/generate/example-from-schema.js';
import { createRng } from '../../../src/emulator/rng.js';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { ACCOUNT, AUTH, contract, findModel, runPath, send, start, textModel } from './helpers.js';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await start({ streamDelayMs: 5, maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await emu?.close();
});

const envelopeError = (answer: { json: () => any }) => answer.json().errors[0] as { code: number; message: string };

describe('/ai/run', () => {
  it('answers a text-generation request in the v4 envelope, raw and encoded model paths alike', async () => {
    const model = textModel();
    const raw = await send(emu.url, runPath(model.id), { json: { prompt: 'Where did Hello World come from?' } });
    const encoded = await send(emu.url, runPath(model.id, true), { json: { prompt: 'Where did Hello World come from?' } });
    expect(raw.status).toBe(200);
    expect(raw.headers['content-type']).toBe('application/json');
    const body = raw.json();
    expect(body).toMatchObject({ success: true, errors: [], messages: [] });
    expect(Object.keys(body)).toEqual(['result', 'success', 'errors', 'messages']);
    expect(encoded.text).toBe(raw.text);
    expect(contract().validateEnvelope(model, body)).toEqual([]);
  });

  it('sends cf-ai-neurons and cf-ai-req-id as live /ai/run answers do: the cost with two decimals, "0" on a stream', async () => {
    const model = textModel();
    const whole = await send(emu.url, runPath(model.id), { json: { prompt: 'What costs?' } });
    const usage = whole.json().result.usage as { prompt_tokens: number; completion_tokens: number };
    expect(whole.headers['cf-ai-neurons']).toBe(((usage.prompt_tokens + 3 * usage.completion_tokens) / 100).toFixed(2));
    expect(whole.headers['cf-ai-req-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    const streamed = await send(emu.url, runPath(model.id), { json: { prompt: 'What costs?', stream: true } });
    expect(streamed.headers['cf-ai-neurons']).toBe('0');
    expect(streamed.headers['cf-ai-req-id']).not.toBe(whole.headers['cf-ai-req-id']);
    const refused = await send(emu.url, runPath(model.id), { json: { prompt: 7 } });
    expect(refused.status).toBe(400);
    expect(refused.headers['cf-ai-neurons']).toBeUndefined();
  });

  it('sends every text-generation answer with a Content-Length that counts its bytes, whatever the prompt holds', async () => {
    // Prose answers skip measuring their UTF-8 length (EmulatorResponse.ascii): a wrong length would cut the body or hang.
    const prompts = ['Where did Hello World come from?', 'Grüße, ¿qué tal? 你好 😀', '"quotes" and \\ backslashes\n'];
    const models = [...contract().models.values()].filter((m) => m.task === 'text-generation' && m.facts.transport !== 'websocket');
    for (const model of models) {
      for (const prompt of prompts) {
        const answer = await send(emu.url, runPath(model.id), { json: { prompt } });
        if (answer.status !== 200) continue; // a model that takes no bare prompt refuses it whole
        expect(Number(answer.headers['content-length']), model.id).toBe(Buffer.byteLength(answer.text));
        expect(() => answer.json(), model.id).not.toThrow();
      }
    }
  });

  it('routes a target the same way before and after the remembered routes start over (past 512 targets)', async () => {
    const model = textModel();
    const first = await send(emu.url, runPath(model.id), { json: { prompt: 'routes' } });
    for (let i = 0; i < 600; i++) expect((await send(emu.url, `/client/v4/accounts/${ACCOUNT}/ai/nothing-${i}`)).status).toBe(404);
    const again = await send(emu.url, runPath(model.id), { json: { prompt: 'routes' } });
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    const long = `/client/v4/accounts/${ACCOUNT}/ai/run/@cf/meta/${'x'.repeat(600)}`;
    expect((await send(emu.url, long, { json: { prompt: 'a long target is routed, not remembered' } })).status).toBe(400);
    expect((await send(emu.url, long, { json: { prompt: 'twice' } })).status).toBe(400);
  });

  it('is deterministic: the same request gets the same answer', async () => {
    const model = textModel();
    const a = await send(emu.url, runPath(model.id), { json: { prompt: 'one', max_tokens: 20 } });
    const b = await send(emu.url, runPath(model.id), { json: { prompt: 'one', max_tokens: 20 } });
    expect(a.text).toBe(b.text);
  });

  it('answers every HTTP catalogue model a valid request with 200 (enveloped JSON or its binary type)', async () => {
    const c = contract();
    const resolveRef = (uri: string) => c.schemaAt(uri) as never;
    let tried = 0;
    const failures: string[] = [];
    for (const model of c.models.values()) {
      if (model.facts.transport !== 'http') continue;
      let input: unknown;
      try {
        input = exampleFromSchema(model.input, createRng(7), { optional: false, resolveRef, baseUri: model.schemaUri });
      } catch {
        continue;
      }
      if (c.validateModel(model, 'input', input).length > 0) continue;
      if (input && typeof input === 'object' && 'stream' in input) (input as Record<string, unknown>).stream = false;
      tried++;
      const answer = await send(emu.url, runPath(model.id), { json: input });
      if (answer.status !== 200) {
        failures.push(`${model.id}: ${answer.status} ${answer.text.slice(0, 200)}`);
        continue;
      }
      const type = answer.headers['content-type'] ?? '';
      if (model.facts.response.envelope) {
        if (!type.startsWith('application/json')) failures.push(`${model.id}: content-type ${type}`);
        else {
          const errors = c.validateEnvelope(model, answer.json());
          if (errors.length) failures.push(`${model.id}: ${JSON.stringify(errors.slice(0, 2))}`);
        }
      } else if (!type.startsWith(model.facts.response.contentType)) failures.push(`${model.id}: content-type ${type}`);
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(c.models.size / 2);
  });

  it('streams text/event-stream chunk by chunk, ending with data: [DONE]', async () => {
    const model = textModel();
    const started = performance.now();
    const answer = await send(emu.url, runPath(model.id), { json: { prompt: 'stream me', stream: true } });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream');
    expect(answer.headers['cache-control']).toBe('no-cache');
    const events = answer.text.split('\n\n').filter(Boolean);
    expect(events.length).toBeGreaterThan(2);
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    // streamDelayMs is 5: the chunks were spread over time.
    expect(performance.now() - started).toBeGreaterThanOrEqual((events.length - 1) * 4);
  });

  it('paces /ai/v1 streams as /ai/run streams, by streamDelayMs (mock --stream-delay)', async () => {
    const started = performance.now();
    const body = { model: '@cf/meta/llama-3.1-8b-instruct-fp8', messages: [{ role: 'user', content: 'stream me' }], stream: true };
    const answer = await send(emu.url, `/client/v4/accounts/${ACCOUNT}/ai/v1/chat/completions`, { json: body });
    expect(answer.status).toBe(200);
    const events = answer.text.split('\n\n').filter(Boolean);
    expect(events.length).toBeGreaterThan(2);
    // streamDelayMs is 5 here (the /ai/v1 answers once ignored it and paused 2 ms).
    expect(performance.now() - started).toBeGreaterThanOrEqual((events.length - 1) * 4);
  });

  it('serves binary models as raw bytes with their content type', async () => {
    const model = findModel((m) => m.task === 'text-to-image' && !m.facts.response.envelope && m.facts.response.contentType === 'image/png');
    const answer = await send(emu.url, runPath(model.id), { json: { prompt: 'a red square' } });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('image/png');
  });

  it('takes raw audio and image bodies for models with the rawInput fact', async () => {
    const whisper = findModel((m) => m.id === '@cf/openai/whisper');
    const wav = encodeWav(new Int16Array(1600), 16_000);
    const audio = await send(emu.url, runPath(whisper.id), { headers: { ...AUTH, 'content-type': 'audio/wav' }, body: wav });
    expect(audio.status, audio.text).toBe(200);
    const octet = await send(emu.url, runPath(whisper.id), { headers: { ...AUTH, 'content-type': 'application/octet-stream' }, body: wav });
    expect(octet.status, octet.text).toBe(200);
    const resnet = findModel((m) => m.task === 'image-classification' && (m.facts.rawInput?.length ?? 0) > 0);
    const png = encodePng(new Uint8Array(4 * 4 * 3), 4, 4);
    const image = await send(emu.url, runPath(resnet.id), { headers: { ...AUTH, 'content-type': 'image/png' }, body: png });
    expect(image.status, image.text).toBe(200);
    expect(image.json().success).toBe(true);
  });
});

describe('client mistakes get the documented 4xx envelope', () => {
  const expectError = (answer: { status: number; json: () => any; headers: Record<string, string> }, status: number, code: number) => {
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe('application/json');
    const body = answer.json();
    expect(body).toMatchObject({ success: false, messages: [] });
    // The inference service's own failures answer `result: {}`, the API layer's `null` (src/emulator/errors.ts).
    expect(body.result).toEqual(code === 5006 ? {} : null);
    expect(body.errors[0].code).toBe(code);
    expect(body.errors[0].message.length).toBeGreaterThan(0);
  };

  it('401 / 10000 without credentials, 403 / 10000 for a malformed one', async () => {
    const model = textModel();
    expectError(await send(emu.url, runPath(model.id), { headers: {}, json: { prompt: 'x' } }), 401, 10000);
    expect((await send(emu.url, runPath(model.id), { headers: {}, json: { prompt: 'x' } })).json().errors[0].message).toBe('Authentication error');
    expectError(await send(emu.url, runPath(model.id), { headers: { authorization: 'Basic abc' }, json: { prompt: 'x' } }), 403, 10000);
    expectError(await send(emu.url, runPath(model.id), { headers: { 'x-auth-email': 'a@b.c' }, json: { prompt: 'x' } }), 403, 10000);
    const key = await send(emu.url, runPath(model.id), { headers: { 'x-auth-email': 'a@b.c', 'x-auth-key': 'k' }, json: { prompt: 'x' } });
    expect(key.status).toBe(200);
    expectError(await send(emu.url, `/client/v4/accounts/${ACCOUNT}/ai/models/search`, { headers: {} }), 401, 10000);
  });

  it('5007 / 400 for an unknown model, 3042 / 404 for an invalid model id', async () => {
    const unknown = await send(emu.url, runPath('@cf/nobody/no-such-model'), { json: { prompt: 'x' } });
    expectError(unknown, 400, 5007);
    expect(envelopeError(unknown).message).toBe('No such model @cf/nobody/no-such-model or task');
    expectError(await send(emu.url, runPath('not-a-model'), { json: { prompt: 'x' } }), 404, 3042);
  });

  it('5006 / 400 naming the failing field for input that breaks the schema', async () => {
    const model = textModel();
    const answer = await send(emu.url, runPath(model.id), { json: { prompt: 'x', max_tokens: 'many' } });
    expectError(answer, 400, 5006);
    expect(envelopeError(answer).message).toContain('/max_tokens');
    expectError(await send(emu.url, runPath(model.id), { json: [1, 2] }), 400, 5006);
  });

  it('3003 / 400 for malformed JSON, an empty body, and a binary body to a JSON model', async () => {
    const model = textModel();
    expectError(await send(emu.url, runPath(model.id), { headers: { ...AUTH, 'content-type': 'application/json' }, body: '{"prompt": "x"' }), 400, 3003);
    expectError(await send(emu.url, runPath(model.id), { headers: { ...AUTH, 'content-type': 'application/json' }, body: '' }), 400, 3003);
    const png = encodePng(new Uint8Array(3), 1, 1);
    expectError(await send(emu.url, runPath(model.id), { headers: { ...AUTH, 'content-type': 'image/png' }, body: png }), 400, 3003);
    const whisper = findModel((m) => m.id === '@cf/openai/whisper');
    expectError(await send(emu.url, runPath(whisper.id), { headers: { ...AUTH, 'content-type': 'image/gif' }, body: png }), 400, 3003);
  });

  it('3006 / 413 past maxBodyBytes', async () => {
    const model = textModel();
    const answer = await send(emu.url, runPath(model.id), { json: { prompt: 'x'.repeat(70 * 1024) } });
    expectError(answer, 413, 3006);
    // The connection stays usable.
    expect((await send(emu.url, runPath(model.id), { json: { prompt: 'x' } })).status).toBe(200);
  });

  it('400 for websocket-only models and for stream: true to a model that does not stream', async () => {
    const ws = findModel((m) => m.facts.transport === 'websocket');
    const wsAnswer = await send(emu.url, runPath(ws.id), { json: {} });
    expectError(wsAnswer, 400, 3003);
    expect(envelopeError(wsAnswer).message).toContain('WebSocket');
    const still = findModel((m) => !m.facts.streams && m.task === 'text-classification' && m.id.includes('distilbert'));
    const answer = await send(emu.url, runPath(still.id), { json: { text: 'great', stream: true } });
    expect(answer.status).toBe(400);
    expect(envelopeError(answer).message).toContain('/stream');
  });

  it('404 / 7003 for unknown paths and for the wrong method', async () => {
    expectError(await send(emu.url, '/client/v4/accounts/x/nothing'), 404, 7003);
    expectError(await send(emu.url, runPath(textModel().id), { method: 'GET' }), 404, 7003);
    expectError(await send(emu.url, `/client/v4/accounts/${ACCOUNT}/ai/models/search`, { method: 'POST', body: '{}' }), 404, 7003);
  });
});

describe('/ai/v1 and the connection', () => {
  it('delegates the OpenAI-compatible endpoints', async () => {
    const answer = await send(emu.url, `/client/v4/accounts/${ACCOUNT}/ai/v1/chat/completions`, {
      json: { model: textModel().id, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(answer.status).toBe(200);
    expect(answer.json().object).toBe('chat.completion');
  });

  it('keeps connections alive and serves many requests on few sockets', async () => {
    const pool = new Pool(emu.url, { connections: 2 });
    let connections = 0;
    emu.server.on('connection', () => connections++);
    try {
      const model = textModel();
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          pool.request({ path: runPath(model.id), method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ prompt: `n${i}` }) }).then(async (r) => {
            await r.body.text();
            return r.statusCode;
          }),
        ),
      );
      expect(answers.every((s) => s === 200)).toBe(true);
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
    }
  });
});

describe('token option', () => {
  let pinned: RunningEmulator;
  beforeAll(async () => {
    pinned = await start({ token: 'only-this' });
  });
  afterAll(async () => {
    await pinned?.close();
  });

  it('accepts only the configured bearer token', async () => {
    const model = textModel();
    expect((await send(pinned.url, runPath(model.id), { headers: { authorization: 'Bearer only-this' }, json: { prompt: 'x' } })).status).toBe(200);
    const wrong = await send(pinned.url, runPath(model.id), { headers: { authorization: 'Bearer other' }, json: { prompt: 'x' } });
    expect(wrong.status).toBe(403);
    expect(wrong.json().errors[0].code).toBe(10000);
    const key = await send(pinned.url, runPath(model.id), { headers: { 'x-auth-email': 'a@b.c', 'x-auth-key': 'k' }, json: { prompt: 'x' } });
    expect(key.status).toBe(403);
    expect((await send(pinned.url, runPath(model.id), { headers: {}, json: { prompt: 'x' } })).status).toBe(401);
  });
});
