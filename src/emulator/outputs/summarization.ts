/** @module Summarization: an extractive summary (the text's leading sentences) within `max_length` words. */
import type { OutputMaker } from '../types.js';
import { prose } from './fake-text.js';

const DEFAULT_MAX_LENGTH = 1024;

/**
 * `{summary}`: whole leading sentences of `input_text` up to about a third of its words, cut at
 * `max_length` words (the emulator's token unit); prose when the input has no words.
 */
export const summarization: OutputMaker = {
  make({ input, rng }) {
    const text = typeof input.input_text === 'string' ? input.input_text : '';
    const limit = Math.max(1, Math.floor(typeof input.max_length === 'number' ? input.max_length : DEFAULT_MAX_LENGTH));
    const words = text.split(/\s+/).filter(Boolean);
    if (words.length === 0) return { kind: 'json', result: { summary: prose(rng, Math.min(limit, 12)).text } };
    const target = Math.max(1, Math.ceil(words.length / 3));
    let end = 0;
    while (end < words.length && end < target) {
      end++;
      while (end < words.length && !/[.!?]$/.test(words[end - 1]!)) end++; // finish the sentence
    }
    return { kind: 'json', result: { summary: words.slice(0, Math.min(end, limit)).join(' ') } };
  },
};
