/** @module The OpenAI-style `error` member beside the v4 envelope of /ai/v1 error answers (and only there). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponse, errorsResponse, withOpenAiError } from '../../../src/emulator/errors.js';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import type { EmulatorResponse } from '../../../src/emulator/types.js';
import { ACCOUNT, AUTH, contract, runPath, send, start } from './helpers.js';

const bodyOf = (response: EmulatorResponse): any => JSON.parse(response.body as string);

describe('withOpenAiError', () => {
  it('adds {message, type, code} and keeps the v4 envelope as it was', () => {
    const response = withOpenAiError(errorResponse('noSuchModel', { model: '@cf/x/y' }));
    expect(bodyOf(response)).toEqual({
      success: false,
      errors: [{ code: 5007, message: 'No such model @cf/x/y or task' }],
      messages: [],
      result: null,
      error: { message: 'No such model @cf/x/y or task', type: 'invalid_request_error', code: '5007' },
    });
    expect(contract().validate(contract().componentUri('ErrorEnvelope'), bodyOf(response))).toEqual([]);
  });

  it('joins several errors into one message; the code is the first one\'s', () => {
    const response = withOpenAiError(errorsResponse('badInput', [{ detail: '/a: bad' }, { detail: '/b: bad' }]));
    expect(bodyOf(response).error).toEqual({ message: 'AiError: Bad input: Error: /a: bad; AiError: Bad input: Error: /b: bad', type: 'invalid_request_error', code: '5006' });
  });

  it('picks the type from the status', () => {
    const typeOf = (response: EmulatorResponse): string => bodyOf(withOpenAiError(response)).error.type;
    expect(typeOf(errorResponse('authMissing'))).toBe('authentication_error');
    expect(typeOf(errorResponse('authRejected'))).toBe('authentication_error');
    expect(typeOf(errorResponse('capacity'))).toBe('rate_limit_error');
    expect(typeOf(errorResponse('internal'))).toBe('server_error');
    expect(typeOf(errorResponse('noRoute', { path: '/x' }))).toBe('invalid_request_error');
  });

  it('leaves successes, non-JSON, broken JSON and non-envelope bodies alone', () => {
    const unchanged: EmulatorResponse[] = [
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' },
      { status: 500, headers: { 'content-type': 'text/plain' }, body: 'oops' },
      { status: 500, headers: { 'content-type': 'application/json' }, body: '{"success":fal' },
      { status: 400, headers: { 'content-type': 'application/json' }, body: '{"success":false,"errors":[]}' },
      { status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":{"message":"already"},"errors":[{"code":1,"message":"m"}]}' },
      { status: 500, headers: { 'content-type': 'text/event-stream' }, body: { chunks: ['data: x\n\n'] } },
    ];
    for (const response of unchanged) expect(withOpenAiError(response)).toBe(response);
  });
});

describe('the server adds it under /ai/v1 only', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await start({ token: 'test-token' });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('REST and gateway /ai/v1 errors, including auth and unknown endpoints, carry it', async () => {
    const chat = { model: '@cf/nope/nope', messages: [{ role: 'user', content: 'hi' }] };
    const answers = await Promise.all([
      send(emulator.url, `/client/v4/accounts/${ACCOUNT}/ai/v1/chat/completions`, { json: chat }),
      send(emulator.url, `/v1/${ACCOUNT}/gw/workers-ai/v1/chat/completions`, { json: chat }),
      send(emulator.url, `/client/v4/accounts/${ACCOUNT}/ai/v1/chat/completions`, { json: chat, headers: {} }),
      send(emulator.url, `/client/v4/accounts/${ACCOUNT}/ai/v1/models`),
    ]);
    expect(answers.map((a) => [a.status, a.json().error?.code])).toEqual([
      [400, '5007'],
      [400, '5007'],
      [401, '10000'],
      [404, '7003'],
    ]);
    for (const answer of answers) expect(answer.json()).toMatchObject({ success: false, result: null, errors: [expect.objectContaining({ message: answer.json().error.message })] });
  });

  it('/ai/run and catalogue errors stay the plain v4 envelope', async () => {
    const run = await send(emulator.url, runPath('@cf/nope/nope'), { json: { prompt: 'hi' } });
    const schema = await send(emulator.url, `/client/v4/accounts/${ACCOUNT}/ai/models/schema?model=@cf/nope/nope`, { headers: AUTH });
    for (const answer of [run, schema]) {
      expect(answer.status).toBe(400);
      expect(answer.json()).not.toHaveProperty('error');
    }
  });
});
