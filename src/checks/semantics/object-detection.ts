/** @module Object detection semantics: scores are probabilities and every box is ordered and inside the input image. */
import { jpegSize } from '../../media/jpeg.js';
import { pngSize } from '../../media/png.js';
import { isObject } from '../_internals/exchange.js';
import { at, docsOnly, num, problem, type Problem } from '../_internals/problem.js';
import { rangeProblems, type SemanticsContext, type TaskSemantics } from './answer.js';

/** Boxes may reach past the image edge by this many pixels (models round coordinates). */
const EDGE_TOLERANCE = 1;

/** The input image's size, read from its header, when the input was a PNG or JPEG (raw body or `image: [bytes]`). */
export function inputImageSize(context: SemanticsContext): { width: number; height: number } | undefined {
  let bytes = context.rawInput;
  const image = context.input?.image;
  if (!bytes && Array.isArray(image) && image.every((b) => typeof b === 'number')) bytes = Uint8Array.from(image as number[]);
  if (!bytes) return undefined;
  return pngSize(bytes) ?? jpegSize(bytes);
}

/**
 * One box: corners ordered (xmin ≤ xmax, ymin ≤ ymax), non-negative, and inside the image when its size is
 * known. Warnings: the schema gives four numbers; their order and range are read from the docs' wording
 * (and pixel coordinates are this project's reading), not from real answers.
 */
function boxProblems(box: Record<string, unknown>, path: string, size: { width: number; height: number } | undefined): Problem[] {
  const { xmin, ymin, xmax, ymax } = box;
  if (typeof xmin !== 'number' || typeof ymin !== 'number' || typeof xmax !== 'number' || typeof ymax !== 'number') return [];
  const problems: Problem[] = [];
  if (xmin > xmax) problems.push(problem(at(path, 'xmin'), `is ${num(xmin)}, greater than xmax ${num(xmax)}, expected xmin ≤ xmax`, `≤ ${num(xmax)}`, num(xmin)));
  if (ymin > ymax) problems.push(problem(at(path, 'ymin'), `is ${num(ymin)}, greater than ymax ${num(ymax)}, expected ymin ≤ ymax`, `≤ ${num(ymax)}`, num(ymin)));
  for (const [key, value] of Object.entries({ xmin, ymin, xmax, ymax })) {
    if (value < 0) problems.push(problem(at(path, key), `is ${num(value)}, expected a coordinate ≥ 0`, '≥ 0', num(value)));
  }
  if (size) {
    for (const [key, value, limit] of [['xmax', xmax, size.width], ['ymax', ymax, size.height]] as const) {
      if (value > limit + EDGE_TOLERANCE) problems.push(problem(at(path, key), `is ${num(value)}, outside the ${size.width}×${size.height} input image, expected ≤ ${limit}`, `≤ ${limit}`, num(value)));
    }
  }
  return docsOnly(problems);
}

/** output.semantics for object detection. */
export const objectDetectionSemantics: TaskSemantics = (answer, context) => {
  if (answer.kind !== 'json' || !Array.isArray(answer.result)) return [];
  const size = inputImageSize(context);
  const known = context.model.facts.labels ? new Set(context.model.facts.labels) : undefined;
  const problems: Problem[] = [];
  answer.result.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const path = at(context.base, i);
    problems.push(...rangeProblems(entry.score, at(path, 'score'), 0, 1));
    if (known && typeof entry.label === 'string' && !known.has(entry.label)) {
      problems.push(problem(at(path, 'label'), `is "${entry.label}", expected one of the labels of ${context.model.id}`, 'a known label', entry.label));
    }
    if (isObject(entry.box)) problems.push(...boxProblems(entry.box, at(path, 'box'), size));
  });
  return problems;
};
