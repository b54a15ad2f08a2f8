/**
 * @module Text embeddings semantics: one vector per input, every vector of the model's dimension, and `shape`
 * that describes `data`. Also bge-m3's other answers (contexts → vectors, query + contexts → ranking) and async batches.
 */
import { isObject } from '../_internals/exchange.js';
import { at, problem, shortJson, type Problem } from '../_internals/problem.js';
import { asyncProblems, textCount, type SemanticsContext, type TaskSemantics } from './answer.js';
import { rankingProblems } from './text-classification.js';

/** The dimension every vector must have, and where that number comes from (for messages). */
function expectedDimension(matrix: unknown[], shape: unknown, context: SemanticsContext): { dim: number; source: string } | undefined {
  const declared = context.model.facts.embeddingDimension;
  if (declared !== undefined) return { dim: declared, source: `embeddingDimension of ${context.model.id}` };
  if (Array.isArray(shape) && typeof shape[1] === 'number') return { dim: shape[1], source: 'shape[1]' };
  const first = matrix[0];
  return Array.isArray(first) ? { dim: first.length, source: 'the length of the first vector' } : undefined;
}

/**
 * A matrix of embeddings: `count` rows when the input says how many, each of the expected dimension, and
 * `shape` equal to [rows, dimension] when present.
 */
export function matrixProblems(matrix: unknown, path: string, shape: unknown, shapePath: string, count: number | undefined, context: SemanticsContext): Problem[] {
  if (!Array.isArray(matrix)) return [];
  const problems: Problem[] = [];
  if (count !== undefined && matrix.length !== count) {
    problems.push(problem(path, `has ${matrix.length} vectors, expected ${count} (one per input text)`, String(count), String(matrix.length)));
  }
  const expected = expectedDimension(matrix, shape, context);
  if (expected) {
    matrix.forEach((row, i) => {
      if (Array.isArray(row) && row.length !== expected.dim) {
        problems.push(problem(at(path, i), `has ${row.length} numbers, expected ${expected.dim} (${expected.source})`, String(expected.dim), String(row.length)));
      }
    });
  }
  if (Array.isArray(shape)) {
    // Against the expected dimension, not the vectors': a short vector is reported once, above, not again here.
    const dim = expected?.dim ?? (Array.isArray(matrix[0]) ? matrix[0].length : 0);
    const want = [matrix.length, dim];
    if (shape.length !== 2 || shape[0] !== want[0] || shape[1] !== want[1]) {
      problems.push(problem(shapePath, `is ${shortJson(shape)}, expected ${JSON.stringify(want)} (the number of vectors and their dimension)`, JSON.stringify(want), shortJson(shape)));
    }
  }
  return problems;
}

/** output.semantics for text embeddings. */
export const textEmbeddingsSemantics: TaskSemantics = (answer, context) => {
  if (answer.kind !== 'json') return [];
  const { result } = answer;
  const asyncFound = asyncProblems(result, context);
  if (asyncFound) return asyncFound;
  if (!isObject(result)) return [];
  const { base, input } = context;
  if (Array.isArray(result.data)) return matrixProblems(result.data, at(base, 'data'), result.shape, at(base, 'shape'), textCount(input?.text), context);
  if (Array.isArray(result.response)) {
    // bge-m3: with a query the answer ranks the contexts; without one it embeds them.
    if (typeof input?.query === 'string' || isObject(result.response[0])) return rankingProblems(result.response, at(base, 'response'), context);
    const contexts = Array.isArray(input?.contexts) ? input.contexts.length : undefined;
    return matrixProblems(result.response, at(base, 'response'), result.shape, at(base, 'shape'), contexts, context);
  }
  return [];
};
