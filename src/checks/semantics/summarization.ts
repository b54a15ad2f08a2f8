/** @module Summarization semantics: a non-empty text gets a non-empty summary. */
import { isObject } from '../_internals/exchange.js';
import { at } from '../_internals/problem.js';
import { nonEmptyTextProblems, type TaskSemantics } from './answer.js';

/** output.semantics for summarization. */
export const summarizationSemantics: TaskSemantics = (answer, context) => {
  if (answer.kind !== 'json' || !isObject(answer.result)) return [];
  const text = context.input?.input_text;
  if (typeof text === 'string' && text.trim() === '') return []; // nothing to summarise
  return nonEmptyTextProblems(answer.result.summary, at(context.base, 'summary'), 'a summary of the non-empty input text');
};
