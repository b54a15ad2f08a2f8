import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchQueue } from '../../../src/emulator/batch.js';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { ACCOUNT, contract, send, start } from './helpers.js';

const BGE = '@cf/baai/bge-m3';
const path = (model: string, query = '?queueRequest=true') => `/client/v4/accounts/${ACCOUNT}/ai/run/${model}${query}`;
const requests = [
  { query: 'This is a story about Cloudflare', contexts: [{ text: 'an orange cloud' }, { text: 'a llama' }] },
  { text: ['a hugging emoji'], external_reference: 'story-2' },
];

describe('asynchronous Batch API', () => {
  let emu: RunningEmulator;
  let slow: RunningEmulator;
  beforeAll(async () => {
    [emu, slow] = await Promise.all([start(), start({ batchReadyAfterPolls: 3 })]);
  });
  afterAll(async () => {
    await Promise.all([emu?.close(), slow?.close()]);
  });

  it('queues a batch (REST ?queueRequest=true), answers "queued" on the first poll, then the results', async () => {
    const queued = await send(emu.url, path(BGE), { json: { requests } });
    expect(queued.status).toBe(200);
    const ack = queued.json().result;
    expect(ack).toEqual({ status: 'queued', request_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/), model: BGE });
    const c = contract();
    const model = c.model(BGE)!;
    expect(c.validateModel(model, 'output', ack)).toEqual([]);
    const first = await send(emu.url, path(BGE), { json: { request_id: ack.request_id } });
    expect(first.json().result).toEqual({ status: 'queued', request_id: ack.request_id, model: BGE });
    const done = (await send(emu.url, path(BGE, ''), { json: { request_id: ack.request_id } })).json().result;
    expect(c.validateModel(model, 'output', done)).toEqual([]);
    expect(done.responses.map((r: { id: number; success: boolean; external_reference: unknown }) => [r.id, r.success, r.external_reference])).toEqual([
      [0, true, null],
      [1, true, 'story-2'],
    ]);
    // Each item is answered as the same input sent alone.
    for (const [i, item] of requests.entries()) {
      const { external_reference: _ref, ...single } = item as Record<string, unknown>;
      const alone = (await send(emu.url, path(BGE, ''), { json: single })).json().result;
      expect(done.responses[i].result).toEqual(alone);
      expect(c.validateModel(model, 'output', done.responses[i].result)).toEqual([]);
    }
  });

  it('takes the binding form options.queueRequest, and is deterministic for the same session of requests', async () => {
    const body = { requests: [{ prompt: 'Where is New York?', external_reference: 'ny' }], options: { queueRequest: true } };
    const a = (await send(emu.url, path('@cf/meta/llama-3.3-70b-instruct-fp8-fast', ''), { json: body })).json().result;
    expect(a.status).toBe('queued');
    const other = await start();
    try {
      const b = (await send(other.url, path('@cf/meta/llama-3.3-70b-instruct-fp8-fast', ''), { json: body })).json().result;
      expect(b.request_id).not.toBe(a.request_id); // other sequence numbers in this emulator
      const again = await start();
      try {
        const c = (await send(again.url, path('@cf/meta/llama-3.3-70b-instruct-fp8-fast', ''), { json: body })).json().result;
        expect(c.request_id).toBe(b.request_id); // a fresh emulator, the same first request: the same id
      } finally {
        await again.close();
      }
    } finally {
      await other.close();
    }
  });

  it('keeps a batch "queued" then "running" for the configured number of polls', async () => {
    const ack = (await send(slow.url, path(BGE), { json: { requests } })).json().result;
    const statuses: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const result = (await send(slow.url, path(BGE), { json: { request_id: ack.request_id } })).json().result;
      statuses.push(result.status ?? `${result.responses.length} responses`);
    }
    expect(statuses).toEqual(['queued', 'running', 'running', '2 responses']);
  });

  it('refuses queueing for a model without the batch fact, an empty batch, and an unknown request_id', async () => {
    const refused = await send(emu.url, path('@cf/openai/gpt-oss-20b'), { json: { requests: [{ input: 'x' }] } });
    expect([refused.status, refused.json().errors[0].code]).toEqual([400, 5006]);
    expect((await send(emu.url, path(BGE), { json: { requests: [] } })).status).toBe(400);
    const unknown = await send(emu.url, path(BGE), { json: { request_id: 'no-such-batch' } });
    expect([unknown.status, unknown.json().errors[0].message]).toEqual([400, `AiError: Bad input: Error: /request_id: no queued batch no-such-batch for ${BGE}`]);
  });
});

describe('BatchQueue', () => {
  it('rejects a negative number of polls', () => {
    expect(() => new BatchQueue(-1)).toThrow(RangeError);
    expect(new BatchQueue(0).readyAfterPolls).toBe(0);
  });
});
