import { describe, expect, it } from 'vitest';
import { decodeModelId, isWellFormedModelId, route } from '../../../src/emulator/router.js';

const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353';
const MODEL = '@cf/meta/llama-3.1-8b-instruct';

describe('route', () => {
  it('reads a raw model id spanning several path segments', () => {
    const r = route(`/client/v4/accounts/${ACCOUNT}/ai/run/${MODEL}`);
    expect(r).toMatchObject({ kind: 'run', layout: 'rest', accountId: ACCOUNT, model: MODEL, wellFormed: true, method: 'POST' });
  });

  it('reads a percent-encoded model id (%2F, %2f and %40)', () => {
    for (const encoded of ['@cf%2Fmeta%2Fllama-3.1-8b-instruct', '@cf%2fmeta%2fllama-3.1-8b-instruct', '%40cf%2Fmeta%2Fllama-3.1-8b-instruct']) {
      expect(route(`/client/v4/accounts/${ACCOUNT}/ai/run/${encoded}`)).toMatchObject({ kind: 'run', model: MODEL, wellFormed: true });
    }
  });

  it('keeps the query apart from the model', () => {
    const r = route(`/client/v4/accounts/${ACCOUNT}/ai/run/${MODEL}?x=1`);
    expect(r).toMatchObject({ kind: 'run', model: MODEL, query: 'x=1' });
  });

  it('flags ids that are not @cf|@hf/<author>/<name>', () => {
    for (const bad of ['llama', '@cf/meta', '@cf/meta/', '@xx/meta/llama', '@cf/a/b/c', '@cf%2Fmeta%2', '@cf/me ta/x']) {
      const r = route(`/client/v4/accounts/${ACCOUNT}/ai/run/${bad}`);
      expect(r.kind, bad).toBe('run');
      expect(r.kind === 'run' && r.wellFormed, bad).toBe(false);
    }
  });

  it('routes the OpenAI-compatible endpoints', () => {
    for (const endpoint of ['chat/completions', 'completions', 'embeddings', 'responses']) {
      expect(route(`/client/v4/accounts/${ACCOUNT}/ai/v1/${endpoint}`)).toMatchObject({ kind: 'openai', layout: 'rest', endpoint });
    }
    expect(route(`/client/v4/accounts/${ACCOUNT}/ai/v1/models`).kind).toBe('none');
  });

  it('routes the catalogue endpoints, GET only', () => {
    for (const endpoint of ['models/search', 'models/schema', 'tasks/search', 'authors/search']) {
      expect(route(`/client/v4/accounts/${ACCOUNT}/ai/${endpoint}?page=2`)).toMatchObject({ kind: 'catalog', endpoint, method: 'GET', query: 'page=2' });
    }
    expect(route(`/client/v4/accounts/${ACCOUNT}/ai/models/nothing`).kind).toBe('catalog-unknown');
  });

  it('routes the AI Gateway layout, models and /v1 endpoints', () => {
    expect(route(`/v1/${ACCOUNT}/my-gw/workers-ai/${MODEL}`)).toMatchObject({ kind: 'run', layout: 'gateway', accountId: ACCOUNT, gatewayId: 'my-gw', model: MODEL });
    expect(route(`/v1/${ACCOUNT}/my-gw/workers-ai/${encodeURIComponent(MODEL)}`)).toMatchObject({ kind: 'run', model: MODEL, wellFormed: true });
    expect(route(`/v1/${ACCOUNT}/my-gw/workers-ai/v1/chat/completions`)).toMatchObject({ kind: 'openai', layout: 'gateway', gatewayId: 'my-gw', endpoint: 'chat/completions' });
  });

  it('routes the gateway form with `run/` (workers-ai-provider) to the same model, raw and encoded', () => {
    expect(route(`/v1/${ACCOUNT}/my-gw/workers-ai/run/${MODEL}?x=1`)).toMatchObject({ kind: 'run', layout: 'gateway', gatewayId: 'my-gw', model: MODEL, wellFormed: true, query: 'x=1' });
    expect(route(`/v1/${ACCOUNT}/my-gw/workers-ai/run/${encodeURIComponent(MODEL)}`)).toMatchObject({ kind: 'run', model: MODEL, wellFormed: true });
    expect(route(`/v1/${ACCOUNT}/my-gw/workers-ai/run/`).kind).toBe('none');
  });

  it('routes POST /ai/run without a model in the path to the partner models (model in the body), REST layout only', () => {
    expect(route(`/client/v4/accounts/${ACCOUNT}/ai/run?x=1`)).toMatchObject({ kind: 'partner', layout: 'rest', accountId: ACCOUNT, method: 'POST', query: 'x=1' });
    expect(route(`/v1/${ACCOUNT}/my-gw/workers-ai/run`).kind).toBe('run');
  });

  it('answers none for everything else', () => {
    for (const url of ['/', '', '/client/v4', '/client/v4/accounts/', `/client/v4/accounts/${ACCOUNT}`, `/client/v4/accounts/${ACCOUNT}/ai/run/`, `/client/v4/accounts//ai/run/${MODEL}`, `/v1/${ACCOUNT}`, `/v1/${ACCOUNT}/gw/openai/x`, `/v1/${ACCOUNT}/gw/workers-ai/`, '/v2/x/y/workers-ai/z', '?x']) {
      expect(route(url).kind, url).toBe('none');
    }
  });
});

describe('model ids', () => {
  it('decodes or reports broken percent-encoding', () => {
    expect(decodeModelId('@cf%2Fa%2Fb')).toBe('@cf/a/b');
    expect(decodeModelId('@cf/a/b')).toBe('@cf/a/b');
    expect(decodeModelId('%E0%A4%A')).toBeUndefined();
  });
  it('checks the id form', () => {
    expect(isWellFormedModelId('@hf/thebloke/zephyr-7b-beta-awq')).toBe(true);
    expect(isWellFormedModelId('@cf//x')).toBe(false);
    expect(isWellFormedModelId('@cf/x/y\n')).toBe(false);
  });
});
