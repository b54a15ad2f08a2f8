/** @module Image-to-text semantics: an image gets a non-empty description. */
import { isObject } from '../_internals/exchange.js';
import { at, docsOnly, problem } from '../_internals/problem.js';
import { nonEmptyTextProblems, type TaskSemantics } from './answer.js';

/** output.semantics for image-to-text. */
export const imageToTextSemantics: TaskSemantics = (answer, context) => {
  if (answer.kind !== 'json' || !isObject(answer.result)) return [];
  // moondream3.1's non-streamed answer is `{}` live (spec/models/overlay.yaml): the schema accepts it as real, but
  // it describes nothing. A warning: a real answer, yet not what the docs promise.
  if (Object.keys(answer.result).length === 0) {
    return docsOnly([problem(context.base, 'is {}: an empty answer that says nothing about the image (moondream3.1 answers so unless streamed), expected the task\'s output', 'the model\'s output', '{}')]);
  }
  return nonEmptyTextProblems(answer.result.description, at(context.base, 'description'), 'a description of the image');
};
