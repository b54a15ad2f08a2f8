import { describe, expect, it } from 'vitest';
import { buildUrl, gatewayRoot, modelPath, supportsOperation, type Layout } from '../../../src/targets/layout.js';

const MODEL = '@cf/meta/llama-3.1-8b-instruct';
const rest: Layout = { kind: 'rest', root: 'https://api.cloudflare.com/client/v4', accountId: 'acc123' };
const gateway: Layout = { kind: 'gateway', root: gatewayRoot('https://gateway.ai.cloudflare.com/v1', 'acc123', 'my-gw') };

describe('modelPath', () => {
  it('keeps slashes raw', () => {
    expect(modelPath(MODEL, 'raw')).toBe('@cf/meta/llama-3.1-8b-instruct');
  });
  it('percent-encodes slashes when encoded, keeping @ as the official SDK does', () => {
    expect(modelPath(MODEL, 'encoded')).toBe('@cf%2Fmeta%2Fllama-3.1-8b-instruct');
  });
  it('encodes characters that would break the URL in either style', () => {
    expect(modelPath('@cf/a b/c?d#e%', 'raw')).toBe('@cf/a%20b/c%3Fd%23e%25');
    expect(modelPath('@cf/a b/c?d', 'encoded')).toBe('@cf%2Fa%20b%2Fc%3Fd');
  });
});

describe('buildUrl: REST layout', () => {
  it('run, raw', () => {
    expect(buildUrl(rest, { kind: 'run', model: MODEL }, 'raw')).toBe(
      'https://api.cloudflare.com/client/v4/accounts/acc123/ai/run/@cf/meta/llama-3.1-8b-instruct',
    );
  });
  it('run, encoded', () => {
    expect(buildUrl(rest, { kind: 'run', model: MODEL }, 'encoded')).toBe(
      'https://api.cloudflare.com/client/v4/accounts/acc123/ai/run/@cf%2Fmeta%2Fllama-3.1-8b-instruct',
    );
  });
  it('openai', () => {
    expect(buildUrl(rest, { kind: 'openai', endpoint: 'chat/completions' }, 'raw')).toBe(
      'https://api.cloudflare.com/client/v4/accounts/acc123/ai/v1/chat/completions',
    );
  });
  it('catalog with query', () => {
    expect(buildUrl(rest, { kind: 'catalog', endpoint: 'models/search' }, 'raw', { task: 'Text Generation', page: '2' })).toBe(
      'https://api.cloudflare.com/client/v4/accounts/acc123/ai/models/search?task=Text+Generation&page=2',
    );
  });
  it('a root with a trailing slash does not double it', () => {
    expect(buildUrl({ ...rest, root: 'http://127.0.0.1:4010/' } as Layout, { kind: 'run', model: MODEL }, 'raw')).toBe(
      'http://127.0.0.1:4010/accounts/acc123/ai/run/@cf/meta/llama-3.1-8b-instruct',
    );
  });
});

describe('buildUrl: gateway layout', () => {
  it('run, raw and encoded', () => {
    expect(buildUrl(gateway, { kind: 'run', model: MODEL }, 'raw')).toBe(
      'https://gateway.ai.cloudflare.com/v1/acc123/my-gw/workers-ai/@cf/meta/llama-3.1-8b-instruct',
    );
    expect(buildUrl(gateway, { kind: 'run', model: MODEL }, 'encoded')).toBe(
      'https://gateway.ai.cloudflare.com/v1/acc123/my-gw/workers-ai/@cf%2Fmeta%2Fllama-3.1-8b-instruct',
    );
  });
  it('openai', () => {
    expect(buildUrl(gateway, { kind: 'openai', endpoint: 'embeddings' }, 'raw')).toBe(
      'https://gateway.ai.cloudflare.com/v1/acc123/my-gw/workers-ai/v1/embeddings',
    );
  });
  it('catalog is not served: supports says so and buildUrl throws a clear error', () => {
    const operation = { kind: 'catalog', endpoint: 'models/search' } as const;
    expect(supportsOperation(gateway, operation)).toBe(false);
    expect(supportsOperation(rest, operation)).toBe(true);
    expect(() => buildUrl(gateway, operation, 'raw')).toThrow(/not available through the AI Gateway/);
  });
  it('/ai/v1/messages is served on the REST layout only (no gateway path is documented)', () => {
    const operation = { kind: 'openai', endpoint: 'messages' } as const;
    expect(supportsOperation(rest, operation)).toBe(true);
    expect(supportsOperation(gateway, operation)).toBe(false);
    expect(buildUrl(rest, operation, 'raw')).toMatch(/\/accounts\/[^/]+\/ai\/v1\/messages$/);
  });
});
