import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, createTarget, PLACEHOLDER_ACCOUNT_ID, PLACEHOLDER_TOKEN, type CreateTargetOptions } from '../../../src/targets/index.js';
import type { HttpTarget } from '../../../src/targets/http-target.js';
import { json, startTestServer, type TestServer } from './test-server.js';

const MODEL = '@cf/meta/llama-3.1-8b-instruct';
let server: TestServer;
const targets: HttpTarget[] = [];

async function make(options: CreateTargetOptions): Promise<HttpTarget> {
  const target = await createTarget(options);
  targets.push(target);
  return target;
}
const run = { operation: { kind: 'run', model: MODEL }, method: 'POST', body: { json: { prompt: 'x' } } } as const;

beforeAll(async () => {
  server = await startTestServer((_request, response) => json(response, 200, { success: true, result: {} }));
});
afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
  await server.close();
});

describe('createTarget: credentials', () => {
  it.each(['live', 'gateway'] as const)('a %s target without credentials is a ConfigurationError, and nothing is sent', async (kind) => {
    const ids = kind === 'gateway' ? { accountId: 'acc', gatewayId: 'gw' } : { accountId: 'acc' };
    const attempt = createTarget({ kind, baseUrl: server.url, ...ids, env: { CLOUDFLARE_GATEWAY_TOKEN: 'gw-only' } });
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(attempt).rejects.toThrow(/CLOUDFLARE_API_TOKEN/);
    expect(server.requests).toHaveLength(0);
  });

  it('a live target sends the token from the environment', async () => {
    const target = await make({ kind: 'live', baseUrl: server.url, accountId: 'acc', env: { CLOUDFLARE_API_TOKEN: 'live-token' } });
    expect(target.kind).toBe('live');
    expect(target.baseUrl).toBe(server.url);
    const exchange = await target.send(run);
    expect(exchange.response?.status).toBe(200);
    const seen = server.requests.at(-1)!;
    expect(seen.url).toBe(`/accounts/acc/ai/run/${MODEL}`);
    expect(seen.headers.authorization).toBe('Bearer live-token');
  });

  it('a gateway target uses the gateway layout, ids from the environment, and cf-aig-authorization', async () => {
    const target = await make({
      kind: 'gateway',
      baseUrl: `${server.url}/v1`,
      pathStyle: 'encoded',
      env: { CLOUDFLARE_EMAIL: 'me@example.com', CLOUDFLARE_API_KEY: 'k', CLOUDFLARE_GATEWAY_TOKEN: 'gwt', CLOUDFLARE_ACCOUNT_ID: 'acc', CLOUDFLARE_GATEWAY_ID: 'gw' },
    });
    expect(target.baseUrl).toBe(`${server.url}/v1/acc/gw/workers-ai`);
    expect(target.supports({ kind: 'catalog', endpoint: 'models/search' })).toBe(false);
    await target.send(run);
    const seen = server.requests.at(-1)!;
    expect(seen.url).toBe('/v1/acc/gw/workers-ai/@cf%2Fmeta%2Fllama-3.1-8b-instruct');
    expect(seen.headers['x-auth-email']).toBe('me@example.com');
    expect(seen.headers['cf-aig-authorization']).toBe('Bearer gwt');
  });

  it('live and gateway default to Cloudflare', async () => {
    const env = { CLOUDFLARE_API_TOKEN: 't' };
    expect((await make({ kind: 'live', accountId: 'acc', env })).baseUrl).toBe('https://api.cloudflare.com/client/v4');
    expect((await make({ kind: 'gateway', accountId: 'acc', gatewayId: 'gw', env })).baseUrl).toBe(
      'https://gateway.ai.cloudflare.com/v1/acc/gw/workers-ai',
    );
  });

  it('a url target sends env credentials, or a placeholder token, to the placeholder account by default', async () => {
    const withToken = await make({ kind: 'url', baseUrl: `${server.url}/`, env: { CLOUDFLARE_API_TOKEN: 'vendor-token' } });
    await withToken.send(run);
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer vendor-token');
    expect(server.requests.at(-1)!.url).toBe(`/accounts/${PLACEHOLDER_ACCOUNT_ID}/ai/run/${MODEL}`);
    const without = await make({ kind: 'url', baseUrl: server.url, env: { CLOUDFLARE_ACCOUNT_ID: 'from-env' } });
    await without.send(run);
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${PLACEHOLDER_TOKEN}`);
    expect(server.requests.at(-1)!.url).toBe(`/accounts/from-env/ai/run/${MODEL}`);
  });

  it('--max-requests becomes the budget', async () => {
    const target = await make({ kind: 'url', baseUrl: server.url, env: {}, maxRequests: 1 });
    await target.send(run);
    expect((await target.send(run)).error?.kind).toBe('budget');
  });
});

describe('createTarget: option checks', () => {
  const cases: Array<[string, CreateTargetOptions, RegExp]> = [
    ['url without --base-url', { kind: 'url', env: {} }, /--target url needs --base-url/],
    ['gateway without a gateway id', { kind: 'gateway', accountId: 'a', env: { CLOUDFLARE_API_TOKEN: 't' } }, /needs a gateway id.*CLOUDFLARE_GATEWAY_ID/],
    ['live without an account id', { kind: 'live', env: { CLOUDFLARE_API_TOKEN: 't' } }, /needs an account id.*CLOUDFLARE_ACCOUNT_ID/],
    ['an unknown kind', { kind: 'staging' as never, env: {} }, /--target should be one of emulator, live, gateway, url/],
    ['a bad path style', { kind: 'url', baseUrl: 'http://x', pathStyle: 'weird' as never, env: {} }, /--path-style/],
    ['a bad concurrency', { kind: 'url', baseUrl: 'http://x', concurrency: 0, env: {} }, /--concurrency should be an integer of at least 1/],
    ['a bad timeout', { kind: 'url', baseUrl: 'http://x', timeoutMs: 1.5, env: {} }, /--timeout/],
    ['a bad budget', { kind: 'url', baseUrl: 'http://x', maxRequests: -1, env: {} }, /--max-requests/],
    ['a base url that is not a URL', { kind: 'url', baseUrl: 'localhost:8787', env: {} }, /--base-url should/],
    ['a base url with credentials', { kind: 'url', baseUrl: 'http://user:secret@host', env: {} }, /must not contain credentials/],
    ['a base url for the emulator', { kind: 'emulator', baseUrl: 'http://x', env: {} }, /does not apply to --target emulator/],
    ['emulator options for another kind', { kind: 'url', baseUrl: 'http://x', env: {}, emulator: { faults: ['x'] } }, /apply only to --target emulator/],
    ['a gateway id for live', { kind: 'live', accountId: 'a', gatewayId: 'g', env: { CLOUDFLARE_API_TOKEN: 't' } }, /--gateway-id applies only/],
  ];
  it.each(cases)('%s', async (_name, options, message) => {
    const attempt = createTarget(options);
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('never prints a credential value', async () => {
    const attempt = createTarget({ kind: 'url', baseUrl: 'http://user:hunter2@host', env: {} });
    await expect(attempt).rejects.toThrow(ConfigurationError);
    await attempt.catch((error: Error) => expect(error.message).not.toContain('hunter2'));
  });
});
