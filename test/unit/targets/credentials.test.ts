import { describe, expect, it } from 'vitest';
import { readCredentials, requireCredentials, secretsOf } from '../../../src/targets/credentials.js';
import { ConfigurationError } from '../../../src/targets/errors.js';

describe('readCredentials', () => {
  it('prefers CLOUDFLARE_API_TOKEN', () => {
    expect(readCredentials({ CLOUDFLARE_API_TOKEN: 'tok', CLOUDFLARE_EMAIL: 'a@b.c', CLOUDFLARE_API_KEY: 'k' })).toEqual({
      auth: { kind: 'token', token: 'tok' },
    });
  });
  it('falls back to CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY', () => {
    expect(readCredentials({ CLOUDFLARE_EMAIL: 'a@b.c', CLOUDFLARE_API_KEY: 'k' })).toEqual({
      auth: { kind: 'key', email: 'a@b.c', key: 'k' },
    });
  });
  it('reads the gateway token', () => {
    expect(readCredentials({ CLOUDFLARE_GATEWAY_TOKEN: 'gw' })).toEqual({ gatewayToken: 'gw' });
  });
  it('treats blank variables as unset and trims values', () => {
    expect(readCredentials({ CLOUDFLARE_API_TOKEN: '  ', CLOUDFLARE_GATEWAY_TOKEN: '' })).toEqual({});
    expect(readCredentials({ CLOUDFLARE_API_TOKEN: 'tok\n' })).toEqual({ auth: { kind: 'token', token: 'tok' } });
  });
  it('rejects half a key pair, naming the missing variable and not the value', () => {
    const attempt = () => readCredentials({ CLOUDFLARE_EMAIL: 'private@example.com' });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(/CLOUDFLARE_API_KEY is not set/);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('private@example.com');
    }
  });
});

describe('requireCredentials', () => {
  it('throws a ConfigurationError naming the variables when there are none', () => {
    expect(() => requireCredentials({}, 'live')).toThrow(ConfigurationError);
    expect(() => requireCredentials({ CLOUDFLARE_GATEWAY_TOKEN: 'gw-only' }, 'gateway')).toThrow(
      /CLOUDFLARE_API_TOKEN.*CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY/,
    );
  });
  it('returns them when present', () => {
    expect(requireCredentials({ CLOUDFLARE_API_TOKEN: 'tok' }, 'live').auth).toEqual({ kind: 'token', token: 'tok' });
  });
});

describe('secretsOf', () => {
  it('lists every credential string', () => {
    expect(secretsOf({ auth: { kind: 'key', email: 'e', key: 'k' }, gatewayToken: 'g' })).toEqual(['k', 'e', 'g']);
  });
});
