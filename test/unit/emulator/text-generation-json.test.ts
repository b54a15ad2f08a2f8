/** Classic prose answers are written as JSON text directly: the same text JSON.stringify gives, for every model. */
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import { classicProseJson, textGeneration, type Generation } from '../../../src/emulator/outputs/text-generation.js';
import { createRng } from '../../../src/emulator/rng.js';
import { WORDS } from '../../../src/emulator/outputs/fake-text.js';

const generation = (text: string, prose = true): Generation => ({ id: 'x', promptTokens: 3, tokens: [text], text, toolCalls: [], completionTokens: 1, finishReason: 'stop', prose });

describe('classic prose answers as JSON text', () => {
  it("is JSON.stringify of the answer (and ASCII where marked so) for every text-generation model and request form that has it", () => {
    const contract = loadContract();
    const models = contract.modelsOfTask('text-generation');
    const inputs = [
      { prompt: 'Where did the phrase Hello World come from?' },
      { prompt: 'Grüße, ¿qué tal? 你好 😀 "quoted" \\ \n' },
      { prompt: 'short', max_tokens: 3 },
      { messages: [{ role: 'user', content: 'Tell me a story' }] },
      { prompt: 'JSON please', response_format: { type: 'json_object' } },
      { messages: [{ role: 'user', content: 'weather?' }], tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }] },
    ];
    let written = 0;
    for (const model of models) {
      for (const [i, input] of inputs.entries()) {
        for (let seed = 0; seed < 4; seed++) {
          let output;
          try {
            output = textGeneration.make({ contract, model, input, rng: createRng(seed * 31 + i) });
          } catch {
            continue; // an input this model's maker does not take (e.g. a decision model): not this test's concern
          }
          if (output.kind !== 'json' || output.json === undefined) continue;
          written++;
          expect(output.json, `${model.id} ${JSON.stringify(input)}`).toBe(JSON.stringify(output.result));
          // An answer marked ASCII is sent with its length as its byte count (EmulatorResponse.ascii).
          if (output.ascii) expect(/^[\x00-\x7f]*$/.test(output.json), `${model.id} ${JSON.stringify(input)}`).toBe(true);
        }
      }
    }
    expect(written).toBeGreaterThan(100);
  });

  it("prose is text JSON writes as it is (the vocabulary's words, spaces and full stops)", () => {
    for (const word of WORDS) expect(JSON.stringify(` ${word[0]!.toUpperCase()}${word.slice(1)}.`)).toBe(`" ${word[0]!.toUpperCase()}${word.slice(1)}."`);
  });

  it("writes the emulator's prose only, and leaves other text and answers of another shape to JSON.stringify", () => {
    const plain = generation('Plain words. More words');
    expect(classicProseJson({ response: plain.text, usage: {} }, plain)).toBe('{"response":"Plain words. More words","usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}');
    for (const text of ['{"a": "b"}', 'say "hi"', 'back\\slash']) {
      const g = generation(text, false);
      expect(classicProseJson({ response: text, usage: {} }, g), text).toBeUndefined();
    }
    expect(classicProseJson({ response: plain.text, usage: {}, tool_calls: [] }, plain)).toBeUndefined();
    expect(classicProseJson({ response: { a: 1 }, usage: {} }, plain)).toBeUndefined();
    expect(classicProseJson({ usage: {}, response: plain.text }, plain)).toBeUndefined();
  });
});
