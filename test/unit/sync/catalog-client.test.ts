import { describe, expect, it } from 'vitest';
import { CatalogFetchError, fetchCatalog, fetchModelList } from '../../../src/sync/catalog-client.js';
import type { Exchange, RequestSpec, Target, TransportError } from '../../../src/targets/types.js';

type Answer = { status: number; body: unknown } | { raw: string; status?: number } | { error: TransportError };

/** A Target answering from a function, recording what it was asked. */
function fakeTarget(answer: (spec: RequestSpec) => Answer): Target & { sent: RequestSpec[]; inFlight: number; maxInFlight: number } {
  const target = {
    kind: 'url' as const,
    baseUrl: 'http://fake/client/v4',
    sent: [] as RequestSpec[],
    inFlight: 0,
    maxInFlight: 0,
    get requestsSent() {
      return target.sent.length;
    },
    async close() {},
    async send(spec: RequestSpec): Promise<Exchange> {
      target.sent.push(spec);
      target.inFlight++;
      target.maxInFlight = Math.max(target.maxInFlight, target.inFlight);
      await new Promise((r) => setTimeout(r, 1));
      target.inFlight--;
      const a = answer(spec);
      const request = { method: spec.method, url: 'http://fake/client/v4/accounts/x/ai/models', headers: {}, body: { kind: 'none' as const } };
      if ('error' in a) return { spec, request, error: a.error, attempts: 1 };
      const text = 'raw' in a ? a.raw : JSON.stringify(a.body);
      const status = ('status' in a ? a.status : undefined) ?? 200;
      return {
        spec,
        request,
        attempts: 1,
        response: { status, headers: {}, bytes: new TextEncoder().encode(text), body: { kind: 'text', text, truncated: false, size: text.length }, timing: { firstByteMs: 0, totalMs: 0 } },
      };
    },
  };
  return target;
}

const item = (n: number) => ({ id: `id-${n}`, name: `@cf/test/model-${n}`, description: '', task: { id: 't', name: 'Text Generation', description: '' }, tags: [], properties: [] });
const envelope = (result: unknown, extra: Record<string, unknown> = {}) => ({ result, success: true, errors: [], messages: [], ...extra });

/** A catalogue of `total` models served `pageSize` a page, with or without result_info.total_count. */
function catalogue(total: number, pageSize: number, withTotal: boolean) {
  return (spec: RequestSpec): Answer => {
    if (spec.operation.kind === 'catalog' && spec.operation.endpoint === 'models/schema') return { status: 200, body: envelope({ input: { type: 'object' }, output: { type: 'string' } }) };
    const page = Number(spec.query?.page);
    const result = Array.from({ length: total }, (_, i) => item(i + 1)).slice((page - 1) * pageSize, page * pageSize);
    return { status: 200, body: envelope(result, { result_info: { page, per_page: pageSize, count: result.length, ...(withTotal ? { total_count: total } : {}) } }) };
  };
}

describe('fetchModelList', () => {
  it('pages with per_page 100 and stops at a short page when there is no total', async () => {
    const target = fakeTarget(catalogue(230, 100, false));
    const items = await fetchModelList(target);
    expect(items).toHaveLength(230);
    expect(target.sent.map((s) => s.query)).toEqual([1, 2, 3].map((page) => ({ per_page: '100', page: String(page) })));
  });

  it('follows total_count when the server serves fewer per page than asked', async () => {
    const target = fakeTarget(catalogue(7, 3, true));
    expect((await fetchModelList(target)).map((m) => m.name)).toEqual(Array.from({ length: 7 }, (_, i) => `@cf/test/model-${i + 1}`));
    expect(target.sent).toHaveLength(3);
  });

  it('stops at an exact multiple of the page size without a total after one empty page', async () => {
    const target = fakeTarget(catalogue(200, 100, false));
    expect(await fetchModelList(target)).toHaveLength(200);
    expect(target.sent).toHaveLength(3);
  });

  it('keeps each model once when pages overlap', async () => {
    const target = fakeTarget((spec) => {
      const page = Number(spec.query?.page);
      const result = page === 1 ? [item(1), item(2)] : [item(2), item(3)];
      return { status: 200, body: envelope(result, { result_info: { page, per_page: 2, count: 2, total_count: 4 } }) };
    });
    expect((await fetchModelList(target)).map((m) => m.name)).toEqual(['@cf/test/model-1', '@cf/test/model-2', '@cf/test/model-3']);
  });

  it('refuses to page forever', async () => {
    const target = fakeTarget((spec) => ({ status: 200, body: envelope([item(Number(spec.query?.page))]) }));
    await expect(fetchModelList(target, { perPage: 1, maxPages: 5 })).rejects.toThrow(/still answering items after 5 pages/);
    expect(target.sent).toHaveLength(5);
  });

  it('names the request and status of a failing answer', async () => {
    const err = await fetchModelList(fakeTarget(() => ({ status: 500, body: { success: false, errors: [{ code: 7000, message: 'boom' }], messages: [], result: null } }))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogFetchError);
    expect(err).toMatchObject({ kind: 'answer', status: 500, message: 'GET models/search?per_page=100&page=1: HTTP 500: 7000 boom' });
  });

  it('tells refused credentials, unreachable servers and bad JSON apart', async () => {
    await expect(fetchModelList(fakeTarget(() => ({ status: 403, body: { success: false, errors: [{ code: 10000, message: 'Authentication error' }] } })))).rejects.toMatchObject({ kind: 'rejected', status: 403 });
    await expect(fetchModelList(fakeTarget(() => ({ error: { kind: 'network', message: 'ECONNREFUSED' } })))).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringContaining('network: ECONNREFUSED') });
    await expect(fetchModelList(fakeTarget(() => ({ raw: '<html>' })))).rejects.toMatchObject({ kind: 'answer', message: expect.stringContaining('HTTP 200 but the body is not JSON') });
    await expect(fetchModelList(fakeTarget(() => ({ status: 200, body: envelope({ models: [] }) })))).rejects.toThrow(/expected "result" to be an array/);
    await expect(fetchModelList(fakeTarget(() => ({ status: 200, body: envelope([{ id: 'x' }]) })))).rejects.toThrow(/result\/0 is not a model/);
    await expect(fetchModelList(fakeTarget(() => ({ status: 404, body: { success: false, error: 'Not Found' } })))).rejects.toThrow('GET models/search?per_page=100&page=1: HTTP 404: Not Found');
  });
});

describe('fetchCatalog', () => {
  it('reads every model schema with bounded concurrency', async () => {
    const target = fakeTarget(catalogue(20, 100, true));
    const models = await fetchCatalog(target, { concurrency: 3 });
    expect(models).toHaveLength(20);
    expect(models[4]).toMatchObject({ id: '@cf/test/model-5', item: { id: 'id-5' }, input: { type: 'object' }, output: { type: 'string' } });
    const schemaRequests = target.sent.filter((s) => s.operation.kind === 'catalog' && s.operation.endpoint === 'models/schema');
    expect(schemaRequests.map((s) => s.query?.model)).toEqual(models.map((m) => m.id));
    expect(target.maxInFlight).toBeLessThanOrEqual(3);
    expect(target.maxInFlight).toBeGreaterThan(1);
  });

  it('fails on the first model whose schema cannot be read, and sends no more', async () => {
    const list = catalogue(40, 100, true);
    const target = fakeTarget((spec) => (spec.query?.model === '@cf/test/model-3' ? { status: 400, body: { result: {}, success: false, errors: [{ message: 'No such model' }] } } : list(spec)));
    await expect(fetchCatalog(target, { concurrency: 2 })).rejects.toThrow('GET models/schema?model=@cf/test/model-3: HTTP 400: No such model');
    expect(target.sent.length).toBeLessThan(10);
  });

  it('rejects a schema answer without input and output', async () => {
    const list = catalogue(1, 100, true);
    const target = fakeTarget((spec) => (spec.query?.model ? { status: 200, body: envelope({ input: {} }) } : list(spec)));
    await expect(fetchCatalog(target)).rejects.toThrow(/models\/schema\?model=@cf\/test\/model-1: expected "result" to be \{input, output\}/);
  });
});
