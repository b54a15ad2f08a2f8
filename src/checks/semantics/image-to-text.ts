/** @module Image-to-text semantics: an image gets a non-empty description. */
import { isObject } from '../_internals/exchange.js';
import { at } from '../_internals/problem.js';
import { nonEmptyTextProblems, type TaskSemantics } from './answer.js';

/** output.semantics for image-to-text. */
export const imageToTextSemantics: TaskSemantics = (answer, context) => {
  if (answer.kind !== 'json' || !isObject(answer.result)) return [];
  return nonEmptyTextProblems(answer.result.description, at(context.base, 'description'), 'a description of the image');
};
