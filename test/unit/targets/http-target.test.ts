import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTarget, type HttpTargetOptions } from '../../../src/targets/http-target.js';
import type { RequestSpec } from '../../../src/targets/types.js';
import { json, startTestServer, type TestServer } from './test-server.js';

const MODEL = '@cf/meta/llama-3.1-8b-instruct';
const run: RequestSpec = { operation: { kind: 'run', model: MODEL }, method: 'POST', body: { json: { prompt: 'hi' } } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: TestServer;
const targets: HttpTarget[] = [];

function target(options: Partial<HttpTargetOptions> = {}): HttpTarget {
  const created = new HttpTarget({
    kind: 'url',
    layout: { kind: 'rest', root: server.url, accountId: 'acc' },
    auth: { kind: 'token', token: 'test-token-123' },
    ...options,
  });
  targets.push(created);
  return created;
}

beforeAll(async () => {
  server = await startTestServer(async (request, response) => {
    const path = request.url;
    if (path.endsWith('/echo')) {
      return json(response, 200, { result: { method: request.method, url: request.url, headers: request.headers, body: request.body.toString() }, success: true });
    }
    if (path.includes('/sse-slow')) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 4; i += 1) {
        response.write(`data: {"response":"t${i}"}\n\n`);
        await sleep(50);
      }
      response.write('data: [DONE]\n\n');
      response.end('data: {"cut');
      return;
    }
    if (path.includes('/sse-forever')) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('event: token\ndata: first\n\n');
      response.write('data: second\n\n');
      return; // never ends
    }
    if (path.includes('/hang')) return; // no headers, ever
    if (path.includes('/big')) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 7);
      for (let i = 0; i < 8; i += 1) response.write(chunk);
      response.end();
      return;
    }
    if (path.includes('/declared-big')) {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
      response.write('{');
      return;
    }
    if (path.includes('/image')) {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
      return;
    }
    json(response, 200, { result: { response: 'ok' }, success: true, errors: [], messages: [] });
  });
});

afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
  await server.close();
});

describe('HttpTarget requests', () => {
  it('sends the model path raw by default, and encoded on request', async () => {
    await target().send(run);
    await target({ pathStyle: 'encoded' }).send(run);
    const paths = server.requests.slice(-2).map((r) => r.url);
    expect(paths).toEqual([`/accounts/acc/ai/run/${MODEL}`, '/accounts/acc/ai/run/@cf%2Fmeta%2Fllama-3.1-8b-instruct']);
  });

  it('keeps connections alive across requests', async () => {
    const t = target({ concurrency: 1 });
    for (let i = 0; i < 5; i += 1) await t.send(run);
    const ports = new Set(server.requests.slice(-5).map((r) => r.remotePort));
    expect(ports.size).toBe(1);
  });

  it('serialises JSON with content-type application/json, and records the exchange', async () => {
    const exchange = await target().send(run);
    const seen = server.requests.at(-1)!;
    expect(seen.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen.body.toString())).toEqual({ prompt: 'hi' });
    expect(exchange.error).toBeUndefined();
    expect(exchange.attempts).toBe(1);
    expect(exchange.request.method).toBe('POST');
    expect(exchange.request.url).toBe(`${server.url}/accounts/acc/ai/run/${MODEL}`);
    expect(exchange.request.body).toEqual({ kind: 'text', text: '{"prompt":"hi"}', truncated: false, size: 15 });
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.body.kind).toBe('text');
    expect(JSON.parse(Buffer.from(exchange.response!.bytes).toString())).toMatchObject({ success: true });
    expect(exchange.response?.timing.firstByteMs).toBeGreaterThanOrEqual(0);
    expect(exchange.response!.timing.totalMs).toBeGreaterThanOrEqual(exchange.response!.timing.firstByteMs);
  });

  it('sends raw bodies with their content type, and records binary answers as size and digest', async () => {
    const bytes = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0xff]);
    const exchange = await target().send({
      operation: { kind: 'run', model: '@cf/test/image' },
      method: 'POST',
      body: { raw: bytes, contentType: 'audio/wav' },
    });
    const seen = server.requests.at(-1)!;
    expect(seen.headers['content-type']).toBe('audio/wav');
    expect([...seen.body]).toEqual([...bytes]);
    expect(exchange.request.body).toMatchObject({ kind: 'binary', size: 7, contentType: 'audio/wav' });
    expect(exchange.response?.body).toMatchObject({ kind: 'binary', size: 8, contentType: 'image/png' });
    expect(exchange.response?.body).toHaveProperty('sha256', expect.stringMatching(/^[0-9a-f]{64}$/));
  });

  it('adds credentials per spec.auth: default, none, invalid', async () => {
    const t = target({ gatewayToken: 'gw-secret-456' });
    await t.send({ ...run, auth: 'default' });
    await t.send({ ...run, auth: 'none' });
    await t.send({ ...run, auth: 'invalid' });
    const [byDefault, none, invalid] = server.requests.slice(-3).map((r) => r.headers);
    expect(byDefault!.authorization).toBe('Bearer test-token-123');
    expect(byDefault!['cf-aig-authorization']).toBe('Bearer gw-secret-456');
    expect(none!.authorization).toBeUndefined();
    expect(none!['cf-aig-authorization']).toBeUndefined();
    expect(invalid!.authorization).toMatch(/^Bearer invalid-[0-9a-f]{32}$/);
  });

  it('sends email and key as X-Auth-Email and X-Auth-Key', async () => {
    await target({ auth: { kind: 'key', email: 'me@example.com', key: 'global-key-789' } }).send(run);
    const seen = server.requests.at(-1)!;
    expect(seen.headers['x-auth-email']).toBe('me@example.com');
    expect(seen.headers['x-auth-key']).toBe('global-key-789');
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('builds openai and catalog URLs with query strings', async () => {
    const t = target();
    await t.send({ operation: { kind: 'openai', endpoint: 'chat/completions' }, method: 'POST', body: { json: {} } });
    await t.send({ operation: { kind: 'catalog', endpoint: 'models/search' }, method: 'GET', query: { search: 'llama' } });
    expect(server.requests.slice(-2).map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /accounts/acc/ai/v1/chat/completions',
      'GET /accounts/acc/ai/models/search?search=llama',
    ]);
  });

  it('throws (at plan time) for the catalogue through a gateway layout', async () => {
    const t = target({ layout: { kind: 'gateway', root: `${server.url}/v1/acc/gw/workers-ai` } });
    const operation = { kind: 'catalog', endpoint: 'models/search' } as const;
    expect(t.supports(operation)).toBe(false);
    const before = server.requests.length;
    await expect(t.send({ operation, method: 'GET' })).rejects.toThrow(/not available through the AI Gateway/);
    expect(server.requests.length).toBe(before);
  });
});

describe('HttpTarget streams, timeouts and caps', () => {
  it('parses server-sent events incrementally, with increasing arrival times', async () => {
    const exchange = await target().send({ operation: { kind: 'run', model: '@cf/test/sse-slow' }, method: 'POST', body: { json: { stream: true } } });
    expect(exchange.error).toBeUndefined();
    const events = exchange.response!.events!;
    expect(events.map((e) => e.data)).toEqual(['{"response":"t0"}', '{"response":"t1"}', '{"response":"t2"}', '{"response":"t3"}', '[DONE]']);
    for (let i = 1; i < events.length; i += 1) expect(events[i]!.atMs).toBeGreaterThanOrEqual(events[i - 1]!.atMs);
    // Events written 50 ms apart are stamped as they arrive, not all at the end (lenient bound).
    expect(events[3]!.atMs - events[0]!.atMs).toBeGreaterThanOrEqual(50);
    expect(events[0]!.atMs).toBeLessThan(exchange.response!.timing.totalMs);
    expect(exchange.response!.trailingBytes).toBe('data: {"cut'.length);
  });

  it('cuts a stream that never ends at the timeout, keeping the events received so far', async () => {
    const exchange = await target({ timeoutMs: 800 }).send({ operation: { kind: 'run', model: '@cf/test/sse-forever' }, method: 'POST' });
    expect(exchange.error?.kind).toBe('timeout');
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.events).toEqual([
      { event: 'token', data: 'first', atMs: expect.any(Number) },
      { data: 'second', atMs: expect.any(Number) },
    ]);
    expect(exchange.response?.trailingBytes).toBe(0);
  });

  it('times out while waiting for headers', async () => {
    const exchange = await target({ timeoutMs: 300 }).send({ operation: { kind: 'run', model: '@cf/test/hang' }, method: 'POST' });
    expect(exchange.error?.kind).toBe('timeout');
    expect(exchange.response).toBeUndefined();
  });

  it('stops reading past the size cap', async () => {
    const exchange = await target({ maxResponseBytes: 100_000 }).send({ operation: { kind: 'run', model: '@cf/test/big' }, method: 'POST' });
    expect(exchange.error?.kind).toBe('too-large');
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.bytes.byteLength).toBe(100_000);
  });

  it('refuses a declared content-length above the cap without reading it', async () => {
    const exchange = await target({ maxResponseBytes: 1024 * 1024 }).send({ operation: { kind: 'run', model: '@cf/test/declared-big' }, method: 'POST' });
    expect(exchange.error?.kind).toBe('too-large');
    expect(exchange.error?.message).toMatch(/content-length/);
  });

  it('reports a closed port as a network error without throwing', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const closed = new HttpTarget({ kind: 'url', layout: { kind: 'rest', root: `http://127.0.0.1:${port}`, accountId: 'acc' } });
    targets.push(closed);
    const exchange = await closed.send(run);
    expect(exchange.error?.kind).toBe('network');
    expect(exchange.error?.message).toMatch(/ECONNREFUSED/);
    expect(exchange.response).toBeUndefined();
    expect(exchange.attempts).toBe(1);
  });

  it('reports an abort by the caller as aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const exchange = await target({ timeoutMs: 5_000 }).send({ operation: { kind: 'run', model: '@cf/test/hang' }, method: 'POST' }, { signal: controller.signal });
    expect(exchange.error?.kind).toBe('aborted');
  });
});
