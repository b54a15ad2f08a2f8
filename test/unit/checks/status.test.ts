import { describe, expect, it } from 'vitest';
import { statusClientError, statusSuccess } from '../../../src/checks/status.js';
import { catalogExchange, contextFor, envelope, errorEnvelope, messages, runExchange } from './exchange-builder.js';

const LLAMA = '@cf/meta/llama-3.1-8b-instruct-fp8';

describe('status.success', () => {
  it('passes a 2xx answer to a valid request', () => {
    const ex = runExchange(LLAMA, { prompt: 'hi' }, { json: envelope({ response: 'hello' }) });
    expect(statusSuccess.applies(ex, contextFor(ex))).toBe(true);
    expect(statusSuccess.run(ex, contextFor(ex))).toEqual([]);
  });

  it('fails a 4xx answer to a valid request, quoting the error', () => {
    const ex = runExchange(LLAMA, { prompt: 'hi' }, { status: 400, json: errorEnvelope(5006, 'Bad input') });
    const findings = statusSuccess.run(ex, contextFor(ex));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'status.success', expected: '2xx', actual: '400' });
    expect(findings[0]!.message).toContain(`POST /ai/run/${LLAMA}: expected a 2xx answer to a valid request, got 400 (code 5006: Bad input)`);
  });

  it('fails a timeout, which the target caused', () => {
    const ex = runExchange(LLAMA, { prompt: 'hi' }, { kind: 'timeout', message: 'no answer within 5000 ms' });
    expect(messages(statusSuccess.run(ex, contextFor(ex)))).toEqual([`POST /ai/run/${LLAMA}: expected a 2xx answer to a valid request, got no response (timeout): no answer within 5000 ms`]);
  });

  it('warns (never errs) on 410 code 5028 for a deprecated model, as the live API refuses a retired one; errs otherwise', () => {
    const RETIRED = '@cf/meta/llama-3-8b-instruct'; // deprecated 2026-05-30 in spec/models/lifecycle.yaml
    const gone = errorEnvelope(5028, `AiError: Model has been deprecated: ${RETIRED} was deprecated on 2026-05-30`);
    const ex = runExchange(RETIRED, { prompt: 'hi' }, { status: 410, json: gone });
    const [finding] = statusSuccess.run(ex, contextFor(ex));
    expect(finding).toMatchObject({ severity: 'warning', actual: '410' });
    expect(finding!.message).toContain(`${RETIRED} was deprecated on 2026-05-30 (spec/models/lifecycle.yaml), and code 5028 at 410 is how the live API refuses a retired model`);
    // The binding throws the same code (cloudflare/cloudflare-docs#32501).
    const thrown = runExchange(RETIRED, { prompt: 'hi' });
    thrown.binding = { thrown: { name: 'InferenceUpstreamError', message: '5028: This model was deprecated on 2026-05-30. Please use an alternative model' } };
    expect(statusSuccess.run(thrown, contextFor(thrown))).toMatchObject([{ severity: 'warning' }]);
    // An active model refused so, or a deprecated one refused with another code, is an error as before.
    const active = runExchange(LLAMA, { prompt: 'hi' }, { status: 410, json: gone });
    expect(statusSuccess.run(active, contextFor(active))[0]!.severity).toBeUndefined();
    const other = runExchange(RETIRED, { prompt: 'hi' }, { status: 410, json: errorEnvelope(5007, 'No such model') });
    expect(statusSuccess.run(other, contextFor(other))[0]!.severity).toBeUndefined();
  });

  it('skips an exchange the budget stopped, and other expectations', () => {
    const budget = runExchange(LLAMA, { prompt: 'hi' }, { kind: 'budget', message: 'budget exhausted' });
    expect(statusSuccess.applies(budget, contextFor(budget))).toBe(false);
    expect(statusSuccess.run(budget, contextFor(budget))).toEqual([]);
    const invalid = runExchange(LLAMA, { prompt: '' }, { status: 400, json: errorEnvelope(5006, 'Bad input') });
    expect(statusSuccess.applies(invalid, contextFor(invalid, 'client-error'))).toBe(false);
  });
});

describe('status.client-error', () => {
  const invalid = (init: Parameters<typeof runExchange>[2]) => runExchange(LLAMA, { prompt: '' }, init);

  it('passes a documented 400 with the error envelope', () => {
    const ex = invalid({ status: 400, json: errorEnvelope(5006, "AiError: Bad input: Error: oneOf at '/' not met") });
    expect(statusClientError.run(ex, contextFor(ex, 'client-error'))).toEqual([]);
  });

  it('fails a 2xx: the invalid input was accepted', () => {
    const ex = invalid({ json: envelope({ response: 'sure' }) });
    const [finding] = statusClientError.run(ex, contextFor(ex, 'client-error'));
    expect(finding).toMatchObject({ check: 'status.client-error', expected: '4xx', actual: '200' });
    expect(finding!.message).toContain('got 200: the invalid input was accepted');
  });

  it('fails a 5xx: a server error instead of a client error', () => {
    const ex = invalid({ status: 500, json: errorEnvelope(1000, 'Internal error') });
    expect(messages(statusClientError.run(ex, contextFor(ex, 'client-error')))[0]).toContain('got 500: a server error instead of a client error (code 1000: Internal error)');
  });

  it('fails a 4xx the contract does not document for the operation', () => {
    const ex = invalid({ status: 422, json: errorEnvelope(5006, 'Bad input') });
    const findings = statusClientError.run(ex, contextFor(ex, 'client-error'));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('status 422 is not documented for this operation (documented input errors: 400, 404, 405, 413)');
  });

  it('fails a 4xx that says nothing about the input', () => {
    const ex = invalid({ status: 429, json: errorEnvelope(3040, 'Capacity temporarily exceeded') });
    expect(statusClientError.run(ex, contextFor(ex, 'client-error'))).toMatchObject([
      { expected: '400 | 404 | 405 | 413', actual: '429', message: `POST /ai/run/${LLAMA}: status 429 says nothing about the input (a rate or capacity limit), expected it refused as invalid (400, 404, 405, 413)` },
    ]);
  });

  it('fails a 410 (a retired model, spec/openapi.yaml Gone): it says nothing about the input either', () => {
    const ex = invalid({ status: 410, json: errorEnvelope(5028, 'AiError: Model has been deprecated') });
    expect(messages(statusClientError.run(ex, contextFor(ex, 'client-error')))).toEqual([
      `POST /ai/run/${LLAMA}: status 410 says nothing about the input (a retired model), expected it refused as invalid (400, 404, 405, 413)`,
    ]);
  });

  it('fails an error answer without the error envelope', () => {
    const ex = invalid({ status: 400, json: { success: true, errors: [{ code: 'E_BAD', message: '' }] } });
    const findings = statusClientError.run(ex, contextFor(ex, 'client-error'));
    expect(findings.map((f) => f.instancePath)).toEqual(['/success', '/errors/0/code', '/errors/0/message']);
    expect(findings[0]!.message).toBe('success is true, expected false in an error answer');
    expect(findings[1]!.message).toBe('errors[0].code is "E_BAD", expected a numeric error code');
    expect(findings[2]!.message).toBe('errors[0].message is "", expected a non-empty message');
  });

  it('weighs a refusal in a form only seen from the real API (errors as one object) a warning, not an error', () => {
    const single = { errors: { message: "AiError: Bad input: Error: oneOf at '/' not met", code: 5006 }, success: false, result: {}, messages: [] };
    const ex = invalid({ status: 400, json: single });
    expect(statusClientError.run(ex, contextFor(ex, 'client-error'))).toMatchObject([{ severity: 'warning', actual: 'ErrorEnvelopeSingleError' }]);
    // Not every wrong body is an observed form: a single error without its message stays an error.
    const broken = invalid({ status: 400, json: { ...single, errors: { code: 5006 } } });
    expect(statusClientError.run(broken, contextFor(broken, 'client-error')).map((f) => f.severity)).toEqual(['error']);
  });

  it('quotes the error of an observed form in status.success', () => {
    const ex = runExchange(LLAMA, { prompt: 'hi' }, { status: 400, json: { success: false, result: [], messages: [], error: [{ code: 2001, message: 'Please configure AI Gateway in the Cloudflare dashboard' }] } });
    expect(messages(statusSuccess.run(ex, contextFor(ex)))[0]).toContain('(code 2001: Please configure AI Gateway in the Cloudflare dashboard)');
  });

  it('fails an empty errors array and a body that is not JSON', () => {
    const empty = invalid({ status: 400, json: { success: false, errors: [] } });
    expect(statusClientError.run(empty, contextFor(empty, 'client-error'))).toMatchObject([{ instancePath: '/errors', message: 'errors is empty, expected at least one error' }]);
    const html = invalid({ status: 400, text: '<html>Bad Request</html>', contentType: 'text/html' });
    expect(messages(statusClientError.run(html, contextFor(html, 'client-error')))[0]).toContain('the 400 answer is not JSON');
  });

  it('accepts an all-digit string code, as the contract does', () => {
    const ex = invalid({ status: 400, json: errorEnvelope('5006', 'Bad input') });
    expect(statusClientError.run(ex, contextFor(ex, 'client-error'))).toEqual([]);
  });

  it('accepts message-only errors where models/schema documents them', () => {
    const ex = catalogExchange('models/schema', { model: '' }, { status: 400, json: { success: false, result: {}, errors: [{ message: 'No such model' }] } });
    expect(statusClientError.run(ex, contextFor(ex, 'client-error'))).toEqual([]);
  });
});

describe('status.client-error: severity follows the evidence that the rule is enforced', () => {
  const LLAMA_INPUT = { prompt: 'hi', temperature: 9 };
  const accepted = runExchange(LLAMA, LLAMA_INPUT, { json: envelope({ response: 'sure' }) });
  const invalid = (rule: string, pointer: string, evidence: 'documented-and-observed' | 'documented' | 'unknown') => ({
    invalid: { rule, pointer, enforcement: { kind: rule, class: evidence, severity: evidence === 'documented-and-observed' ? ('error' as const) : ('warning' as const) } },
  });

  it('accepting input that breaks an established rule is an error', () => {
    const [finding] = statusClientError.run(accepted, contextFor(accepted, 'client-error', invalid('required', '', 'documented-and-observed')));
    expect(finding!.severity ?? 'error').toBe('error');
    expect(finding!.message).not.toContain('[rule');
  });

  it('accepting input that breaks a documented-only rule is a warning that names the rule and its evidence', () => {
    const [finding] = statusClientError.run(accepted, contextFor(accepted, 'client-error', invalid('maximum', '/temperature', 'documented')));
    expect(finding).toMatchObject({ severity: 'warning', actual: '200' });
    expect(finding!.message).toContain('[rule maximum at /temperature: documented]');
  });

  it('the refusal envelope stays an error whatever rule was broken', () => {
    const ex = runExchange(LLAMA, LLAMA_INPUT, { status: 400, json: { success: false, errors: [] } });
    const findings = statusClientError.run(ex, contextFor(ex, 'client-error', invalid('maximum', '/temperature', 'unknown')));
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.severity).toBe('error');
  });
});
