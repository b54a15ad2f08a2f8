import { describe, expect, it } from 'vitest';
import { outputSemantics } from '../../../../src/checks/semantics/index.js';
import { contextFor, envelope, runExchange } from '../exchange-builder.js';
import { mp3, wav } from '../media-fixtures.js';

const WHISPER = '@cf/openai/whisper';
const TURBO = '@cf/openai/whisper-large-v3-turbo';
const NOVA = '@cf/deepgram/nova-3';
const AURA = '@cf/deepgram/aura-1';
const MELO = '@cf/myshell-ai/melotts';
const SMART_TURN = '@cf/pipecat-ai/smart-turn-v2';

const judgeJson = (model: string, input: unknown, result: unknown) => {
  const ex = runExchange(model, input, { json: envelope(result) });
  return outputSemantics.run(ex, contextFor(ex));
};
const audio = { raw: wav(), contentType: 'audio/wav' };
const word = (w: string, start: number, end: number) => ({ word: w, start, end });

describe('output.semantics: speech recognition', () => {
  it('passes words in time order', () => {
    expect(judgeJson(WHISPER, audio, { text: 'hello world', words: [word('hello', 0, 0.4), word('world', 0.4, 0.9)] })).toEqual([]);
  });

  it('fails a word that ends before it starts, and words out of order', () => {
    const findings = judgeJson(WHISPER, audio, { text: 'a b', words: [word('a', 0.5, 0.2), word('b', 0.1, 0.3)] });
    expect(findings.map((f) => f.message)).toEqual([
      'result.words[0].end is 0.2, before its start 0.5, expected start ≤ end',
      "result.words[1].start is 0.1, before the previous word's start 0.5, expected words in time order",
    ]);
  });

  it('judges whisper-large-v3-turbo segments and Deepgram words', () => {
    const segments = [{ start: 1, end: 2, text: 'b', words: [word('b', 1.5, 1.2)] }, { start: 0, end: 1, text: 'a' }];
    expect(judgeJson(TURBO, { audio: 'AAAA' }, { text: 'a b', segments }).map((f) => f.instancePath)).toEqual(['/result/segments/1/start', '/result/segments/0/words/0/end']);
    const results = { channels: [{ alternatives: [{ transcript: 'a', confidence: 1.5, words: [{ word: 'a', start: 0, end: 1, confidence: 0.9 }] }] }] };
    expect(judgeJson(NOVA, { audio: { body: {}, contentType: 'audio/wav' } }, { results })).toMatchObject([{ instancePath: '/result/results/channels/0/alternatives/0/confidence' }]);
  });
});

describe('output.semantics: text-to-speech', () => {
  const binary = (input: unknown, bytes: Uint8Array, type = 'audio/mpeg') => {
    const ex = runExchange(AURA, input, { bytes, contentType: type });
    return outputSemantics.run(ex, contextFor(ex));
  };

  it('passes audio that decodes, raw or base64', () => {
    expect(binary({ text: 'hi' }, mp3())).toEqual([]);
    expect(binary({ text: 'hi', encoding: 'linear16', container: 'wav' }, wav(), 'audio/wav')).toEqual([]);
    expect(judgeJson(MELO, { prompt: 'hi' }, { audio: Buffer.from(mp3()).toString('base64') })).toEqual([]);
  });

  it('passes ADTS AAC for encoding aac, and fails an ADTS header without a whole frame', () => {
    // One silent AAC-LC frame, mono 24 kHz: 7-byte ADTS header (frame length 13) and a 6-byte raw block.
    const frame = [0xff, 0xf1, 0x58, 0x40, 0x01, 0xbf, 0xfc, 0x00, 0xc8, 0x00, 0x80, 0x23, 0x80];
    expect(binary({ text: 'hi', encoding: 'aac' }, Uint8Array.from([...frame, ...frame]), 'audio/aac')).toEqual([]);
    expect(binary({ text: 'hi', encoding: 'aac' }, Uint8Array.from(frame.slice(0, 10)), 'audio/aac')[0]!.message).toContain('no whole ADTS AAC frame');
  });

  it('fails audio that does not decode', () => {
    expect(binary({ text: 'hi' }, new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 1, 2]))[0]!.message).toContain('the body does not decode as audio: no whole MPEG audio frame');
    expect(judgeJson(MELO, { prompt: 'hi' }, { audio: Buffer.from('not audio').toString('base64') })).toMatchObject([{ instancePath: '/result/audio' }]);
  });
});

describe('output.semantics: voice activity detection', () => {
  it('passes a probability in [0, 1] and fails one outside', () => {
    expect(judgeJson(SMART_TURN, { audio: 'AAAA' }, { is_complete: true, probability: 0.8 })).toEqual([]);
    expect(judgeJson(SMART_TURN, { audio: 'AAAA' }, { is_complete: true, probability: 1.3 })).toMatchObject([{ instancePath: '/result/probability', message: 'result.probability is 1.3, expected a probability in [0, 1]' }]);
  });
});
