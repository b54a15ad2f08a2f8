import { describe, expect, it } from 'vitest';
import { parseApiPath, providerPath } from '../../../src/pact/paths.js';
import { requestFilter } from '../../../src/pact/verify-runner.js';

describe('parseApiPath', () => {
  it('reads /ai/run paths with raw and percent-encoded model ids, any prefix', () => {
    expect(parseApiPath('/client/v4/accounts/abc/ai/run/@cf/meta/llama-3.1-8b-instruct')).toEqual({ kind: 'run', model: '@cf/meta/llama-3.1-8b-instruct', accountId: 'abc', query: '' });
    expect(parseApiPath('/accounts/abc/ai/run/@cf%2Fmeta%2Fllama-3.1-8b-instruct?x=1')).toMatchObject({ kind: 'run', model: '@cf/meta/llama-3.1-8b-instruct', query: '?x=1' });
  });

  it('reads /ai/v1, the catalogue and the AI Gateway layout', () => {
    expect(parseApiPath('/client/v4/accounts/abc/ai/v1/chat/completions')).toMatchObject({ kind: 'openai', endpoint: 'chat/completions' });
    expect(parseApiPath('/client/v4/accounts/abc/ai/models/search?task=x')).toMatchObject({ kind: 'catalog', endpoint: 'models/search' });
    expect(parseApiPath('/v1/abc/gw/workers-ai/@cf/meta/llama-3.1-8b-instruct')).toMatchObject({ kind: 'run', model: '@cf/meta/llama-3.1-8b-instruct' });
    expect(parseApiPath('/health')).toEqual({ kind: 'other', query: '' });
  });
});

describe('providerPath', () => {
  const path = '/client/v4/accounts/0123/ai/run/@cf/meta/llama-3.1-8b-instruct?q=1';

  it('moves a pact path onto a REST root with the target account', () => {
    expect(providerPath(path, { kind: 'rest', accountId: 'real' })).toBe('/accounts/real/ai/run/@cf/meta/llama-3.1-8b-instruct?q=1');
  });

  it('moves it onto an AI Gateway root', () => {
    expect(providerPath(path, { kind: 'gateway' })).toBe('/@cf/meta/llama-3.1-8b-instruct?q=1');
    expect(providerPath('/client/v4/accounts/0123/ai/v1/embeddings', { kind: 'gateway' })).toBe('/v1/embeddings');
  });

  it('leaves other paths alone', () => {
    expect(providerPath('/health', { kind: 'rest', accountId: 'x' })).toBe('/health');
  });
});

describe('requestFilter', () => {
  type Req = { url: string; method: string; headers: Record<string, string | undefined> };
  const run = (req: Req, injectAuth: 'present' | 'always' = 'present'): Req => {
    const res = { write: () => true, end: () => res, getHeaders: () => ({}), statusCode: 200 };
    requestFilter({ layout: { kind: 'rest', accountId: 'real' }, headers: { Authorization: 'Bearer target-token' }, injectAuth })(req as never, res as never, () => {});
    return req;
  };

  it("replaces the pact's example credentials with the target's, and rewrites the path", () => {
    const req = run({ url: '/client/v4/accounts/p/ai/run/@cf/x/y', method: 'POST', headers: { authorization: 'Bearer example' } });
    expect(req.url).toBe('/accounts/real/ai/run/@cf/x/y');
    expect(req.headers.authorization).toBe('Bearer target-token');
  });

  it('sends a request without credentials as it is, unless told to add them to every request', () => {
    expect(run({ url: '/accounts/p/ai/run/@cf/x/y', method: 'POST', headers: {} }).headers.authorization).toBeUndefined();
    expect(run({ url: '/accounts/p/ai/run/@cf/x/y', method: 'POST', headers: {} }, 'always').headers.authorization).toBe('Bearer target-token');
  });

  it("leaves Pact's own state-setup calls alone", () => {
    expect(run({ url: '/_pactSetup', method: 'POST', headers: {} }).url).toBe('/_pactSetup');
  });
});
