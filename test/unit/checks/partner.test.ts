/** partner.answer: the unified catalogue's forms of a partner model's POST /ai/run answer, with their severities. */
import { describe, expect, it } from 'vitest';
import { partnerAnswer } from '../../../src/checks/partner.js';
import type { Expectation } from '../../../src/checks/types.js';
import { contextFor, partnerExchange, runExchange, type ResponseInit } from './exchange-builder.js';

const TTS = 'inworld/tts-1.5-mini';
const input = { text: 'Hello', voice_id: 'Dennis', output_format: 'mp3', temperature: 1, timestamp_type: 'none' };
const completed = { gatewayMetadata: { keySource: 'Unified' }, result: { audio: 'https://example.com/a.mp3' }, state: 'Completed' };
const failed = { state: 'Failed', error: "Model execution failed (User Input Error): Missing required parameter: 'text'." };

function judge(init: ResponseInit, expectation: Expectation = 'success', model = TTS) {
  const exchange = partnerExchange(model, expectation === 'success' ? input : {}, init);
  const context = contextFor(exchange, expectation);
  expect(partnerAnswer.applies(exchange, context)).toBe(true);
  return partnerAnswer.run(exchange, context);
}

describe('partner.answer', () => {
  it('applies to partner requests only', () => {
    const run = runExchange('@cf/meta/llama-3.1-8b-instruct', { prompt: 'hi' }, { json: completed });
    expect(partnerAnswer.applies(run, contextFor(run))).toBe(false);
  });

  it('passes the catalogue\'s Completed form and a refusal of an invalid input in either form', () => {
    expect(judge({ json: completed })).toEqual([]);
    expect(judge({ status: 400, json: failed }, 'client-error')).toEqual([]);
    expect(judge({ status: 400, json: { success: false, result: null, errors: [{ code: 7003, message: failed.error }], messages: [] } }, 'client-error')).toEqual([]);
  });

  it('fails, as errors, a Completed answer without gatewayMetadata, a result not of the model, a body that is not JSON', () => {
    const { gatewayMetadata: _, ...bare } = completed;
    const missing = judge({ json: bare });
    expect(missing.map((f) => f.severity ?? 'error')).toEqual(['error']);
    expect(missing[0]!.message).toMatch(/^POST \/ai\/run \(inworld\/tts-1\.5-mini\): .*gatewayMetadata/);
    const wrong = judge({ json: { ...completed, result: { image: 'https://example.com/x.png' } } });
    expect(wrong.some((f) => f.instancePath === '/result' && (f.severity ?? 'error') === 'error')).toBe(true);
    expect(judge({ json: { ...completed, result: { audio: 'x' } } }, 'success', 'bytedance/seedream-4.0').length).toBeGreaterThan(0);
    expect(judge({ text: '<html>', contentType: 'text/html' })[0]!.message).toMatch(/expected JSON/);
    // A refusal in neither form is an error too.
    expect(judge({ status: 400, json: { error: 'x' } }, 'client-error').map((f) => f.severity ?? 'error')).toContain('error');
  });

  it('warns where the rule is not recorded: a Failed answer at 200, a valid input refused, an invalid input served', () => {
    const at200 = judge({ json: failed }, 'client-error');
    expect(at200.map((f) => f.severity)).toEqual(['warning']);
    expect(at200[0]!.message).toMatch(/"Failed" in a 200 answer/);
    const refused = judge({ status: 400, json: failed });
    expect(refused.map((f) => f.severity)).toEqual(['warning']);
    expect(refused[0]!.message).toMatch(/refuses \(400\) an input inworld\/tts-1\.5-mini's published schema accepts/);
    const served = judge({ json: completed }, 'client-error');
    expect(served.map((f) => f.severity)).toEqual(['warning']);
  });

  it('judges what env.AI.run returned or threw: a Failed object needs no status, a throw refuses', () => {
    const returned = partnerExchange(TTS, {}, { json: failed });
    returned.binding = { returned: 'value' };
    expect(partnerAnswer.run(returned, contextFor(returned, 'client-error'))).toEqual([]);
    const thrown = partnerExchange(TTS, {}, { kind: 'aborted', message: 'unused' });
    delete thrown.error;
    thrown.binding = { thrown: { name: 'InferenceUpstreamError', message: 'x' } };
    expect(partnerAnswer.applies(thrown, contextFor(thrown, 'client-error'))).toBe(true);
    expect(partnerAnswer.run(thrown, contextFor(thrown, 'client-error'))).toEqual([]);
    expect(partnerAnswer.run(thrown, contextFor(thrown, 'success')).map((f) => f.severity)).toEqual(['warning']);
  });
});
