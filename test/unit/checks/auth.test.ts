import { describe, expect, it } from 'vitest';
import { authRequired } from '../../../src/checks/auth.js';
import { catalogExchange, contextFor, envelope, errorEnvelope, messages, openAiExchange, runExchange } from './exchange-builder.js';

const LLAMA = '@cf/meta/llama-3.1-8b-instruct-fp8';
const noAuth = (init: Parameters<typeof runExchange>[2]) => runExchange(LLAMA, { prompt: 'hi' }, init, { auth: 'none' });

describe('auth.required', () => {
  it('passes 401 and 403 with code 10000', () => {
    for (const status of [401, 403]) {
      const ex = noAuth({ status, json: errorEnvelope(10000, 'Authentication error') });
      expect(authRequired.run(ex, contextFor(ex, 'auth-error'))).toEqual([]);
    }
  });

  it('fails a request served without credentials', () => {
    const ex = noAuth({ json: envelope({ response: 'hello' }) });
    const findings = authRequired.run(ex, contextFor(ex, 'auth-error'));
    expect(findings).toMatchObject([{ check: 'auth.required', expected: '401 | 403', actual: '200' }]);
    expect(findings[0]!.message).toBe(`POST /ai/run/${LLAMA} with no credential: answered 200, expected 401 or 403: the request was served without valid credentials`);
  });

  it('fails another status, naming the credential that was sent', () => {
    const ex = runExchange(LLAMA, { prompt: 'hi' }, { status: 400, json: errorEnvelope(10000, 'Authentication error') }, { auth: 'invalid' });
    expect(messages(authRequired.run(ex, contextFor(ex, 'auth-error')))).toEqual([`POST /ai/run/${LLAMA} with a wrong credential: answered 400 (code 10000: Authentication error), expected 401 or 403`]);
  });

  it('fails another error code, and a body without the error envelope', () => {
    const ex = noAuth({ status: 401, json: errorEnvelope(9109, 'Invalid access token') });
    expect(authRequired.run(ex, contextFor(ex, 'auth-error'))).toMatchObject([{ instancePath: '/errors/0/code', message: 'errors carry code 9109, expected 10000 (Authentication error)' }]);
    const bare = noAuth({ status: 401, json: { success: false } });
    expect(authRequired.run(bare, contextFor(bare, 'auth-error'))).toMatchObject([{ instancePath: '/errors' }]);
    const html = openAiExchange('chat/completions', { model: LLAMA, messages: [] }, { status: 401, text: 'Unauthorized', contentType: 'text/plain' }, { auth: 'none' });
    expect(messages(authRequired.run(html, contextFor(html, 'auth-error')))[0]).toContain('the 401 answer is not JSON');
  });

  it('warns (never errs) on 400 code 10001 where the contract lists it as seen live (the catalogue search); errs elsewhere', () => {
    const unauthenticated = { success: false, errors: [{ code: 10001, message: 'Unable to authenticate request' }] };
    const search = catalogExchange('models/search', { page: '1' }, { status: 400, json: unauthenticated });
    search.spec = { ...search.spec, auth: 'invalid' };
    const findings = authRequired.run(search, contextFor(search, 'auth-error'));
    expect(findings).toMatchObject([{ severity: 'warning', instancePath: '/errors/0/code', expected: '10000', actual: '10001' }]);
    expect(findings[0]!.message).toBe(
      'GET /ai/models/search with a wrong credential: answered 400 with code 10001 (Unable to authenticate request), as the live API was seen to refuse a bad credential here; the documented answer is 401 or 403 with code 10000',
    );
    // /ai/run lists no 10001: the same answer there is a wrong status and a wrong code.
    const run = runExchange(LLAMA, { prompt: 'hi' }, { status: 400, json: unauthenticated }, { auth: 'invalid' });
    expect(authRequired.run(run, contextFor(run, 'auth-error')).map((f) => [f.severity, f.actual])).toEqual([
      [undefined, '400'],
      [undefined, '10001'],
    ]);
  });

  it('applies only to requests built to fail authentication', () => {
    const ex = runExchange(LLAMA, { prompt: 'hi' }, { json: envelope({ response: 'x' }) });
    expect(authRequired.applies(ex, contextFor(ex, 'success'))).toBe(false);
  });
});
