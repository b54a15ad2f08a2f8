/** @module Translation: a word-for-word pseudo-translation, consistent per (word, target language). */
import type { OutputMaker } from '../types.js';
import { fnv1a, WORDS } from './fake-text.js';
import { declares, perModel } from './schema-shape.js';

/**
 * Each word maps to a vocabulary word chosen by hashing it with the target language; case and trailing
 * punctuation are kept. Equal input gives equal output, and word counts match, so tests can reason about it.
 */
export function pseudoTranslate(text: string, target: string): string {
  return text.replace(/[\p{L}\p{N}']+/gu, (word) => {
    const mapped = WORDS[fnv1a(`${target}|${word.toLowerCase()}`) % WORDS.length]!;
    return word[0] === word[0]!.toUpperCase() && word[0] !== word[0]!.toLowerCase() ? mapped[0]!.toUpperCase() + mapped.slice(1) : mapped;
  });
}

const answersList = perModel((contract, model) => declares(contract, model, ['translations']));

/** m2m100's `{translated_text}`, or indictrans2's `{translations: string[]}` (one per input text). */
export const translation: OutputMaker = {
  make({ input, contract, model }) {
    const target = String(input.target_lang ?? input.target_language ?? 'es');
    if (answersList(contract, model)) {
      const texts = Array.isArray(input.text) ? input.text.map(String) : [String(input.text ?? '')];
      return { kind: 'json', result: { translations: texts.map((t) => pseudoTranslate(t, target)) } };
    }
    return { kind: 'json', result: { translated_text: pseudoTranslate(String(input.text ?? ''), target) } };
  },
};
