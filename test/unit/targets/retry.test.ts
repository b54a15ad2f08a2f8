import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Budget } from '../../../src/targets/budget.js';
import { HttpTarget, type HttpTargetOptions } from '../../../src/targets/http-target.js';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelay } from '../../../src/targets/retry.js';
import type { RequestSpec } from '../../../src/targets/types.js';
import { json, startTestServer, type TestServer } from './test-server.js';

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('1')).toBe(1000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
  });
  it('reads an HTTP-date relative to now, a past date as 0', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent and unreadable values', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
  });
});

describe('retryDelay', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxRetryDelayMs: 1000 };
  it('honours Retry-After within the cap', () => {
    expect(retryDelay(1, '1', policy)).toBe(1000);
  });
  it('gives up when Retry-After asks for more than the cap', () => {
    expect(retryDelay(1, '2', policy)).toBeUndefined();
  });
  it('backs off exponentially with jitter of at most half a step', () => {
    expect(retryDelay(1, undefined, policy, () => 0)).toBe(50);
    expect(retryDelay(1, undefined, policy, () => 1)).toBe(100);
    expect(retryDelay(2, undefined, policy, () => 0)).toBe(100);
    expect(retryDelay(2, undefined, policy, () => 1)).toBe(200);
  });
  it('stops after the last attempt', () => {
    expect(retryDelay(3, '0', policy)).toBeUndefined();
  });
});

describe('HttpTarget retries', () => {
  let server: TestServer;
  const targets: HttpTarget[] = [];
  const counts = new Map<string, number>();

  function target(options: Partial<HttpTargetOptions> = {}): HttpTarget {
    const created = new HttpTarget({ kind: 'url', layout: { kind: 'rest', root: server.url, accountId: 'acc' }, ...options });
    targets.push(created);
    return created;
  }
  const spec = (model: string): RequestSpec => ({ operation: { kind: 'run', model }, method: 'POST', body: { json: {} } });
  const seen = (model: string) => server.requests.filter((r) => r.url.endsWith(model));

  beforeAll(async () => {
    server = await startTestServer((request, response) => {
      const n = (counts.get(request.url) ?? 0) + 1;
      counts.set(request.url, n);
      const error = { success: false, errors: [{ code: 3040, message: 'Capacity temporarily exceeded' }], messages: [], result: null };
      if (request.url.endsWith('/once-429')) {
        return n === 1 ? json(response, 429, error, { 'retry-after': '1' }) : json(response, 200, { success: true, result: {} });
      }
      if (request.url.endsWith('/always-503')) return json(response, 503, error);
      if (request.url.endsWith('/long-wait')) return json(response, 429, error, { 'retry-after': '3600' });
      if (request.url.endsWith('/always-429')) return json(response, 429, error, { 'retry-after': '0' });
      if (request.url.endsWith('/bad')) return json(response, 400, error);
      json(response, 200, { success: true, result: {} });
    });
  });
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
    await server.close();
  });

  it('waits for Retry-After, then retries once and returns the success', async () => {
    const t = target();
    const exchange = await t.send(spec('@cf/x/once-429'));
    expect(exchange.attempts).toBe(2);
    expect(exchange.response?.status).toBe(200);
    expect(exchange.error).toBeUndefined();
    const [first, second] = seen('@cf/x/once-429');
    expect(second).toBeDefined();
    // Lenient lower bound only: the second attempt came after the 1 s the server asked for.
    expect(second!.atMs - first!.atMs).toBeGreaterThanOrEqual(900);
    expect(t.requestsSent).toBe(2);
  });

  it('retries 503 with backoff up to the attempt limit, then returns the last answer', async () => {
    const exchange = await target({ retry: { baseDelayMs: 10 } }).send(spec('@cf/x/always-503'));
    expect(exchange.attempts).toBe(3);
    expect(seen('@cf/x/always-503')).toHaveLength(3);
    expect(exchange.response?.status).toBe(503);
    expect(exchange.error).toBeUndefined();
  });

  it('does not retry when Retry-After exceeds maxRetryDelayMs', async () => {
    const exchange = await target().send(spec('@cf/x/long-wait'));
    expect(exchange.attempts).toBe(1);
    expect(exchange.response?.status).toBe(429);
  });

  it('does not retry other errors', async () => {
    const exchange = await target().send(spec('@cf/x/bad'));
    expect(exchange.attempts).toBe(1);
    expect(seen('@cf/x/bad')).toHaveLength(1);
  });

  it('pays for each retry from the budget and stops when it is spent', async () => {
    const budget = new Budget(2);
    const exchange = await target({ budget, retry: { maxAttempts: 5 } }).send(spec('@cf/x/always-429'));
    expect(exchange.attempts).toBe(2);
    expect(seen('@cf/x/always-429')).toHaveLength(2);
    expect(exchange.response?.status).toBe(429);
    expect(budget.used).toBe(2);
  });
});
