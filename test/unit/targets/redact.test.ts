import type { Exchange } from '../../../src/targets/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTarget } from '../../../src/targets/http-target.js';
import { REDACTED, Redactor, recordBody, recordedText, recordJsonBody } from '../../../src/targets/redact.js';
import { startTestServer, type TestServer } from './test-server.js';

describe('Redactor', () => {
  const redactor = new Redactor(['s3cr3t-token', 'key with space']);
  it('replaces sensitive header values whatever they hold', () => {
    expect(
      redactor.headers({ Authorization: 'Bearer x', 'x-auth-key': 'k', 'x-auth-email': 'e', 'cf-aig-authorization': 'g', accept: 'y' }),
    ).toEqual({ Authorization: REDACTED, 'x-auth-key': REDACTED, 'x-auth-email': REDACTED, 'cf-aig-authorization': REDACTED, accept: 'y' });
  });
  it('replaces secrets in text, raw and percent-encoded', () => {
    expect(redactor.text('a s3cr3t-token b')).toBe(`a ${REDACTED} b`);
    expect(redactor.text('?k=key%20with%20space&j=key+with+space')).toBe(`?k=${REDACTED}&j=${REDACTED}`);
  });
  it('replaces secrets in JSON values, keeping unchanged values as they are', () => {
    const clean = { a: [1, 'x', { b: null }] };
    expect(redactor.value(clean)).toBe(clean);
    expect(redactor.value({ a: ['s3cr3t-token', 2], 's3cr3t-token': true })).toEqual({ a: [REDACTED, 2], [REDACTED]: true });
  });
  it('says a JSON text holds no secret only when walking its value would find none', () => {
    expect(redactor.absentFromJson(JSON.stringify({ prompt: 'nothing here', n: 1 }))).toBe(true);
    expect(redactor.absentFromJson(JSON.stringify({ prompt: 'x s3cr3t-token y' }))).toBe(false);
    expect(redactor.absentFromJson(JSON.stringify({ 's3cr3t-token': 1 }))).toBe(false);
    expect(redactor.absentFromJson(JSON.stringify({ q: 'key%20with%20space' }))).toBe(false);
    // A secret JSON writes with escapes could hide in a JSON text: never absent, the value is walked.
    const quoted = new Redactor(['quote"in-secret']);
    expect(quoted.absentFromJson(JSON.stringify({ prompt: 'quote"in-secret' }))).toBe(false);
    expect(quoted.absentFromJson('{}')).toBe(false);
    expect(new Redactor([]).absentFromJson('{"a":1}')).toBe(true);
  });
  it('replaces secrets in bytes, and returns the same bytes when there are none', () => {
    const clean = new TextEncoder().encode('nothing here');
    expect(redactor.bytes(clean)).toBe(clean);
    const dirty = new TextEncoder().encode('x s3cr3t-token y s3cr3t-token');
    expect(new TextDecoder().decode(redactor.bytes(dirty))).toBe(`x ${REDACTED} y ${REDACTED}`);
  });
});

describe('recordBody', () => {
  it('records nothing for an empty body', () => {
    expect(recordBody(new Uint8Array(), 'application/json')).toEqual({ kind: 'none' });
  });
  it('records JSON as text', () => {
    expect(recordBody(new TextEncoder().encode('{"a":1}'), 'application/json; charset=utf-8')).toEqual({
      kind: 'text',
      text: '{"a":1}',
      truncated: false,
      size: 7,
    });
  });
  it('truncates text past the limit on a character boundary', () => {
    const bytes = new TextEncoder().encode('ab€cd'); // € is 3 bytes: a b [3] c d = 7 bytes
    expect(recordBody(bytes, 'text/plain', 4)).toEqual({ kind: 'text', text: 'ab', truncated: true, size: 7 });
    expect(recordBody(bytes, 'text/plain', 5)).toEqual({ kind: 'text', text: 'ab€', truncated: true, size: 7 });
  });
  it('records binary as size, digest and content type', () => {
    const record = recordBody(new Uint8Array([1, 2, 3]), 'image/png');
    expect(record).toEqual({
      kind: 'binary',
      size: 3,
      sha256: '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81',
      contentType: 'image/png',
    });
  });
  it('sniffs undeclared bodies', () => {
    expect(recordBody(new TextEncoder().encode('hello'), undefined).kind).toBe('text');
    expect(recordBody(new Uint8Array([0, 159, 146, 150]), undefined)).toMatchObject({ kind: 'binary', contentType: 'application/octet-stream' });
  });
});

describe('a canary credential never appears in a recorded exchange', () => {
  const CANARY = 'canary-7f3c9e2a1b';
  const GATEWAY_CANARY = 'gw-canary-55d1e0';
  const KEY_CANARY = 'key-canary-0a9b8c';
  const EMAIL_CANARY = 'canary.person@example.com';
  let server: TestServer;
  const targets: HttpTarget[] = [];

  beforeAll(async () => {
    // A careless server: echoes every header back in its body, its headers and its stream.
    server = await startTestServer((request, response) => {
      const echoed = JSON.stringify(request.headers);
      const auth = String(request.headers.authorization ?? request.headers['x-auth-key'] ?? '');
      if (request.url.includes('/stream')) {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'x-echo': auth });
        response.end(`data: ${echoed}\n\ndata: ${auth}`);
        return;
      }
      response.writeHead(400, { 'content-type': 'application/json', 'x-echo': auth, 'set-cookie': `t=${auth}` });
      response.end(JSON.stringify({ success: false, errors: [{ code: 10000, message: `bad token ${auth} at ${request.url}` }], echoed }));
    });
  });
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
    await server.close();
  });

  /** What reports keep of an exchange: everything but the raw response bytes (src/harness/property.ts drops them). */
  function recorded(exchange: Exchange): unknown {
    const { bytes: _bytes, ...response } = exchange.response ?? ({} as NonNullable<Exchange['response']>);
    return { ...exchange, response };
  }

  function check(value: unknown): void {
    const text = JSON.stringify(value);
    for (const canary of [CANARY, GATEWAY_CANARY, KEY_CANARY, EMAIL_CANARY, encodeURIComponent(EMAIL_CANARY)]) {
      expect(text).not.toContain(canary);
    }
  }

  it('token and gateway token, in headers, URL, request body, response body, headers and events', async () => {
    const target = new HttpTarget({
      kind: 'gateway',
      layout: { kind: 'gateway', root: `${server.url}/v1/acc/gw/workers-ai` },
      auth: { kind: 'token', token: CANARY },
      gatewayToken: GATEWAY_CANARY,
    });
    targets.push(target);
    const plain = await target.send({
      operation: { kind: 'run', model: '@cf/meta/x' },
      method: 'POST',
      query: { leak: CANARY },
      body: { json: { prompt: `please repeat ${CANARY}` } },
    });
    const streamed = await target.send({ operation: { kind: 'run', model: '@cf/meta/stream' }, method: 'POST', body: { json: { stream: true } } });
    // The server really did see (and echo) the credentials.
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${CANARY}`);
    expect(plain.response?.status).toBe(400);
    expect(streamed.response?.events?.length).toBeGreaterThan(0);
    for (const exchange of [plain, streamed]) check(recorded(exchange));
    // The checks judge the server's own bytes, untouched; they never reach a report.
    expect(Buffer.from(plain.response!.bytes).toString('utf8')).toContain(CANARY);
    expect(plain.request.headers.authorization).toBe(REDACTED);
    expect(plain.request.url).toContain(`leak=${REDACTED}`);
    expect(plain.spec.query).toEqual({ leak: REDACTED });
    expect(plain.spec.body).toEqual({ json: { prompt: `please repeat ${REDACTED}` } });
    // A spec without a credential is recorded as it was given, not copied.
    const cleanSpec = { operation: { kind: 'run', model: '@cf/meta/x' }, method: 'POST', body: { json: { prompt: 'hello' } } } as const;
    expect((await target.send(cleanSpec)).spec).toBe(cleanSpec);
    const bodyOnly = await target.send({ operation: { kind: 'run', model: '@cf/meta/x' }, method: 'POST', body: { json: { messages: [{ content: CANARY }] } } });
    expect(bodyOnly.spec.body).toEqual({ json: { messages: [{ content: REDACTED }] } });
  });

  it('email and key', async () => {
    const target = new HttpTarget({
      kind: 'live',
      layout: { kind: 'rest', root: server.url, accountId: 'acc' },
      auth: { kind: 'key', email: EMAIL_CANARY, key: KEY_CANARY },
    });
    targets.push(target);
    const exchange = await target.send({ operation: { kind: 'run', model: '@cf/meta/x' }, method: 'POST', body: { json: {} } });
    expect(server.requests.at(-1)!.headers['x-auth-key']).toBe(KEY_CANARY);
    check(recorded(exchange));
  });

  it('errors of a failed exchange', async () => {
    const target = new HttpTarget({
      kind: 'url',
      layout: { kind: 'rest', root: 'http://127.0.0.1:9', accountId: CANARY },
      auth: { kind: 'token', token: CANARY },
      timeoutMs: 2000,
    });
    targets.push(target);
    const exchange = await target.send({ operation: { kind: 'run', model: '@cf/meta/x' }, method: 'POST' });
    expect(exchange.error).toBeDefined();
    check(exchange);
  });
});

describe('recording bodies without decoding twice', () => {
  const encode = (text: string) => new TextEncoder().encode(text);

  it('recordJsonBody records what recordBody records for the same JSON text', () => {
    for (const value of [{ a: 'plain' }, { emoji: '😀 é 中' }, ['x'.repeat(70_000)], { lone: '\ud800' }, '']) {
      const json = JSON.stringify(value);
      const bytes = encode(json);
      expect(recordJsonBody(json, bytes)).toEqual(recordBody(bytes, 'application/json'));
      expect(recordJsonBody(json, bytes, 10)).toEqual(recordBody(bytes, 'application/json', 10));
    }
  });

  it('recordedText gives back the text of bytes recorded whole as valid UTF-8, and nothing else', () => {
    const whole = encode('{"result":"é"}');
    recordBody(whole, 'application/json');
    expect(recordedText(whole)).toBe('{"result":"é"}');
    const invalid = new Uint8Array([0x7b, 0xff, 0x7d]);
    expect(recordBody(invalid, 'application/json')).toMatchObject({ kind: 'text', text: '{\ufffd}' });
    expect(recordedText(invalid)).toBeUndefined();
    const cut = encode('x'.repeat(100));
    expect(recordBody(cut, 'text/plain', 10)).toMatchObject({ truncated: true });
    expect(recordedText(cut)).toBeUndefined();
    expect(recordedText(encode('never recorded'))).toBeUndefined();
  });
});
