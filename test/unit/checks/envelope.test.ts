import { describe, expect, it } from 'vitest';
import { envelopeConsistency, envelopeShape } from '../../../src/checks/envelope.js';
import { catalogExchange, contextFor, envelope, errorEnvelope, messages, openAiExchange, runExchange } from './exchange-builder.js';

const BGE = '@cf/baai/bge-base-en-v1.5';
const SDXL = '@cf/stabilityai/stable-diffusion-xl-base-1.0';
const LLAMA = '@cf/meta/llama-3.1-8b-instruct-fp8';

describe('envelope.shape', () => {
  it('passes the documented success envelope and error envelope', () => {
    const ok = runExchange(BGE, { text: 'a' }, { json: envelope({ shape: [1, 2], data: [[0.1, 0.2]] }) });
    expect(envelopeShape.run(ok, contextFor(ok))).toEqual([]);
    const failed = runExchange(BGE, { text: '' }, { status: 400, json: errorEnvelope(5006, 'Bad input') });
    expect(envelopeShape.run(failed, contextFor(failed, 'client-error'))).toEqual([]);
  });

  it('fails a success envelope without success, pointing at it', () => {
    const ex = runExchange(BGE, { text: 'a' }, { json: { result: { shape: [1, 1], data: [[1]] }, errors: [], messages: [] } });
    const findings = envelopeShape.run(ex, contextFor(ex));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'envelope.shape', instancePath: '', expected: 'property "success"' });
    expect(findings[0]!.message).toBe('/: expected property "success", found no such property (required) against RunEnvelope (status 200)');
  });

  it('fails an error envelope whose errors are not ErrorItems', () => {
    const ex = runExchange(BGE, { text: '' }, { status: 400, json: { success: false, result: null, errors: [{ message: 'Bad input' }] } });
    const findings = envelopeShape.run(ex, contextFor(ex, 'client-error'));
    expect(findings.map((f) => f.instancePath)).toEqual(['/errors/0']);
    expect(findings[0]!.message).toContain('expected property "code"');
    expect(findings[0]!.message).toContain('against ErrorEnvelope (status 400)');
  });

  it('fails a JSON-model answer that is not JSON', () => {
    const ex = runExchange(BGE, { text: 'a' }, { text: 'ok', contentType: 'text/plain' });
    expect(messages(envelopeShape.run(ex, contextFor(ex)))).toEqual([`POST /ai/run/${BGE} answered 200 with text/plain that is not JSON: "ok", expected a JSON RunEnvelope`]);
  });

  it('judges the catalogue searches by their documented 404 body', () => {
    const ok = catalogExchange('models/search', { search: 'zzz' }, { status: 404, json: { success: false, error: 'Not Found' } });
    expect(envelopeShape.run(ok, contextFor(ok))).toEqual([]);
    const bad = catalogExchange('models/search', { search: 'zzz' }, { status: 404, json: { success: false } });
    expect(envelopeShape.run(bad, contextFor(bad))[0]!.message).toContain('expected property "error"');
  });

  it('skips binary answers, streams and /ai/v1 successes', () => {
    const png = runExchange(SDXL, { prompt: 'cat' }, { bytes: new Uint8Array([0x89, 0x50]), contentType: 'image/png' });
    expect(envelopeShape.applies(png, contextFor(png))).toBe(false);
    const stream = runExchange(LLAMA, { prompt: 'hi', stream: true }, { events: [{ response: 'a' }, '[DONE]'] });
    expect(envelopeShape.applies(stream, contextFor(stream))).toBe(false);
    const chat = openAiExchange('chat/completions', { model: LLAMA, messages: [] }, { json: { object: 'chat.completion' } });
    expect(envelopeShape.applies(chat, contextFor(chat))).toBe(false);
    expect(envelopeShape.run(chat, contextFor(chat))).toEqual([]);
  });
});

describe('envelope.shape: error bodies only seen from the real API', () => {
  const judge = (status: number, json: unknown) => {
    const ex = runExchange(LLAMA, { prompt: 'hi' }, { status, json });
    return envelopeShape.run(ex, contextFor(ex));
  };

  it('warns (never fails) about each observed form: errors as one object, {"error": {...}}, the gateway\'s error list', () => {
    const forms: [unknown, string][] = [
      [{ errors: { message: 'AiError: Bad input', code: 5006 }, success: false, result: {}, messages: [] }, 'ErrorEnvelopeSingleError'],
      [{ error: { code: 'invalid_prompt', message: 'AiError: AiError: Request timeout (a613c7db)' } }, 'AiErrorBody'],
      [{ error: { message: '4006: you have used up your daily free allocation', stage: 'pipeline', code: 'internal_error' }, timestamp: '2025-10-27T08:26:51.928Z' }, 'AiErrorBody'],
      [{ success: false, result: [], messages: [], error: [{ code: 2001, message: 'Please configure AI Gateway in the Cloudflare dashboard' }] }, 'GatewayErrorEnvelope'],
    ];
    for (const [body, form] of forms) {
      const findings = judge(400, body);
      expect(findings, form).toMatchObject([{ check: 'envelope.shape', severity: 'warning', actual: form }]);
      expect(findings[0]!.message).toContain('not the documented v4 ErrorEnvelope');
    }
  });

  it('still fails a body of no known form', () => {
    // No message; and Anthropic's error object of /ai/v1/messages, which has no code.
    for (const body of [{ error: { code: 'x' } }, { type: 'error', error: { type: 'not_found_error', message: 'model not found' } }]) {
      const findings = judge(400, body);
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.every((f) => f.severity === undefined)).toBe(true);
    }
  });

  it('envelope.consistency takes errors as one object and the gateway\'s error list and empty result list', () => {
    const consistency = (json: unknown) => {
      const ex = runExchange(LLAMA, { prompt: 'hi' }, { status: 400, json });
      return envelopeConsistency.run(ex, contextFor(ex));
    };
    expect(consistency({ errors: { message: 'Bad input', code: 5006 }, success: false, result: {}, messages: [] })).toEqual([]);
    expect(consistency({ success: false, result: [], messages: [], error: [{ code: 2001, message: 'configure' }] })).toEqual([]);
    expect(consistency({ success: false, result: [1], messages: [], error: [{ code: 2001, message: 'configure' }] }).map((p) => p.instancePath)).toEqual(['/result']);
  });
});

describe('envelope.consistency', () => {
  const judge = (status: number, json: unknown) => {
    const ex = runExchange(BGE, { text: 'a' }, { status, json });
    return envelopeConsistency.run(ex, contextFor(ex));
  };

  it('passes consistent success and failure envelopes', () => {
    expect(judge(200, envelope({ data: [] }))).toEqual([]);
    expect(judge(400, errorEnvelope(5007, 'No such model'))).toEqual([]);
    expect(judge(400, { success: false, result: {}, errors: [{ message: 'x' }] })).toEqual([]);
  });

  it('fails success that disagrees with the HTTP status', () => {
    const findings = judge(500, envelope({ data: [] }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'envelope.consistency', instancePath: '/success', expected: 'false', actual: 'true' });
    expect(findings[0]!.message).toBe('success is true but the HTTP status is 500, expected false (2xx ⇔ success)');
  });

  it('fails success with errors, and success without a result', () => {
    expect(judge(200, { success: true, result: { data: [] }, errors: [{ code: 1, message: 'x' }] })).toMatchObject([{ instancePath: '/errors', message: 'errors has 1 error(s) although success is true, expected []' }]);
    expect(judge(200, { success: true, result: null, errors: [] })).toMatchObject([{ instancePath: '/result', message: 'result is null although success is true, expected the payload' }]);
  });

  it('fails failure without errors, and failure with a payload', () => {
    expect(judge(400, { success: false, result: null, errors: [] })).toMatchObject([{ instancePath: '/errors', message: 'errors is empty although success is false, expected at least one error' }]);
    expect(judge(400, { success: false, result: { data: [[1]] }, errors: [{ code: 1, message: 'x' }] })).toMatchObject([{ instancePath: '/result', message: 'result carries a payload although success is false, expected null' }]);
  });

  it('accepts the catalogue 404 body, whose error is a string', () => {
    const ex = catalogExchange('models/search', {}, { status: 404, json: { success: false, error: 'Not Found' } });
    expect(envelopeConsistency.run(ex, contextFor(ex))).toEqual([]);
  });

  it('skips bodies that are not envelopes (envelope.shape reports them)', () => {
    const ex = runExchange(BGE, { text: 'a' }, { json: [1, 2] });
    expect(envelopeConsistency.applies(ex, contextFor(ex))).toBe(false);
  });
});
