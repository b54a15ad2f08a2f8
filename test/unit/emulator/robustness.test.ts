import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import fc from 'fast-check';
import { request } from 'undici';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { ACCOUNT, AUTH, contract, runPath, send, start, STUB_MAKERS, textModel } from './helpers.js';

const errors: unknown[] = [];
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start({ onError: (e) => errors.push(e), maxBodyBytes: 256 * 1024, streamDelayMs: 1 });
});
afterAll(async () => {
  await emu?.close();
});

/** Writes raw bytes on a fresh socket and collects whatever comes back until the server closes or 1 s passes. */
function rawExchange(port: number, bytes: Uint8Array | string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = () => {
      socket.destroy();
      resolve(received);
    };
    socket.setTimeout(1000, done);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => socket.end(bytes));
  });
}

const alive = async () => (await send(emu.url, runPath(textModel().id), { json: { prompt: 'still there?' } })).status === 200;

const segment = fc.oneof(
  fc.constantFrom('client', 'v4', 'accounts', ACCOUNT, 'ai', 'run', 'v1', 'models', 'search', 'schema', 'workers-ai', 'gw', '@cf', '@hf', 'meta', '%2F', '%40', '%', '%zz', '..', '.', ''),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.~@%:+'.split('')), maxLength: 12 }),
);
const path = fc.array(segment, { maxLength: 9 }).map((parts) => `/${parts.join('/')}`);
const knownPrefixPath = fc.tuple(fc.constantFrom(`/client/v4/accounts/${ACCOUNT}/ai/run/`, `/v1/${ACCOUNT}/gw/workers-ai/`, `/client/v4/accounts/${ACCOUNT}/ai/`), path).map(([a, b]) => a + b.slice(1));
const query = fc.array(fc.tuple(fc.constantFrom('model', 'page', 'per_page', 'task', 'author', 'search', 'source', 'hide_experimental', 'x'), fc.string({ maxLength: 8 })), { maxLength: 4 });
const contentType = fc.constantFrom(undefined, 'application/json', 'text/plain', 'audio/wav', 'image/png', 'application/octet-stream', 'multipart/form-data; boundary=x', 'application/json; charset=utf-8', 'x/y', '');
const body = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.json().map((j) => new TextEncoder().encode(j)),
  fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify({ prompt: v, stream: v, messages: v, text: v, audio: v, image: v }))),
  fc.constant(new Uint8Array(0)),
);
const credentials = fc.constantFrom<Record<string, string>>(AUTH, {}, { authorization: 'Bearer' }, { authorization: 'Basic x' }, { 'x-auth-key': 'k' }, { 'x-auth-email': 'e', 'x-auth-key': 'k' });

describe('robustness', () => {
  it('never answers 5xx nor crashes on random paths, methods, headers and bodies', async () => {
    const model = textModel();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(path, knownPrefixPath, fc.constant(runPath(model.id)), fc.constant(runPath(model.id, true))),
        query,
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        contentType,
        credentials,
        body,
        fc.record({ 'cf-aig-cache-ttl': fc.string({ maxLength: 6 }), 'cf-aig-skip-cache': fc.constantFrom('true', 'no', ''), 'cf-aig-cache-key': fc.string({ maxLength: 6 }) }, { requiredKeys: [] }),
        async (p, q, method, type, auth, bytes, aig) => {
          const headers: Record<string, string> = { ...auth };
          for (const [k, v] of Object.entries(aig)) if (/^[\x21-\x7e]*$/.test(v) && v !== '') headers[k] = v;
          if (type !== undefined) headers['content-type'] = type;
          const search = q.length ? `?${new URLSearchParams(q).toString()}` : '';
          const hasBody = method !== 'GET' && method !== 'HEAD';
          const response = await request(`${emu.url}${p}${search}`, { method, headers, body: hasBody ? bytes : undefined });
          await response.body.dump();
          expect(response.statusCode, `${method} ${p}${search}`).toBeLessThan(500);
        },
      ),
      { numRuns: 400, seed: 20260101 },
    );
    expect(errors).toEqual([]);
    expect(await alive()).toBe(true);
  });

  it('never answers 5xx to any model for arbitrary JSON input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...contract().models.keys()), fc.jsonValue(), async (id, value) => {
        const answer = await send(emu.url, runPath(id), { json: value });
        expect(answer.status, `${id} ${JSON.stringify(value)?.slice(0, 80)}`).toBeLessThan(500);
      }),
      { numRuns: 300, seed: 7 },
    );
    expect(errors).toEqual([]);
  });

  it('survives raw garbage on the socket, truncated requests and abandoned uploads', async () => {
    const port = emu.port;
    const garbage = [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/1.1\r\n\r\n',
      'POST /client/v4/accounts/a/ai/run/@cf/x/y HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a"',
      'POST /client/v4/accounts/a/ai/run/@cf/x/y HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      'GET / HTTP/1.1\r\nHost: x\r\nX: \u0000\u0001\r\n\r\n',
      new Uint8Array(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256)),
    ];
    for (const bytes of garbage) await rawExchange(port, bytes);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        await rawExchange(port, bytes);
      }),
      { numRuns: 50, seed: 3 },
    );
    expect(errors).toEqual([]);
    expect(await alive()).toBe(true);
  });

  it('answers 413 at once to a declared body far past the limit, and closes that connection', async () => {
    const reply = await rawExchange(
      emu.port,
      `POST ${runPath(textModel().id)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{"prompt":`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply.toLowerCase()).toContain('connection: close');
    expect(reply).toContain('"code":3006');
    expect(await alive()).toBe(true);
  });

  it('copes with clients that leave in the middle of a stream', async () => {
    const slow = await start({ streamDelayMs: 20, onError: (e) => errors.push(e) });
    try {
      const controller = new AbortController();
      const response = await request(`${slow.url}${runPath(textModel().id)}`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'long', stream: true, max_tokens: 200 }),
        signal: controller.signal,
      });
      const reader = response.body[Symbol.asyncIterator]();
      await reader.next();
      controller.abort();
      await new Promise((r) => setTimeout(r, 100));
      expect((await send(slow.url, runPath(textModel().id), { json: { prompt: 'x' } })).status).toBe(200);
    } finally {
      await slow.close();
    }
    expect(errors).toEqual([]);
  });

  it('turns a bug (a throwing maker or handler) into a 500 envelope and a report, and keeps serving', async () => {
    const reported: unknown[] = [];
    const broken = await start({
      outputMakers: { ...STUB_MAKERS, 'text-generation': { make: () => { throw new Error('maker bug'); } } },
      openAi: () => {
        throw new Error('handler bug');
      },
      onError: (e) => reported.push(e),
    });
    try {
      const run = await send(broken.url, runPath(textModel().id), { json: { prompt: 'x' } });
      expect(run.status).toBe(500);
      expect(run.json()).toMatchObject({ success: false, result: {}, errors: [{ code: 3043 }], messages: [] });
      const chat = await send(broken.url, `/client/v4/accounts/${ACCOUNT}/ai/v1/chat/completions`, { json: { model: 'x', messages: [] } });
      expect(chat.status).toBe(500);
      expect(reported.map((e) => (e as Error).message)).toEqual(['maker bug', 'handler bug']);
      const classify = await send(broken.url, runPath('@cf/huggingface/distilbert-sst-2-int8'), { json: { text: 'fine' } });
      expect(classify.status).toBe(200);
    } finally {
      await broken.close();
    }
  });

  it('closes promptly with idle keep-alive connections and streams in flight', async () => {
    const server = await start({ streamDelayMs: 50 });
    await send(server.url, runPath(textModel().id), { json: { prompt: 'x' } });
    const streaming = request(`${server.url}${runPath(textModel().id)}`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'long', stream: true, max_tokens: 500 }),
    })
      .then((r) => r.body.text())
      .catch(() => 'cut');
    await new Promise((r) => setTimeout(r, 30));
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(2000);
    await streaming;
  });
});
