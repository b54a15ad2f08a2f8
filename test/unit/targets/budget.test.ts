import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Budget } from '../../../src/targets/budget.js';
import { HttpTarget } from '../../../src/targets/http-target.js';
import { json, startTestServer, type TestServer } from './test-server.js';

describe('Budget', () => {
  it('gives exactly its limit', () => {
    const budget = new Budget(3);
    expect([1, 2, 3, 4, 5].map(() => budget.tryTake())).toEqual([true, true, true, false, false]);
    expect(budget.used).toBe(3);
    expect(budget.exhausted).toBe(true);
    expect(budget.remaining).toBe(0);
  });
  it('is unlimited by default', () => {
    const budget = new Budget();
    for (let i = 0; i < 1000; i += 1) budget.tryTake();
    expect(budget.exhausted).toBe(false);
    expect(budget.remaining).toBe(Infinity);
  });
  it('rejects a bad limit', () => {
    expect(() => new Budget(-1)).toThrow(/non-negative integer/);
    expect(() => new Budget(1.5)).toThrow(/non-negative integer/);
  });
});

describe('budget under concurrency', () => {
  let server: TestServer;
  let inFlight = 0;
  let maxInFlight = 0;
  const targets: HttpTarget[] = [];

  beforeAll(async () => {
    server = await startTestServer(async (_request, response) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight -= 1;
      json(response, 200, { success: true, result: {} });
    });
  });
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
    await server.close();
  });

  it('100 concurrent sends with a budget of 10: exactly 10 reach the server, within the concurrency limit', async () => {
    const target = new HttpTarget({
      kind: 'url',
      layout: { kind: 'rest', root: server.url, accountId: 'acc' },
      maxRequests: 10,
      concurrency: 4,
    });
    targets.push(target);
    const exchanges = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        target.send({ operation: { kind: 'run', model: `@cf/x/m${i}` }, method: 'POST', body: { json: {} } }),
      ),
    );
    expect(server.requests).toHaveLength(10);
    expect(target.requestsSent).toBe(10);
    expect(exchanges.filter((e) => e.response?.status === 200)).toHaveLength(10);
    const refused = exchanges.filter((e) => e.error?.kind === 'budget');
    expect(refused).toHaveLength(90);
    expect(refused.every((e) => e.attempts === 0 && e.response === undefined)).toBe(true);
    expect(maxInFlight).toBeLessThanOrEqual(4);
  });

  it('a budget shared by two targets bounds them together', async () => {
    const budget = new Budget(5);
    const make = () => new HttpTarget({ kind: 'url', layout: { kind: 'rest', root: server.url, accountId: 'acc' }, budget, concurrency: 8 });
    const a = make();
    const b = make();
    targets.push(a, b);
    const before = server.requests.length;
    const spec = { operation: { kind: 'run', model: '@cf/x/y' }, method: 'POST' } as const;
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).send(spec)));
    expect(server.requests.length - before).toBe(5);
    expect(a.requestsSent + b.requestsSent).toBe(5);
  });
});
