/**
 * @module Text classification semantics: label scores are probabilities, and the reranker (catalogued as text
 * classification) ranks each context of the request at most once.
 */
import { isObject } from '../_internals/exchange.js';
import { at, docsOnly, num, problem, type Problem } from '../_internals/problem.js';
import { rangeProblems, type SemanticsContext, type TaskSemantics } from './answer.js';

/** How far a full probability distribution may sum from 1 (models round scores to float32). */
export const SUM_TOLERANCE = 0.01;

/**
 * `[{label, score}]` answers: at least one entry, scores in [0, 1], labels unique and from the model's label set.
 * Scores sum to ≈ 1 when the answer covers every label of the model; a top-k answer (fewer labels than the model
 * has, or an unknown label set) only sums to at most 1.
 */
export function labelScoreProblems(result: unknown, context: SemanticsContext): Problem[] {
  if (!Array.isArray(result)) return [];
  const { base, model } = context;
  if (result.length === 0) return [problem(base, 'is empty, expected at least one {label, score}', 'at least 1 entry', '0 entries')];
  const problems: Problem[] = [];
  const known = model.facts.labels ? new Set(model.facts.labels) : undefined;
  const seen = new Set<string>();
  let sum = 0;
  result.forEach((entry, i) => {
    if (!isObject(entry)) return;
    problems.push(...rangeProblems(entry.score, at(base, i, 'score'), 0, 1));
    if (typeof entry.score === 'number') sum += entry.score;
    if (typeof entry.label !== 'string') return;
    if (seen.has(entry.label)) problems.push(problem(at(base, i, 'label'), `repeats the label "${entry.label}", expected each label once`, 'unique labels', entry.label));
    seen.add(entry.label);
    if (known && !known.has(entry.label)) problems.push(problem(at(base, i, 'label'), `is "${entry.label}", expected one of the labels of ${model.id} (${[...known].join(', ')})`, [...known].join(' | '), entry.label));
  });
  const complete = known !== undefined && known.size === seen.size && [...known].every((l) => seen.has(l));
  // The sums are warnings: the docs call the scores probabilities, but no real answer shows how a model
  // normalises them (resnet-50 answers its top 5 only), so a sum off 1 rests on documentation alone.
  const sums: Problem[] = [];
  if (complete && Math.abs(sum - 1) > SUM_TOLERANCE) {
    sums.push(problem(base, `scores sum to ${num(sum)} over all ${known.size} labels, expected 1 ± ${SUM_TOLERANCE}`, `1 ± ${SUM_TOLERANCE}`, num(sum)));
  } else if (!complete && sum > 1 + SUM_TOLERANCE) {
    sums.push(problem(base, `scores sum to ${num(sum)}, expected at most 1 (+${SUM_TOLERANCE}) for probabilities of distinct labels`, `≤ 1`, num(sum)));
  }
  return [...problems, ...docsOnly(sums)];
}

/**
 * `{response: [{id, score}]}` rankings: every id is an index of the request's `contexts`, each at most once, and
 * there is one entry per context (or `top_k` of them when the request set it). Reranker scores have no documented range.
 */
export function rankingProblems(ranking: unknown, path: string, context: SemanticsContext): Problem[] {
  if (!Array.isArray(ranking)) return [];
  const contexts = Array.isArray(context.input?.contexts) ? context.input.contexts.length : undefined;
  const problems: Problem[] = [];
  const seen = new Set<number>();
  ranking.forEach((entry, i) => {
    if (!isObject(entry) || typeof entry.id !== 'number') return;
    const { id } = entry;
    if (!Number.isInteger(id) || id < 0 || (contexts !== undefined && id >= contexts)) {
      problems.push(problem(at(path, i, 'id'), `is ${num(id)}, expected the index of one of the ${contexts ?? '?'} contexts (0..${contexts === undefined ? '?' : contexts - 1})`, `0..${contexts === undefined ? '?' : contexts - 1}`, num(id)));
    } else if (seen.has(id)) {
      problems.push(problem(at(path, i, 'id'), `repeats context ${id}, expected each context ranked at most once`, 'unique ids', String(id)));
    }
    seen.add(id);
    if (typeof entry.score === 'number' && !Number.isFinite(entry.score)) problems.push(problem(at(path, i, 'score'), `is ${entry.score}, expected a finite number`));
  });
  if (contexts !== undefined) {
    const topK = typeof context.input?.top_k === 'number' ? context.input.top_k : undefined;
    const expected = Math.min(topK ?? contexts, contexts);
    if (ranking.length !== expected) {
      const why = topK !== undefined && topK < contexts ? `top_k ${topK}` : `one per context`;
      problems.push(problem(path, `has ${ranking.length} entries, expected ${expected} (${why})`, String(expected), String(ranking.length)));
    }
  }
  return problems;
}

/** output.semantics for text classification (label scores, or a reranker's ranking). */
export const textClassificationSemantics: TaskSemantics = (answer, context) => {
  if (answer.kind !== 'json') return [];
  const { result } = answer;
  if (isObject(result) && Array.isArray(result.response)) return rankingProblems(result.response, at(context.base, 'response'), context);
  return labelScoreProblems(result, context);
};
