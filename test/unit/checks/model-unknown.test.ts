import { describe, expect, it } from 'vitest';
import { modelUnknown } from '../../../src/checks/model-unknown.js';
import { catalogExchange, contextFor, envelope, errorEnvelope, messages, openAiExchange, runExchange } from './exchange-builder.js';

const NOPE = '@cf/example/not-a-model';
const judge = (status: number, json: unknown) => {
  const ex = runExchange(NOPE, { prompt: 'hi' }, { status, json });
  return modelUnknown.run(ex, contextFor(ex, 'unknown-model'));
};

describe('model.unknown', () => {
  it('passes 400 with 5007 and 404 with 3042', () => {
    expect(judge(400, errorEnvelope(5007, `No such model ${NOPE} or task`))).toEqual([]);
    expect(judge(404, errorEnvelope(3042, 'The model name is invalid'))).toEqual([]);
  });

  it('fails a 2xx and a 5xx', () => {
    expect(messages(judge(200, envelope({ response: 'x' })))).toEqual([`POST /ai/run/${NOPE} for unknown model "${NOPE}": answered 200, expected 400 or 404: the unknown model was served`]);
    expect(judge(500, errorEnvelope(1000, 'boom'))[0]!.message).toContain('answered 500 (code 1000: boom), expected 400 or 404: a server error instead of a client error');
  });

  it('fails a code that is not a documented unknown-model code', () => {
    expect(judge(400, errorEnvelope(5006, 'Bad input'))).toMatchObject([{ instancePath: '/errors/0/code', message: 'errors carry code 5006, expected 5007 (No such model) or 3042 (Invalid model ID)' }]);
  });

  it('warns (never errs) on 400 with code 7000 "No route for that URI", as the live /ai/run was seen to answer', () => {
    const findings = judge(400, errorEnvelope(7000, 'No route for that URI'));
    expect(findings).toMatchObject([{ severity: 'warning', instancePath: '/errors/0/code', actual: '7000' }]);
    expect(findings[0]!.message).toBe('errors carry code 7000 (No route for that URI), as the live API was seen to answer an unknown model at 400; the documented answer is 5007 (No such model) or 3042 (Invalid model ID)');
    // At another status 7000 is judged like any other code.
    expect(messages(judge(404, errorEnvelope(7000, 'No route for that URI')))).toContain('errors carry code 7000, expected 5007 (No such model) or 3042 (Invalid model ID)');
  });

  it('takes the status 7000 was seen with from the contract (BadRequest x-wai-observed-error-codes), not from the check', () => {
    const ex = runExchange(NOPE, { prompt: 'hi' }, { status: 400, json: errorEnvelope(7000, 'No route for that URI') });
    const context = contextFor(ex, 'unknown-model');
    const openapi = structuredClone(context.contract.openapi) as { components: { responses: Record<string, Record<string, unknown>> } };
    openapi.components.responses.BadRequest!['x-wai-observed-error-codes'] = [5006, 8007];
    // The same contract, its BadRequest without 7000 (documentedResponses reads only `openapi`).
    const contract = new Proxy(context.contract, { get: (target, key) => (key === 'openapi' ? openapi : Reflect.get(target, key, target)) });
    const unlisted = { ...context, contract };
    expect(modelUnknown.run(ex, unlisted)).toMatchObject([{ message: 'errors carry code 7000, expected 5007 (No such model) or 3042 (Invalid model ID)' }]);
    expect(modelUnknown.run(ex, unlisted)[0]!.severity).toBeUndefined();
  });

  it('fails a code that came with a status other than the one documented for it', () => {
    const findings = judge(404, errorEnvelope(5007, 'No such model'));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('code 5007 (No such model) came with status 404, expected 400 as documented for that code');
  });

  it('judges /ai/v1 requests naming an unknown model', () => {
    const ex = openAiExchange('chat/completions', { model: NOPE, messages: [{ role: 'user', content: 'x' }] }, { status: 403, json: errorEnvelope(5018, 'not allowed') });
    expect(modelUnknown.run(ex, contextFor(ex, 'unknown-model')).map((f) => f.message)).toEqual([
      `POST /ai/v1/chat/completions for unknown model "${NOPE}": answered 403 (code 5018: not allowed), expected 400 or 404`,
      'errors carry code 5018, expected 5007 (No such model) or 3042 (Invalid model ID)',
    ]);
  });

  it('accepts the message-only 400 that models/schema documents', () => {
    const ok = catalogExchange('models/schema', { model: NOPE }, { status: 400, json: { success: false, result: {}, errors: [{ message: 'No such model' }] } });
    expect(modelUnknown.run(ok, contextFor(ok, 'unknown-model'))).toEqual([]);
    const bad = catalogExchange('models/schema', { model: NOPE }, { status: 404, json: { success: false, error: 'Not Found' } });
    expect(messages(modelUnknown.run(bad, contextFor(bad, 'unknown-model')))[0]).toContain('answered 404 (Not Found), expected 400');
  });
});
