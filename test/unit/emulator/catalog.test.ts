import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAjv } from '../../../src/contract/ajv.js';
import { stableUuid } from '../../../src/emulator/catalog.js';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { ACCOUNT, contract, send, start, textModel } from './helpers.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(async () => {
  await emu?.close();
});

const api = (path: string) => `/client/v4/accounts/${ACCOUNT}/ai/${path}`;
const component = (name: string) => contract().componentUri(name);

describe('/ai/models/search', () => {
  it('pages through the whole catalogue with result_info', async () => {
    const c = contract();
    const seen: string[] = [];
    for (let page = 1; page < 100; page++) {
      const answer = await send(emu.url, api(`models/search?per_page=30&page=${page}&include_deprecated=true`));
      expect(answer.status).toBe(200);
      const body = answer.json();
      expect(c.validate(component('ModelSearchEnvelope'), body)).toEqual([]);
      expect(body.result_info).toEqual({ page, per_page: 30, count: body.result.length, total_count: c.models.size });
      if (body.result.length === 0) break;
      seen.push(...body.result.map((item: { name: string }) => item.name));
    }
    expect(seen).toEqual([...c.models.keys()]);
  });

  it('marks the lifecycle in properties: beta, planned_deprecation_date', async () => {
    const all = (await send(emu.url, api('models/search?per_page=1000&include_deprecated=true'))).json();
    const item = (name: string) => all.result.find((i: { name: string }) => i.name === name);
    expect(item('@cf/meta/llama-3.1-8b-instruct').properties).toContainEqual({ property_id: 'planned_deprecation_date', value: '2026-05-30' });
    expect(item('@cf/openai/whisper-tiny-en').properties).toContainEqual({ property_id: 'beta', value: 'true' });
    expect(item('@cf/meta/llama-3.1-8b-instruct-fast').properties.some((p: { property_id: string }) => p.property_id === 'beta' || p.property_id === 'planned_deprecation_date')).toBe(false);
  });

  it('shapes items like the catalogue, with stable UUIDs and facts as properties', async () => {
    const model = [...contract().models.values()].find((m) => m.facts.contextWindow !== undefined) ?? textModel();
    const answer = await send(emu.url, api(`models/search?search=${encodeURIComponent(model.id)}`));
    const item = answer.json().result.find((i: { name: string }) => i.name === model.id);
    expect(item).toMatchObject({ id: stableUuid(`model:${model.id}`), source: 1, name: model.id, tags: [] });
    expect(item.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(item.task.name).toBe(contract().tasks.get(model.task)!.name);
    if (model.facts.contextWindow !== undefined) {
      expect(item.properties).toContainEqual({ property_id: 'context_window', value: String(model.facts.contextWindow) });
    }
    const again = await send(emu.url, api(`models/search?search=${encodeURIComponent(model.id)}`));
    expect(again.text).toBe(answer.text);
  });

  it('filters by task (name or id), author, search and source', async () => {
    const c = contract();
    const textGen = c.modelsOfTask('text-generation').length;
    const byName = (await send(emu.url, api('models/search?task=Text%20Generation&per_page=1000&include_deprecated=true'))).json();
    const byId = (await send(emu.url, api('models/search?task=text-generation&per_page=1000&include_deprecated=true'))).json();
    expect(byName.result_info.total_count).toBe(textGen);
    expect(byId.result.map((i: { name: string }) => i.name)).toEqual(byName.result.map((i: { name: string }) => i.name));
    const meta = (await send(emu.url, api('models/search?author=meta&per_page=1000'))).json();
    expect(meta.result.length).toBeGreaterThan(0);
    expect(meta.result.every((i: { name: string }) => i.name.split('/')[1] === 'meta')).toBe(true);
    const search = (await send(emu.url, api('models/search?search=WHISPER'))).json();
    expect(search.result.every((i: { name: string }) => i.name.includes('whisper'))).toBe(true);
    expect(search.result.length).toBeGreaterThan(0);
    expect((await send(emu.url, api('models/search?source=2'))).json().result).toEqual([]);
    const beta = [...c.models.values()].filter((m) => m.lifecycle?.status === 'beta').length;
    expect(beta).toBeGreaterThan(0);
    expect((await send(emu.url, api('models/search?source=1&hide_experimental=true&include_deprecated=true'))).json().result_info.total_count).toBe(c.models.size - beta);
  });

  it('uses defaults for absent or invalid paging values', async () => {
    const body = (await send(emu.url, api('models/search?page=zero&per_page=-3'))).json();
    expect(body.result_info).toMatchObject({ page: 1, per_page: 20 });
  });

  it('answers the catalogue 404 body under unknown catalogue paths', async () => {
    const answer = await send(emu.url, api('models/unknown'));
    expect(answer.status).toBe(404);
    expect(answer.json()).toEqual({ success: false, error: 'Not Found' });
  });
});

describe('/ai/models/schema', () => {
  it('answers every model with self-contained input and output schemas that compile', async () => {
    const c = contract();
    for (const model of c.models.values()) {
      const answer = await send(emu.url, api(`models/schema?model=${encodeURIComponent(model.id)}`));
      expect(answer.status, model.id).toBe(200);
      const body = answer.json();
      expect(c.validate(component('ModelSchemaEnvelope'), body), model.id).toEqual([]);
      expect(JSON.stringify(body.result)).not.toContain('"$ref"');
      // A fresh ajv with no contract documents must compile them: nothing points outside.
      const ajv = createAjv();
      expect(() => ajv.compile(body.result.input), model.id).not.toThrow();
      expect(() => ajv.compile(body.result.output), model.id).not.toThrow();
    }
  });

  it('validates like the contract: a valid input passes the served schema', async () => {
    const model = textModel();
    const body = (await send(emu.url, api(`models/schema?model=${encodeURIComponent(model.id)}`))).json();
    const validate = createAjv().compile(body.result.input);
    expect(validate({ prompt: 'hello' })).toBe(true);
    expect(validate({ prompt: 'hello', max_tokens: 'x' })).toBe(false);
  });

  it('answers 400 for a missing or unknown model', async () => {
    const c = contract();
    const unknown = await send(emu.url, api('models/schema?model=@cf/nobody/nothing'));
    expect(unknown.status).toBe(400);
    expect(c.validate(component('ModelSchemaErrorEnvelope'), unknown.json())).toEqual([]);
    expect(unknown.json().errors[0]).toEqual({ code: 5007, message: 'No such model @cf/nobody/nothing or task' });
    const missing = await send(emu.url, api('models/schema'));
    expect(missing.status).toBe(400);
    expect(c.validate(component('ModelSchemaErrorEnvelope'), missing.json())).toEqual([]);
  });
});

describe('/ai/tasks/search and /ai/authors/search', () => {
  it('lists the tasks and the authors', async () => {
    const c = contract();
    const tasks = (await send(emu.url, api('tasks/search'))).json();
    expect(c.validate(component('TaskListEnvelope'), tasks)).toEqual([]);
    expect(tasks.result.map((t: { name: string }) => t.name).sort()).toEqual([...c.tasks.values()].map((t) => t.name).sort());
    const authors = (await send(emu.url, api('authors/search'))).json();
    expect(c.validate(component('AuthorListEnvelope'), authors)).toEqual([]);
    expect(authors.result.map((a: { name: string }) => a.name)).toContain('meta');
  });
});
