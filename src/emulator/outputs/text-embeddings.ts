/** @module Text embeddings: bag-of-words vectors of the model's dimension, so similar texts get similar vectors. */
import type { ModelEntry } from '../../contract/types.js';
import { createRng } from '../rng.js';
import type { OutputContext, OutputMaker } from '../types.js';
import { fnv1a, round } from './fake-text.js';
import { declaredProperties, keepDeclared, perModel } from './schema-shape.js';

type Obj = Record<string, unknown>;

/** Used when a model states no `embeddingDimension` (the contract gives every embeddings model one). */
const FALLBACK_DIMENSION = 768;
/** Dimensions each word adds ±1 to: sparse enough that shared words dominate similarity. */
const DIMENSIONS_PER_WORD = 16;
/** Weight of the per-text dense component, so that no vector is sparse or zero. */
const DENSE_WEIGHT = 0.1;

/** The embedding dimension of a model. */
export function embeddingDimension(model: ModelEntry): number {
  return model.facts.embeddingDimension ?? FALLBACK_DIMENSION;
}

/** Components are rounded to 6 decimals: a component is `k / SCALE` for an integer `k`. */
const SCALE = 1e6;

/**
 * A unit vector for `text`, as the integers `k` of its components `k / 1e6` (each rounded to 6 decimals): a small
 * dense component seeded by the whole text plus ±1 on a few dimensions per (lower-cased) word, seeded by the word.
 */
function scaledEmbedding(text: string, dimension: number): Float64Array {
  const vector = new Float64Array(dimension);
  const dense = createRng(fnv1a(text));
  for (let i = 0; i < dimension; i++) vector[i] = (dense.next() - 0.5) * DENSE_WEIGHT;
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (!word) continue;
    const rng = createRng(fnv1a(word));
    for (let k = 0; k < DIMENSIONS_PER_WORD; k++) vector[Math.floor(rng.next() * dimension)]! += rng.next() < 0.5 ? -1 : 1;
  }
  let norm = 0;
  for (let i = 0; i < dimension; i++) norm += vector[i]! * vector[i]!;
  norm = Math.sqrt(norm) || 1;
  // As round(x, 6) computes it (Math.round(x * 1e6) / 1e6), -0 kept.
  for (let i = 0; i < dimension; i++) vector[i] = Math.round((vector[i]! / norm) * SCALE);
  return vector;
}

function unscaled(scaled: Float64Array): number[] {
  const out = new Array<number>(scaled.length);
  for (let i = 0; i < scaled.length; i++) out[i] = scaled[i]! / SCALE;
  return out;
}

/**
 * A unit vector for `text`: a small dense component seeded by the whole text plus ±1 on a few
 * dimensions per (lower-cased) word, seeded by the word. Equal texts give equal vectors on every
 * request, and texts sharing words have a higher cosine similarity — enough for retrieval demos.
 */
export function embedText(text: string, dimension: number): number[] {
  return unscaled(scaledEmbedding(text, dimension));
}

let scratch = Buffer.allocUnsafe(64 * 1024);

/** The three digits of 0–999, zero-padded: `DIGITS3[3n]`, `DIGITS3[3n + 1]`, `DIGITS3[3n + 2]`. */
const DIGITS3 = new Uint8Array(3000);
/** How many of those digits are left once trailing zeros are dropped (for n > 0). */
const KEPT3 = new Uint8Array(1000);
for (let n = 0; n < 1000; n++) {
  DIGITS3[3 * n] = 0x30 + Math.floor(n / 100);
  DIGITS3[3 * n + 1] = 0x30 + (Math.floor(n / 10) % 10);
  DIGITS3[3 * n + 2] = 0x30 + (n % 10);
  KEPT3[n] = n % 10 !== 0 ? 3 : n % 100 !== 0 ? 2 : 1;
}

/** Writes the first `count` of n's three padded digits at `pos`; returns the position after them. */
function digits(buf: Uint8Array, pos: number, n: number, count: number): number {
  const at = 3 * n;
  buf[pos] = DIGITS3[at]!;
  if (count > 1) buf[pos + 1] = DIGITS3[at + 1]!;
  if (count > 2) buf[pos + 2] = DIGITS3[at + 2]!;
  return pos + count;
}

/**
 * `JSON.stringify(vectors.map(unscaled))`, written digit by digit (three at a time from a table): V8's shortest-round-trip
 * number printing is most of an embeddings answer's cost otherwise. A component `k / 1e6` (|k| ≤ 1e6) prints as JSON prints it: `0` for ±0, else
 * its sign, its integer part and up to six decimals without trailing zeros (test/unit/emulator/embeddings-json.test.ts).
 */
export function vectorsJson(vectors: readonly Float64Array[]): string {
  let size = 2;
  for (const v of vectors) size += 3 + v.length * 10;
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  const buf = scratch;
  let pos = 0;
  buf[pos++] = 0x5b;
  for (let j = 0; j < vectors.length; j++) {
    if (j > 0) buf[pos++] = 0x2c;
    buf[pos++] = 0x5b;
    const v = vectors[j]!;
    for (let i = 0; i < v.length; i++) {
      if (i > 0) buf[pos++] = 0x2c;
      let k = v[i]!;
      if (k === 0) {
        buf[pos++] = 0x30;
        continue;
      }
      if (k < 0) {
        buf[pos++] = 0x2d;
        k = -k;
      }
      const whole = k < SCALE ? 0 : Math.floor(k / SCALE);
      const frac = k - whole * SCALE;
      if (whole >= 10) pos += buf.write(String(whole), pos, 'latin1');
      else buf[pos++] = 0x30 + whole;
      if (frac === 0) continue;
      buf[pos++] = 0x2e;
      // Six decimals as two groups of three from a table, the trailing zeros of the last group dropped.
      // frac is an integer under 1e6: times 0.001 (a hair above a thousandth) floors to frac / 1000 exactly, without
      // a division (the test prints every component).
      const high = Math.floor(frac * 0.001);
      const low = frac - high * 1000;
      if (low === 0) {
        pos = digits(buf, pos, high, KEPT3[high]!);
      } else {
        pos = digits(buf, pos, high, 3);
        pos = digits(buf, pos, low, KEPT3[low]!);
      }
    }
    buf[pos++] = 0x5d;
  }
  buf[pos++] = 0x5d;
  return buf.toString('latin1', 0, pos);
}

/** A result holding vectors, and its JSON: the vectors printed by {@link vectorsJson}, the rest by JSON.stringify. */
function withVectors(result: Obj, key: string, scaled: readonly Float64Array[]): { kind: 'json'; result: Obj; json?: string } {
  if (!(key in result)) return { kind: 'json', result };
  const placeholder = '\u0000vectors\u0000';
  const text = JSON.stringify({ ...result, [key]: placeholder });
  const marker = JSON.stringify(placeholder);
  const at = text.indexOf(marker);
  return { kind: 'json', result, json: text.slice(0, at) + vectorsJson(scaled) + text.slice(at + marker.length) };
}

/** Cosine similarity of two equal-length vectors. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** Dimension used for relevance scoring; independent of the model so rerankers without one still score. */
const SCORING_DIMENSION = 256;

/**
 * Scores `contexts` against `query`: a logistic of the cosine similarity, in (0, 1), best first,
 * at most `topK`. Shared by bge-reranker-base and bge-m3's query form.
 */
export function rerank(query: string, contexts: readonly string[], topK?: number): { id: number; score: number }[] {
  const q = embedText(query, SCORING_DIMENSION);
  const scored = contexts.map((text, id) => ({ id, score: round(1 / (1 + Math.exp(-8 * (cosine(q, embedText(text, SCORING_DIMENSION)) - 0.25))), 6) }));
  scored.sort((a, b) => b.score - a.score || a.id - b.id);
  return topK !== undefined && topK >= 0 ? scored.slice(0, topK) : scored;
}

/** Texts of an embeddings request: `text` (string or array), qwen3's `queries` + `documents`, or `contexts[].text`. */
export function inputTexts(input: Obj): string[] {
  const list = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : []);
  if (input.text !== undefined) return list(input.text);
  if (input.queries !== undefined || input.documents !== undefined) return [...list(input.queries), ...list(input.documents)];
  if (Array.isArray(input.contexts)) return input.contexts.map((c) => String((c as { text?: unknown })?.text ?? ''));
  return [];
}

const declared = perModel(declaredProperties);

/**
 * `{shape: [n, dim], data: number[n][dim], pooling?}` for text; for bge-m3's contexts form, scores
 * `{response: [{id, score}]}` with a query and `{response: vectors, shape, pooling}` without.
 */
export const textEmbeddings: OutputMaker = {
  make(context: OutputContext) {
    const { input, model, contract } = context;
    const dimension = embeddingDimension(model);
    const pooling = input.pooling === 'cls' ? 'cls' : 'mean';
    if (Array.isArray(input.contexts) && input.text === undefined) {
      const texts = inputTexts(input);
      if (typeof input.query === 'string') return { kind: 'json', result: { response: rerank(input.query, texts) } };
      const scaled = texts.map((t) => scaledEmbedding(t, dimension));
      return withVectors({ response: scaled.map(unscaled), shape: [scaled.length, dimension], pooling }, 'response', scaled);
    }
    const scaled = inputTexts(input).map((t) => scaledEmbedding(t, dimension));
    return withVectors(keepDeclared({ shape: [scaled.length, dimension], data: scaled.map(unscaled), pooling }, declared(contract, model)), 'data', scaled);
  },
};
