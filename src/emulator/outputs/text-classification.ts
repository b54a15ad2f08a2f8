/** @module Text classification: the model's labels with softmax scores; bge-reranker-base's `{query, contexts}` scoring. */
import type { OutputMaker } from '../types.js';
import { round, softmax } from './fake-text.js';
import { inputTexts, rerank } from './text-embeddings.js';

/** Used when a classifier states no labels (the contract gives distilbert-sst-2 NEGATIVE/POSITIVE). */
const FALLBACK_LABELS = ['NEGATIVE', 'POSITIVE'];

/**
 * Scores for `labels` that sum to 1, best first: seeded logits through a softmax, the last score
 * absorbing rounding so the sum is exact to float precision.
 */
export function labelScores(labels: readonly string[], next: () => number): { label: string; score: number }[] {
  const probabilities = softmax(labels.map(() => next() * 4 - 2));
  const scored = labels.map((label, i) => ({ label, score: round(probabilities[i]!, 6) }));
  scored.sort((a, b) => b.score - a.score);
  const rest = scored.slice(1).reduce((sum, s) => sum + s.score, 0);
  scored[0]!.score = Math.max(0, Math.min(1, 1 - rest));
  return scored;
}

/** `[{label, score}]` over all the model's labels (sum 1); for `{query, contexts}` → `{response: [{id, score}]}`, best first. */
export const textClassification: OutputMaker = {
  make({ input, model, rng }) {
    if (Array.isArray(input.contexts)) {
      const topK = typeof input.top_k === 'number' ? input.top_k : undefined;
      return { kind: 'json', result: { response: rerank(typeof input.query === 'string' ? input.query : '', inputTexts(input), topK) } };
    }
    return { kind: 'json', result: labelScores(model.facts.labels ?? FALLBACK_LABELS, rng.next) };
  },
};
