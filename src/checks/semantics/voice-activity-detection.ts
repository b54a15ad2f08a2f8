/** @module Voice activity detection semantics: the end-of-turn probability is a probability. */
import { isObject } from '../_internals/exchange.js';
import { at } from '../_internals/problem.js';
import { rangeProblems, type TaskSemantics } from './answer.js';

/** output.semantics for voice activity detection (smart-turn-v2 `{is_complete, probability}`). */
export const voiceActivitySemantics: TaskSemantics = (answer, context) => {
  if (answer.kind !== 'json' || !isObject(answer.result)) return [];
  return rangeProblems(answer.result.probability, at(context.base, 'probability'), 0, 1, 'a probability');
};
