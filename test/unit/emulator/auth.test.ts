import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerToken, checkCredentials, isBearerToken } from '../../../src/emulator/auth.js';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { runPath, send, start, TOKEN, textModel } from './helpers.js';

describe('bearer token syntax (RFC 6750 2.1)', () => {
  it('takes "Bearer 1*SP b64token"', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Bearer   a-b.c_d~e+f/g==')).toBe('a-b.c_d~e+f/g==');
  });

  it('refuses a no-break space (U+00A0) before or after the token, and other characters outside b64token', () => {
    for (const value of ['Bearer \u00a0abc', 'Bearer abc\u00a0', 'Bearer\u00a0abc', 'Bearer abc def', 'Bearer a\tb', 'Bearer =abc', 'Bearer ab=c', 'Bearer ', 'Bearer', 'Bearer abc\u2003']) {
      expect(bearerToken(value), JSON.stringify(value)).toBeUndefined();
    }
    expect(checkCredentials({ authorization: `Bearer \u00a0${TOKEN}` }, { token: TOKEN })).toBe('authRejected');
    expect(checkCredentials({ authorization: `Bearer ${TOKEN}\u00a0` }, {})).toBe('authRejected');
    expect(isBearerToken('ok-token')).toBe(true);
    expect(isBearerToken('not ok')).toBe(false);
  });
});

describe('the emulator pinned to a token', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start({ token: TOKEN });
  });
  afterAll(async () => {
    await emu?.close();
  });

  it.each([`Bearer \u00a0${TOKEN}`, `Bearer ${TOKEN}\u00a0`])('refuses %j with 403 / 10000', async (authorization) => {
    const answer = await send(emu.url, runPath(textModel().id), { headers: { authorization }, json: { prompt: 'hi' } });
    expect(answer.status).toBe(403);
    expect(answer.json()).toMatchObject({ success: false, errors: [{ code: 10000 }] });
  });
});

describe('mock --token', () => {
  it('refuses a token no client could send as a bearer token (usage error, exit 2)', async () => {
    const { runCli } = await import('../../helpers/cli.js');
    const result = await runCli(['mock', '--port', '0', '--token', 'has space']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--token must be an RFC 6750 token');
  });
});
