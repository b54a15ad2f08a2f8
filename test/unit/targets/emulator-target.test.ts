import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTarget, PLACEHOLDER_ACCOUNT_ID } from '../../../src/targets/index.js';
import type { HttpTarget } from '../../../src/targets/http-target.js';
import type { RequestSpec } from '../../../src/targets/types.js';

const MODEL = '@cf/meta/llama-3.2-1b-instruct';
const run = (body: unknown, auth?: RequestSpec['auth']): RequestSpec => ({
  operation: { kind: 'run', model: MODEL },
  method: 'POST',
  body: { json: body },
  ...(auth ? { auth } : {}),
});
const envelope = (exchange: { response?: { bytes: Uint8Array } }) =>
  JSON.parse(Buffer.from(exchange.response!.bytes).toString('utf8')) as { success: boolean; result: unknown };

describe('the emulator target', () => {
  let target: HttpTarget;
  beforeAll(async () => {
    target = await createTarget({ kind: 'emulator', env: {}, timeoutMs: 10_000, concurrency: 2 });
  });
  afterAll(async () => {
    await target.close();
  });

  it('serves the REST layout at {url}/client/v4 on 127.0.0.1', () => {
    expect(target.kind).toBe('emulator');
    expect(target.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/client\/v4$/);
    expect(target.urlFor({ kind: 'run', model: MODEL })).toBe(`${target.baseUrl}/accounts/${PLACEHOLDER_ACCOUNT_ID}/ai/run/${MODEL}`);
  });

  it('answers a run, with the model path raw and encoded', async () => {
    const raw = await target.send(run({ prompt: 'hello' }));
    expect(raw.error).toBeUndefined();
    expect(raw.response?.status).toBe(200);
    expect(envelope(raw).success).toBe(true);
    const encoded = await createTarget({ kind: 'emulator', env: {}, pathStyle: 'encoded' });
    try {
      expect((await encoded.send(run({ prompt: 'hello' }))).response?.status).toBe(200);
    } finally {
      await encoded.close();
    }
  });

  it('streams server-sent events ending with [DONE]', async () => {
    const exchange = await target.send(run({ prompt: 'hello', stream: true }));
    expect(exchange.response?.status).toBe(200);
    const events = exchange.response?.events ?? [];
    expect(events.length).toBeGreaterThan(1);
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(exchange.response?.trailingBytes).toBe(0);
  });

  it('refuses a request without credentials', async () => {
    const exchange = await target.send(run({ prompt: 'hello' }, 'none'));
    expect(exchange.response?.status).toBe(401);
  });
});

describe('the emulator target with options', () => {
  it('retries a rate-limited answer after its Retry-After', async () => {
    const target = await createTarget({ kind: 'emulator', env: {}, emulator: { faults: ['rate-limit'] } });
    try {
      const exchange = await target.send(run({ prompt: 'hello' }));
      expect(exchange.attempts).toBe(2);
      expect(exchange.response?.status).toBe(200);
      expect(target.requestsSent).toBe(2);
    } finally {
      await target.close();
    }
  });

  it('keeps the events of a stream the server cuts off (network error, no [DONE])', async () => {
    const target = await createTarget({ kind: 'emulator', env: {}, emulator: { faults: ['stream-cut'] } });
    try {
      const exchange = await target.send(run({ prompt: 'hello', stream: true }));
      expect(exchange.error?.kind).toBe('network');
      expect(exchange.response?.status).toBe(200);
      expect(exchange.response?.events?.length).toBeGreaterThan(0);
      expect(exchange.response?.events?.some((event) => event.data === '[DONE]')).toBe(false);
    } finally {
      await target.close();
    }
  });

  it('serves the gateway layout, with a gateway token when the emulator wants one', async () => {
    const target = await createTarget({ kind: 'emulator', env: {}, emulator: { layout: 'gateway', gatewayToken: 'gw-emu' } });
    try {
      expect(target.baseUrl).toMatch(new RegExp(`/v1/${PLACEHOLDER_ACCOUNT_ID}/conformance/workers-ai$`));
      expect(target.supports({ kind: 'catalog', endpoint: 'models/search' })).toBe(false);
      const exchange = await target.send(run({ prompt: 'hello' }));
      expect(exchange.response?.status).toBe(200);
      expect(exchange.request.headers['cf-aig-authorization']).toBe('[REDACTED]');
    } finally {
      await target.close();
    }
  });

  it('close() stops the emulator', async () => {
    const target = await createTarget({ kind: 'emulator', env: {} });
    const { HttpTarget } = await import('../../../src/targets/http-target.js');
    await target.close();
    const after = new HttpTarget({ kind: 'url', layout: { kind: 'rest', root: target.baseUrl, accountId: 'a' }, timeoutMs: 2000 });
    try {
      expect((await after.send(run({ prompt: 'x' }))).error?.kind).toBe('network');
    } finally {
      await after.close();
    }
  });
});
