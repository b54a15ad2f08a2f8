/** @module Text-to-image semantics: the image (raw bytes, or base64 in `image`) decodes, at the requested size. */
import { isObject } from '../_internals/exchange.js';
import { decodeBase64, decodeImage } from '../_internals/media.js';
import { at, docsOnly, problem, shortJson, type Problem } from '../_internals/problem.js';
import type { SemanticsContext, TaskSemantics } from './answer.js';

/** The size the request asked for (`width`/`height`, else the model's documented default); either side may be unknown. */
export function requestedSize(context: SemanticsContext): { width?: number; height?: number; source: string } {
  const { input, model } = context;
  // A size of 0 is inside some documented ranges (lucid-origin's 0..2500) and asks for no
  // particular size: only positive sizes are requests the answer must honour.
  const positive = (value: unknown) => (typeof value === 'number' && value > 0 ? value : undefined);
  const width = positive(input?.width);
  const height = positive(input?.height);
  if (width !== undefined || height !== undefined) return { width, height, source: 'the requested size' };
  const fallback = model.facts.defaultImageSize;
  return fallback ? { ...fallback, source: `the default size of ${model.id}` } : { source: '' };
}

/**
 * Decoded image bytes have the requested width and height. The size is a warning: models document
 * width/height, but real ones ignore or refuse them (flux-1-schnell's live schema refuses width/height
 * with 5006, see spec/enforcement.yaml), so an answer of another size rests on documentation alone.
 * Bytes that do not decode stay an error: real answers are images.
 */
export function imageProblems(bytes: Uint8Array, path: string, context: SemanticsContext): Problem[] {
  const decoded = decodeImage(bytes);
  if (!decoded.ok) return [problem(path, `does not decode as an image: ${decoded.reason}`, 'a decodable PNG or JPEG', decoded.reason)];
  const want = requestedSize(context);
  const problems: Problem[] = [];
  const got = `${decoded.width}×${decoded.height}`;
  if ((want.width !== undefined && decoded.width !== want.width) || (want.height !== undefined && decoded.height !== want.height)) {
    const expected = `${want.width ?? decoded.width}×${want.height ?? decoded.height}`;
    problems.push(problem(path, `decodes as a ${got} ${decoded.type}, expected ${expected} (${want.source})`, expected, got));
  }
  return docsOnly(problems);
}

/** output.semantics for text-to-image. */
export const textToImageSemantics: TaskSemantics = (answer, context) => {
  if (answer.kind === 'binary') return imageProblems(answer.bytes, context.base, context);
  const { result } = answer;
  if (!isObject(result) || typeof result.image !== 'string') return [];
  const path = at(context.base, 'image');
  const bytes = decodeBase64(result.image);
  if (!bytes) return [problem(path, `is not base64: ${shortJson(result.image, 40)}`, 'base64 image bytes', shortJson(result.image, 40))];
  return imageProblems(bytes, path, context);
};
