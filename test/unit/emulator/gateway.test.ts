import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheKey, cachePolicy, GatewayCache, LogIds } from '../../../src/emulator/gateway.js';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { ACCOUNT, AUTH, send, start, textModel } from './helpers.js';

const gwPath = (model: string, gateway = 'my-gw') => `/v1/${ACCOUNT}/${gateway}/workers-ai/${model}`;

describe('cache policy', () => {
  it('reads ttl (clamped to 60 s .. one month), skip and key, and their old names', () => {
    expect(cachePolicy({})).toEqual({ ttlSeconds: 0, skip: false });
    expect(cachePolicy({ 'cf-aig-cache-ttl': '3600' })).toEqual({ ttlSeconds: 3600, skip: false });
    expect(cachePolicy({ 'cf-aig-cache-ttl': '5' }).ttlSeconds).toBe(60);
    expect(cachePolicy({ 'cf-aig-cache-ttl': '99999999' }).ttlSeconds).toBe(2592000);
    expect(cachePolicy({ 'cf-cache-ttl': '120' }).ttlSeconds).toBe(120);
    expect(cachePolicy({ 'cf-aig-cache-ttl': 'soon' }).ttlSeconds).toBe(0);
    expect(cachePolicy({ 'cf-aig-skip-cache': 'true', 'cf-aig-cache-ttl': '60' })).toMatchObject({ skip: true });
    expect(cachePolicy({ 'cf-skip-cache': '1' }).skip).toBe(true);
    expect(cachePolicy({ 'cf-aig-cache-key': 'k' })).toEqual({ ttlSeconds: 300, skip: false, customKey: 'k' });
    expect(cachePolicy({}, 90).ttlSeconds).toBe(90);
    expect(cachePolicy({ 'cf-aig-cache-ttl': '0' }, 90).ttlSeconds).toBe(0);
    expect(cachePolicy({ 'cf-aig-cache-ttl': '0', 'cf-aig-cache-key': 'k' }).ttlSeconds).toBe(0);
  });

  it('keys on gateway, target and body, or on the custom key alone', () => {
    const body = new TextEncoder().encode('{"prompt":"x"}');
    const other = new TextEncoder().encode('{"prompt":"y"}');
    expect(cacheKey('a', 'g', 'run:m', body)).toBe(cacheKey('a', 'g', 'run:m', Uint8Array.from(body)));
    expect(cacheKey('a', 'g', 'run:m', body)).not.toBe(cacheKey('a', 'g', 'run:m', other));
    expect(cacheKey('a', 'g', 'run:m', body)).not.toBe(cacheKey('a', 'g2', 'run:m', body));
    expect(cacheKey('a', 'g', 'run:m', body)).not.toBe(cacheKey('a', 'g', 'run:n', body));
    expect(cacheKey('a', 'g', 'run:m', body, 'k')).toBe(cacheKey('a', 'g', 'run:n', other, 'k'));
  });

  it('expires entries after their TTL and stays bounded', () => {
    let now = 1_000_000;
    const cache = new GatewayCache(() => now, 2);
    const response = { status: 200, headers: {}, body: 'x' };
    cache.set('a', response, 60);
    expect(cache.get('a')).toBe(response);
    now += 59_999;
    expect(cache.get('a')).toBe(response);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', response, 60);
    cache.set('b', response, 60);
    cache.set('c', response, 60);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
  });

  it('makes unique ULID-shaped log ids', () => {
    const ids = new LogIds();
    const many = Array.from({ length: 1000 }, () => ids.next());
    expect(new Set(many).size).toBe(1000);
    expect(many[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26,}$/);
  });
});

describe('AI Gateway layout', () => {
  let emu: RunningEmulator;
  let now = Date.now();
  beforeAll(async () => {
    emu = await start({ now: () => now });
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('runs models (raw and encoded ids) with cf-aig-log-id and MISS when caching is off', async () => {
    const model = textModel();
    const a = await send(emu.url, gwPath(model.id), { json: { prompt: 'gateway' } });
    const b = await send(emu.url, gwPath(encodeURIComponent(model.id)), { json: { prompt: 'gateway' } });
    expect(a.status).toBe(200);
    expect(a.json().success).toBe(true);
    expect(b.text).toBe(a.text);
    expect(a.headers['cf-aig-cache-status']).toBe('MISS');
    expect(b.headers['cf-aig-cache-status']).toBe('MISS');
    expect(a.headers['cf-aig-log-id']).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/); // ULID-shaped
    expect(a.headers['cf-aig-log-id']).not.toBe(b.headers['cf-aig-log-id']);
  });

  it('serves the `workers-ai/run/{model}` form like the other one, gateway headers and cache included', async () => {
    const model = textModel();
    const headers = { ...AUTH, 'cf-aig-cache-ttl': '60' };
    const runPath = `/v1/${ACCOUNT}/run-gw/workers-ai/run/${model.id}`;
    const first = await send(emu.url, runPath, { headers, json: { prompt: 'run form' } });
    const second = await send(emu.url, `/v1/${ACCOUNT}/run-gw/workers-ai/run/${encodeURIComponent(model.id)}`, { headers, json: { prompt: 'run form' } });
    const plain = await send(emu.url, gwPath(model.id), { json: { prompt: 'run form' } });
    expect(first.status).toBe(200);
    expect(first.json().success).toBe(true);
    expect(first.headers['cf-aig-cache-status']).toBe('MISS');
    expect(first.headers['cf-aig-log-id']).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(second.headers['cf-aig-cache-status']).toBe('HIT');
    expect(plain.text).toBe(first.text);
    const unknown = await send(emu.url, `/v1/${ACCOUNT}/run-gw/workers-ai/run/@cf/nope/nope`, { json: { prompt: 'x' } });
    expect(unknown.json().errors[0].code).toBe(5007);
  });

  it('caches with cf-aig-cache-ttl: MISS then HIT, per body, until the TTL passes', async () => {
    const model = textModel();
    const headers = { ...AUTH, 'cf-aig-cache-ttl': '60' };
    const first = await send(emu.url, gwPath(model.id), { headers, json: { prompt: 'cache me' } });
    const second = await send(emu.url, gwPath(model.id), { headers, json: { prompt: 'cache me' } });
    const other = await send(emu.url, gwPath(model.id), { headers, json: { prompt: 'cache me too' } });
    expect(first.headers['cf-aig-cache-status']).toBe('MISS');
    expect(second.headers['cf-aig-cache-status']).toBe('HIT');
    expect(second.text).toBe(first.text);
    expect(other.headers['cf-aig-cache-status']).toBe('MISS');
    // Another gateway has its own cache.
    expect((await send(emu.url, gwPath(model.id, 'gw-2'), { headers, json: { prompt: 'cache me' } })).headers['cf-aig-cache-status']).toBe('MISS');
    now += 61_000;
    expect((await send(emu.url, gwPath(model.id), { headers, json: { prompt: 'cache me' } })).headers['cf-aig-cache-status']).toBe('MISS');
  });

  it('bypasses the cache with cf-aig-skip-cache and shares answers under cf-aig-cache-key', async () => {
    const model = textModel();
    const ttl = { ...AUTH, 'cf-aig-cache-ttl': '600' };
    await send(emu.url, gwPath(model.id), { headers: ttl, json: { prompt: 'skip' } });
    const skipped = await send(emu.url, gwPath(model.id), { headers: { ...ttl, 'cf-aig-skip-cache': 'true' }, json: { prompt: 'skip' } });
    expect(skipped.headers['cf-aig-cache-status']).toBe('MISS');
    const keyed = { ...AUTH, 'cf-aig-cache-key': `key-${now}` };
    const a = await send(emu.url, gwPath(model.id), { headers: keyed, json: { prompt: 'first body' } });
    const b = await send(emu.url, gwPath(model.id), { headers: keyed, json: { prompt: 'second body' } });
    expect(a.headers['cf-aig-cache-status']).toBe('MISS');
    expect(b.headers['cf-aig-cache-status']).toBe('HIT');
    expect(b.text).toBe(a.text);
  });

  it('does not cache errors', async () => {
    const model = textModel();
    const headers = { ...AUTH, 'cf-aig-cache-ttl': '600' };
    await send(emu.url, gwPath(model.id), { headers, json: { prompt: 1 } });
    const again = await send(emu.url, gwPath(model.id), { headers, json: { prompt: 1 } });
    expect(again.status).toBe(400);
    expect(again.headers['cf-aig-cache-status']).toBe('MISS');
  });

  it('echoes cf-aig-event-id', async () => {
    const answer = await send(emu.url, gwPath(textModel().id), { headers: { ...AUTH, 'cf-aig-event-id': 'evt-42' }, json: { prompt: 'x' } });
    expect(answer.headers['cf-aig-event-id']).toBe('evt-42');
  });

  it('serves the OpenAI-compatible endpoints and still wants the API token', async () => {
    const chat = await send(emu.url, `/v1/${ACCOUNT}/my-gw/workers-ai/v1/chat/completions`, {
      json: { model: textModel().id, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(chat.status).toBe(200);
    expect(chat.headers['cf-aig-log-id']).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const anonymous = await send(emu.url, gwPath(textModel().id), { headers: {}, json: { prompt: 'x' } });
    expect(anonymous.status).toBe(401);
  });
});

describe('authenticated gateway and cache-always-miss', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start({ gatewayToken: 'gw-secret', faults: ['cache-always-miss'] });
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('requires cf-aig-authorization: Bearer <gateway token> (401 / 2009)', async () => {
    const model = textModel();
    for (const headers of [AUTH, { ...AUTH, 'cf-aig-authorization': 'Bearer nope' }, { ...AUTH, 'cf-aig-authorization': 'gw-secret' }]) {
      const answer = await send(emu.url, gwPath(model.id), { headers, json: { prompt: 'x' } });
      expect(answer.status).toBe(401);
      expect(answer.json()).toMatchObject({ success: false, result: null, errors: [{ code: 2009 }] });
    }
    const ok = await send(emu.url, gwPath(model.id), { headers: { ...AUTH, 'cf-aig-authorization': 'Bearer gw-secret' }, json: { prompt: 'x' } });
    expect(ok.status).toBe(200);
    // The REST layout is not behind the gateway.
    expect((await send(emu.url, `/client/v4/accounts/${ACCOUNT}/ai/run/${model.id}`, { json: { prompt: 'x' } })).status).toBe(200);
  });

  it('never answers from the cache with cache-always-miss', async () => {
    const headers = { ...AUTH, 'cf-aig-authorization': 'Bearer gw-secret', 'cf-aig-cache-ttl': '600' };
    for (let i = 0; i < 3; i++) {
      const answer = await send(emu.url, gwPath(textModel().id), { headers, json: { prompt: 'same' } });
      expect(answer.headers['cf-aig-cache-status']).toBe('MISS');
    }
  });
});
