/**
 * A partner model's documents (spec/openapi.yaml runPartnerModel): the Completed answer judged with its `result` by
 * the model's output schema, the Failed form, error bodies, inputs and outputs; each rule broken once.
 */
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import { judgeCaptured } from '../../../src/validate/captured.js';
import { isSchemaPart, judgeBySchemas, type CapturedDocument } from '../../../src/validate/document.js';

const contract = loadContract();
const TTS = contract.partnerModel('inworld/tts-1.5-mini')!;
const IMAGE = contract.partnerModel('bytedance/seedream-4.0')!;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const judge = (doc: Omit<CapturedDocument, 'bytes'>, value: unknown) => judgeBySchemas(contract, { ...doc, bytes: json(value) });

const completed = { gatewayMetadata: { keySource: 'Unified' }, result: { audio: 'https://example.com/a.mp3' }, state: 'Completed' };
const failed = { state: 'Failed', error: "Model execution failed (User Input Error): Missing required parameter: 'response_format.json_schema.name'." };

describe('partner models in the contract', () => {
  it('lists the partner models apart from the Workers AI catalogue, with their task and schemas', () => {
    expect(contract.model('inworld/tts-1.5-mini')).toBeUndefined();
    expect(TTS).toMatchObject({ task: 'text-to-speech', input: 'PartnerInworldTtsInput', output: 'PartnerAudioUrlOutput' });
    expect(contract.partnerModel('google/veo-3.1-fast')).toMatchObject({ task: null, catalogueTask: 'Text-to-Video' });
    expect(contract.partnerModel('@cf/meta/llama-3.1-8b-instruct')).toBeUndefined();
  });
});

describe('judging a partner answer', () => {
  it('accepts the Completed answer as response and as binding, and judges result by the model', () => {
    expect(judge({ part: 'response', partner: TTS }, completed)).toEqual([]);
    expect(judge({ part: 'binding', partner: TTS }, completed)).toEqual([]);
    // An image answer is no TTS answer: result judged by the model's own output schema.
    expect(judge({ part: 'response', partner: TTS }, { ...completed, result: { image: 'https://example.com/x.png' } }).join('\n')).toMatch(/\/result: .*audio/);
    expect(judge({ part: 'response', partner: IMAGE }, { ...completed, result: { image: 'not a uri' } }).join('\n')).toMatch(/\/result\/image/);
  });

  it('wants state, result and gatewayMetadata, and no v4 envelope in their place', () => {
    expect(judge({ part: 'response', partner: TTS }, { ...completed, state: 'Running' }).join('\n')).toMatch(/\/state/);
    const { gatewayMetadata: _, ...bare } = completed;
    expect(judge({ part: 'response', partner: TTS }, bare).join('\n')).toMatch(/gatewayMetadata/);
    expect(judge({ part: 'response', partner: TTS }, { success: true, result: completed.result, errors: [], messages: [] }).join('\n')).toMatch(/state/);
  });

  it('accepts the Failed form as a whole answer and as an error body, and the v4 envelope as an error body', () => {
    expect(judge({ part: 'response', partner: TTS }, failed)).toEqual([]);
    expect(judge({ part: 'error', partner: TTS }, failed)).toEqual([]);
    expect(judge({ part: 'error', partner: TTS }, { state: 'Failed' }).join('\n')).toMatch(/error/);
    expect(judge({ part: 'error', partner: TTS }, { success: false, result: null, errors: [{ code: 7003, message: failed.error }], messages: [] })).toEqual([]);
    expect(judge({ part: 'error', partner: TTS }, { success: false, result: null, errors: [], messages: [] }).join('\n')).toMatch(/errors/);
  });

  it('judges an input and an output by the model schemas', () => {
    const input = { text: 'Hello', voice_id: 'Dennis', output_format: 'mp3', temperature: 1, timestamp_type: 'none' };
    expect(judge({ part: 'input', partner: TTS }, input)).toEqual([]);
    expect(judge({ part: 'input', partner: TTS }, { ...input, voice_id: 'Nobody' }).join('\n')).toMatch(/\/voice_id/);
    expect(judge({ part: 'output', partner: TTS }, completed.result)).toEqual([]);
    expect(judge({ part: 'output', partner: TTS }, {}).join('\n')).toMatch(/audio/);
  });

  it('is judged by the schemas alone (validate loads no check for it), and judgeCaptured agrees', () => {
    expect(isSchemaPart({ part: 'error', partner: TTS })).toBe(true);
    expect(isSchemaPart({ part: 'error' })).toBe(false);
    expect(judgeCaptured(contract, { part: 'error', partner: TTS, bytes: json({ state: 'Failed' }) })).toEqual(judge({ part: 'error', partner: TTS }, { state: 'Failed' }));
  });
});
