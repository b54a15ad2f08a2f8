import { describe, expect, it } from 'vitest';
import { gatewayCache } from '../../../src/checks/gateway-cache.js';
import { contextFor, envelope, messages, runExchange } from './exchange-builder.js';

const LLAMA = '@cf/meta/llama-3.1-8b-instruct-fp8';
const send = (status: string | undefined, headers: Record<string, string>, answer = 'hello', prompt = 'hi') =>
  runExchange(LLAMA, { prompt }, { json: envelope({ response: answer }), headers: status ? { 'cf-aig-cache-status': status } : {} }, { headers });
const ttl = { 'cf-aig-cache-ttl': '3600' };
const judge = (...exchanges: ReturnType<typeof send>[]) => gatewayCache.run(exchanges, contextFor(exchanges[0]!));

describe('gateway.cache', () => {
  it('passes MISS then HIT with the same bytes, and MISS when skipping the cache', () => {
    expect(judge(send('MISS', ttl), send('HIT', ttl), send('MISS', { ...ttl, 'cf-aig-skip-cache': 'true' }))).toEqual([]);
  });

  it('fails a repeated identical request that is not a HIT', () => {
    expect(judge(send('MISS', ttl), send('MISS', ttl))).toEqual([
      { check: 'gateway.cache', message: `request #2 (POST /ai/run/${LLAMA}) repeats request #1 with cf-aig-cache-ttl 3600: cf-aig-cache-status is MISS, expected HIT`, expected: 'HIT', actual: 'MISS', severity: 'warning' },
    ]);
  });

  it('does not expect a HIT for a different request', () => {
    expect(judge(send('MISS', ttl), send('MISS', ttl, 'hello', 'other'))).toEqual([]);
  });

  it('fails a HIT whose body differs from the cached answer', () => {
    expect(messages(judge(send('MISS', ttl), send('HIT', ttl, 'something else')))[0]).toContain('a HIT whose');
  });

  it('fails cf-aig-skip-cache answered from the cache', () => {
    expect(messages(judge(send('HIT', { 'cf-aig-skip-cache': 'true' })))).toEqual([`request #1 (POST /ai/run/${LLAMA}): sent with cf-aig-skip-cache, answered cf-aig-cache-status HIT, expected MISS`]);
  });

  it('fails an answer without cf-aig-cache-status', () => {
    expect(messages(judge(send(undefined, ttl)))[0]).toContain('cf-aig-cache-status is missing, expected HIT or MISS');
  });

  it('applies only when a request carried caching headers', () => {
    const plain = send('MISS', {});
    expect(gatewayCache.applies([plain], contextFor(plain))).toBe(false);
  });
});
