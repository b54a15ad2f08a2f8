/** @module Fake prose and the emulator's token unit (one word = one token), shared by every text-making output. */
import { HEX_BYTES } from '../hex.js';
import type { Rng } from '../rng.js';

/** The vocabulary of fake answers: plain, common words so answers read like (meaningless) English. */
export const WORDS: readonly string[] = (
  'the a of and to in is it that for on with as this by from at be are was can will more most each ' +
  'model answer system data time people water light river mountain city garden window music story ' +
  'question reason example method result value signal network memory engine planet ocean forest ' +
  'morning evening winter summer simple careful quiet bright gentle rapid ancient modern useful ' +
  'clear small large early late often usually together between through across around during ' +
  'build learn explain describe compare measure improve create follow choose travel connect ' +
  'cloud edge worker request response token stream vector image sound word sentence language ' +
  'friendly curious patient honest practical steady warm careful open shared local global'
).split(' ');

/** Unix time (seconds) stamped on answers: a constant, because answers must not depend on the clock. */
export const CREATED_AT = 1_767_225_600; // 2026-01-01T00:00:00Z

/** `n` hex digits drawn from `rng` (deterministic ids); one rng draw per 6 digits, bytes from a table. */
export function hexId(rng: Rng, n = 24): string {
  let out = '';
  while (out.length < n) {
    const x = Math.floor(rng.next() * 0x1000000);
    out += HEX_BYTES[x >>> 16]! + HEX_BYTES[(x >>> 8) & 0xff]! + HEX_BYTES[x & 0xff]!;
  }
  return out.length === n ? out : out.slice(0, n);
}

/** Takes the draws of `hexId(rng, n)` without writing its digits (an answer that shows no id); returns ''. */
export function skipHexId(rng: Rng, n = 24): string {
  for (let digits = 0; digits < n; digits += 6) rng.next();
  return '';
}

/** Counts whitespace-separated words: the emulator's token count for any text. */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/** The text of a message `content`: a string, or the `text` of each part of a parts array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part === 'string') text += ` ${part}`;
    else if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') text += ` ${(part as { text: string }).text}`;
  }
  return text;
}

/**
 * Prompt tokens of a text request in any of its forms: `prompt` (string or string[]), chat `messages`,
 * Responses `input` (string or items) and `instructions`. Deterministic, cheap, and additive.
 */
export function promptTokens(input: Record<string, unknown>): number {
  let count = 0;
  const { prompt, messages, input: items, instructions } = input;
  if (typeof prompt === 'string') count += countWords(prompt);
  else if (Array.isArray(prompt)) for (const p of prompt) if (typeof p === 'string') count += countWords(p);
  if (Array.isArray(messages)) for (const m of messages) count += countWords(contentText((m as { content?: unknown })?.content));
  if (typeof items === 'string') count += countWords(items);
  else if (Array.isArray(items)) {
    for (const item of items) {
      const it = item as { content?: unknown; output?: unknown };
      count += countWords(contentText(it?.content)) + (typeof it?.output === 'string' ? countWords(it.output) : 0);
    }
  }
  if (typeof instructions === 'string') count += countWords(instructions);
  return count;
}

/** Every token form a word can take, precomputed so the hot path only indexes (text generation runs per request). */
const capitalise = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
const FORMS = {
  mid: WORDS.map((w) => ` ${w}`),
  midEnd: WORDS.map((w) => ` ${w}.`),
  start: WORDS.map((w) => ` ${capitalise(w)}`),
  startEnd: WORDS.map((w) => ` ${capitalise(w)}.`),
};

/**
 * `n` words of fake prose as stream tokens: the first bare, the others with a leading space, sentences
 * of 6–14 words capitalised and ended with a full stop. `tokens.join('')` is the text.
 */
export function proseTokens(rng: Rng, n: number): string[] {
  return prose(rng, n).tokens;
}

/**
 * {@link proseTokens} and their text, concatenated as they are drawn: joining them after was half the cost of a
 * prose answer (the emulator answers one per text-generation request).
 */
export function prose(rng: Rng, n: number): { tokens: string[]; text: string } {
  const tokens = new Array<string>(n);
  const count = WORDS.length;
  let text = '';
  let left = 0;
  for (let i = 0; i < n; i++) {
    const index = Math.floor(rng.next() * count);
    const start = left === 0;
    if (start) left = 6 + Math.floor(rng.next() * 9);
    left--;
    const end = left === 0 || i === n - 1;
    const token = (start ? (end ? FORMS.startEnd : FORMS.start) : end ? FORMS.midEnd : FORMS.mid)[index]!;
    tokens[i] = i === 0 ? token.slice(1) : token;
    text += tokens[i];
  }
  return { tokens, text };
}

const TOKEN_PATTERN = /\s*[A-Za-z0-9_]+|\s*[^A-Za-z0-9_\s]+|\s+/g;

/** Splits any text (e.g. JSON) into word-ish tokens whose concatenation is the text. */
export function tokenize(text: string): string[] {
  return text.match(TOKEN_PATTERN) ?? [];
}

/** FNV-1a 32-bit hash: seeds per-word and per-text randomness so equal text gives equal output. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Rounds to `digits` decimals (keeps JSON answers short). */
export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Turns scores into probabilities that sum to 1 (softmax). */
export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
