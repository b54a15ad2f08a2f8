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

/**
 * A unit vector for `text`: a small dense component seeded by the whole text plus ±1 on a few
 * dimensions per (lower-cased) word, seeded by the word. Equal texts give equal vectors on every
 * request, and texts sharing words have a higher cosine similarity — enough for retrieval demos.
 */
export function embedText(text: string, dimension: number): number[] {
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
  const out = new Array<number>(dimension);
  for (let i = 0; i < dimension; i++) out[i] = round(vector[i]! / norm, 6);
  return out;
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
      const vectors = texts.map((t) => embedText(t, dimension));
      return { kind: 'json', result: { response: vectors, shape: [vectors.length, dimension], pooling } };
    }
    const data = inputTexts(input).map((t) => embedText(t, dimension));
    return { kind: 'json', result: keepDeclared({ shape: [data.length, dimension], data, pooling }, declared(contract, model)) };
  },
};
