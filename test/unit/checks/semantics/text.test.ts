import { describe, expect, it } from 'vitest';
import { outputSemantics } from '../../../../src/checks/semantics/index.js';
import { contextFor, envelope, runExchange } from '../exchange-builder.js';

const M2M = '@cf/meta/m2m100-1.2b';
const INDIC = '@cf/ai4bharat/indictrans2-en-indic-1B';
const BART = '@cf/facebook/bart-large-cnn';

const judge = (model: string, input: unknown, result: unknown) => {
  const ex = runExchange(model, input, { json: envelope(result) });
  return outputSemantics.run(ex, contextFor(ex));
};

describe('output.semantics: translation', () => {
  it('passes a non-empty translation, one per input text', () => {
    expect(judge(M2M, { text: 'hello', target_lang: 'fr' }, { translated_text: 'bonjour' })).toEqual([]);
    expect(judge(INDIC, { text: ['a', 'b'], target_language: 'hin_Deva' }, { translations: ['क', 'ख'] })).toEqual([]);
  });

  it('fails an empty translation and a missing one', () => {
    expect(judge(M2M, { text: 'hello', target_lang: 'fr' }, { translated_text: '' })).toMatchObject([{ instancePath: '/result/translated_text', message: 'result.translated_text is empty, expected a translation of the non-empty input text' }]);
    expect(judge(INDIC, { text: ['a', 'b'], target_language: 'hin_Deva' }, { translations: ['क'] })).toMatchObject([{ instancePath: '/result/translations', message: 'result.translations has 1 translations, expected 2 (one per input text)' }]);
    expect(judge(INDIC, { text: ['a', 'b'], target_language: 'hin_Deva' }, { translations: ['क', ''] })).toMatchObject([{ instancePath: '/result/translations/1' }]);
  });

  it('lets a blank input text translate to a blank text (the contract allows an empty text)', () => {
    expect(judge(INDIC, { text: ['', 'b'], target_language: 'asm_Beng' }, { translations: ['', 'ख'] })).toEqual([]);
    expect(judge(INDIC, { text: '', target_language: 'asm_Beng' }, { translations: [''] })).toEqual([]);
    expect(judge(M2M, { text: ' ', target_lang: 'fr' }, { translated_text: '' })).toEqual([]);
  });
});

describe('output.semantics: summarization', () => {
  it('passes a summary and fails an empty one', () => {
    expect(judge(BART, { input_text: 'A long text.' }, { summary: 'Text.' })).toEqual([]);
    expect(judge(BART, { input_text: 'A long text.' }, { summary: '' })).toMatchObject([{ check: 'output.semantics', instancePath: '/result/summary' }]);
    expect(judge(BART, { input_text: '  ' }, { summary: '' })).toEqual([]);
  });
});

describe('output.semantics: when it applies', () => {
  it('skips failures, streams and unknown models', () => {
    const failed = runExchange(BART, { input_text: '' }, { status: 400, json: { success: false, errors: [{ code: 1, message: 'x' }] } });
    expect(outputSemantics.applies(failed, contextFor(failed))).toBe(false);
    const stream = runExchange('@cf/meta/llama-3.1-8b-instruct-fp8', { prompt: 'x', stream: true }, { events: ['[DONE]'] });
    expect(outputSemantics.applies(stream, contextFor(stream))).toBe(false);
    const unknown = runExchange('@cf/nobody/nothing', { text: 'x' }, { json: envelope({}) });
    expect(outputSemantics.applies(unknown, contextFor(unknown))).toBe(false);
  });
});
